/**
 * Loads the server's own `/embed/embed.js` once, so previews use the very `<tc-dashboard>` integrators embed.
 * Resolves when the element is defined; rejects with a message that says what to do when it cannot load.
 */
let loading: Promise<void> | undefined;

export function loadEmbedElements(timeoutMs = 15_000): Promise<void> {
  if (customElements.get('tc-dashboard')) return Promise.resolve();
  loading ??= new Promise<void>((resolve, reject) => {
    const script = document.createElement('script');
    script.type = 'module';
    script.src = '/embed/embed.js';
    const timer = setTimeout(() => fail('it did not load in time'), timeoutMs);
    const fail = (why: string) => {
      clearTimeout(timer);
      script.remove();
      loading = undefined;
      reject(new Error(`The embed components (/embed/embed.js) could not be loaded: ${why}. Run \`npm run build\` and restart the server.`));
    };
    script.addEventListener('error', () => fail('the server did not serve them'));
    document.head.append(script);
    void customElements.whenDefined('tc-dashboard').then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
  return loading;
}
