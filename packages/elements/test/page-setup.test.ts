import { expect, fixture, oneEvent, waitUntil } from '@open-wc/testing';
import { configure } from '../src/configure.js';
import '../src/dashboard/tc-dashboard.js';
import type { TcErrorEvent } from '../src/events/tc-error.js';
import type { TcReadyEvent } from '../src/events/tc-ready.js';
import { MockServer, SERVER_URL, sampleDashboard } from './helpers/mock-server.js';
import { realTask } from './helpers/settle.js';

function part(el: Element, name: string): HTMLElement | null {
  return el.shadowRoot!.querySelector(`[part~="${name}"]`);
}

/** The tc-error events an element fires, from the moment it is created. */
function errorsOf(el: Element): TcErrorEvent['detail'][] {
  const errors: TcErrorEvent['detail'][] = [];
  el.addEventListener('tc-error', (event) => errors.push((event as TcErrorEvent).detail));
  return errors;
}

// The page sets up the element after it is connected (README "five minutes": a script after embed.js sets
// fetchToken): no error in between; an element nobody configures still says what is missing.
describe('an element configured after it is connected', () => {
  let server: MockServer;

  beforeEach(() => {
    server = new MockServer();
    server.dashboards.set('sales', sampleDashboard());
  });

  afterEach(() => {
    server.restore();
    configure({ serverUrl: undefined, fetchToken: undefined });
  });

  it('takes a fetchToken set in a later task: tc-ready, no tc-error, no alert', async () => {
    const el = document.createElement('tc-dashboard');
    el.setAttribute('dashboard-id', 'sales');
    el.setAttribute('server-url', SERVER_URL);
    const errors = errorsOf(el);
    const ready = oneEvent(el, 'tc-ready') as Promise<TcReadyEvent>;
    await fixture(el);
    await el.updateComplete;
    await realTask();
    expect(part(el, 'error')).to.equal(null);
    el.fetchToken = async () => server.issue();
    expect((await ready).detail.user.distinctId).to.equal('user-1');
    await waitUntil(() => part(el, 'title'), 'no dashboard shown');
    expect(part(el, 'title')!.textContent).to.equal('Sales overview');
    expect(errors).to.deep.equal([]);
    expect(part(el, 'error')).to.equal(null);
  });

  it('takes configure() called in a later task for server-url and fetchToken', async () => {
    const el = document.createElement('tc-dashboard');
    el.setAttribute('dashboard-id', 'sales');
    const errors = errorsOf(el);
    const ready = oneEvent(el, 'tc-ready');
    await fixture(el);
    await realTask();
    configure({ serverUrl: SERVER_URL, fetchToken: async () => server.issue() });
    await ready;
    expect(errors).to.deep.equal([]);
  });

  it('runs the documented page: embed script, the element, then a module script setting fetchToken', async () => {
    // A same-origin frame parsing the README's markup; its requests go to this page's mock server.
    (window as unknown as { issueToken: () => string }).issueToken = () => server.issue();
    const frame = document.createElement('iframe');
    // A blob: document has this page's origin (a srcdoc one reports "null" as location.origin).
    const markup = `<!doctype html>
      <script type="module" src="${new URL('../src/index.ts', import.meta.url).href}"></script>
      <tc-dashboard dashboard-id="sales" server-url="${SERVER_URL}"></tc-dashboard>
      <script type="module">
        const el = document.querySelector('tc-dashboard');
        window.seen = { errors: [], ready: false };
        el.addEventListener('tc-error', (event) => window.seen.errors.push(event.detail.message));
        el.addEventListener('tc-ready', () => (window.seen.ready = true));
        window.fetch = (...args) => parent.fetch(...args);
        el.fetchToken = async () => parent.issueToken();
      </script>`;
    const url = URL.createObjectURL(new Blob([markup], { type: 'text/html' }));
    frame.src = url;
    document.body.append(frame);
    try {
      const seen = () => (frame.contentWindow as unknown as { seen?: { errors: string[]; ready: boolean } }).seen;
      await waitUntil(() => seen()?.ready || seen()?.errors.length, 'the framed page did not load', { timeout: 8000 });
      expect(seen()!.errors).to.deep.equal([]);
      expect(seen()!.ready).to.equal(true);
    } finally {
      frame.remove();
      URL.revokeObjectURL(url);
    }
  });

  it('still reports a genuinely missing token, once, with the alert', async () => {
    const el = document.createElement('tc-dashboard');
    el.setAttribute('dashboard-id', 'sales');
    el.setAttribute('server-url', SERVER_URL);
    const errors = errorsOf(el);
    const listener = oneEvent(el, 'tc-error') as Promise<TcErrorEvent>;
    await fixture(el);
    const { detail } = await listener;
    expect(detail.code).to.equal('missing_configuration');
    expect(detail.message).to.contain('auth-token is required');
    await waitUntil(() => part(el, 'error'), 'no alert');
    expect(part(el, 'error')!.getAttribute('role')).to.equal('alert');
    // Set afterwards, the token is taken as usual.
    const ready = oneEvent(el, 'tc-ready');
    el.fetchToken = async () => server.issue();
    await ready;
    expect(part(el, 'error')).to.equal(null);
    expect(errors).to.have.length(1);
  });
});
