/**
 * Registers a custom element unless the tag is taken. Host pages often load an embed script twice (two
 * widgets, two bundles); the second copy warns instead of throwing and the first keeps working.
 */
export function define(tag: string, constructor: CustomElementConstructor): void {
  // No DOM (server-side rendering imports the classes): nothing to define; the browser's copy defines them.
  if (typeof customElements === 'undefined') return;
  const existing = customElements.get(tag);
  if (existing) {
    if (existing !== constructor) console.warn(`<${tag}> is already defined (the tc-embed script was loaded twice); keeping the first definition.`);
    return;
  }
  customElements.define(tag, constructor);
}
