import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import sinon from 'sinon';
import '../src/assistant/tc-ai-assistant.js';
import type { TcAiAssistant } from '../src/assistant/tc-ai-assistant.js';
import '../src/dashboard/tc-dashboard.js';
import type { TcDashboard } from '../src/dashboard/tc-dashboard.js';
import { MockServer, SERVER_URL, sampleDashboard } from './helpers/mock-server.js';
import { advance, settle } from './helpers/settle.js';

// axe (WCAG rules, colour contrast included) over the states besides "loaded" and "loading": failures, the
// expired-session banner and the single-tile view, each in both themes.
const THEMES = ['light', 'dark'] as const;

function part(el: Element, name: string): HTMLElement | null {
  return el.shadowRoot!.querySelector(`[part~="${name}"]`);
}

describe('accessibility of the failure, expired and single-tile states', () => {
  let server: MockServer;

  beforeEach(() => {
    server = new MockServer();
    server.dashboards.set('sales', sampleDashboard());
  });

  afterEach(() => server.restore());

  /** Mounts a dashboard and waits for its tc-error and alert; returns the error code. */
  async function failedDashboard(theme: string, attributes: { token: string; dashboardId?: string }): Promise<[TcDashboard, string]> {
    const el = document.createElement('tc-dashboard');
    el.setAttribute('data-theme', theme);
    el.setAttribute('dashboard-id', attributes.dashboardId ?? 'sales');
    el.setAttribute('server-url', SERVER_URL);
    el.setAttribute('auth-token', attributes.token);
    const failure = oneEvent(el, 'tc-error');
    await fixture(el);
    const { detail } = await failure;
    await waitUntil(() => part(el, 'error'), 'no error part', { timeout: 5000 });
    await el.updateComplete;
    return [el, detail.code];
  }

  for (const theme of THEMES) {
    describe(`${theme} theme`, () => {
      it('is accessible when the server refuses the page origin', async () => {
        server.corsRefused = true;
        const [el, code] = await failedDashboard(theme, { token: server.issue() });
        expect(code).to.equal('origin_not_authorized');
        await expect(el).to.be.accessible();
      });

      it('is accessible when the dashboard does not exist, with its Try again button', async () => {
        const [el, code] = await failedDashboard(theme, { token: server.issue(), dashboardId: 'nope' });
        expect(code).to.equal('not_found');
        await expect(el).to.be.accessible();
      });

      it('is accessible when the server is unreachable (the alert and its Try again button)', async () => {
        server.unreachable = true;
        const [el, code] = await failedDashboard(theme, { token: server.issue() });
        expect(code).to.equal('server_unreachable');
        expect(part(el, 'retry-button')).to.not.equal(null);
        await expect(el).to.be.accessible();
      });

      it('is accessible with an expired token that cannot be renewed', async () => {
        const token = server.issue();
        server.tokens.get(token)!.expiresAtMs = Date.now() - 1;
        const [el, code] = await failedDashboard(theme, { token });
        expect(code).to.equal('token_expired');
        await expect(el).to.be.accessible();
      });

      it('is accessible with the expired-session banner over the dashboard', async () => {
        const clock = sinon.useFakeTimers({ now: Date.now(), toFake: ['setTimeout', 'clearTimeout', 'Date'], shouldClearNativeTimers: true });
        let el: TcDashboard;
        try {
          el = document.createElement('tc-dashboard');
          el.dataset.theme = theme;
          el.dashboardId = 'sales';
          el.serverUrl = SERVER_URL;
          el.authToken = server.issue(60);
          el.fetchToken = async () => { throw new Error('backend down'); };
          const expired = sinon.spy();
          el.addEventListener('tc-token-expired', expired);
          await fixture(el);
          await settle(clock);
          await advance(clock, 61_000);
          expect(expired.callCount).to.equal(1);
        } finally {
          // axe schedules its own timers: it runs on the real clock.
          clock.restore();
        }
        await el.updateComplete;
        expect(part(el, 'error')!.textContent).to.contain('could not be renewed');
        // Still there, marked out of date without losing contrast.
        expect(getComputedStyle(part(el, 'grid')!).filter).to.equal('grayscale(1)');
        await expect(el).to.be.accessible();
      });

      it('is accessible showing one tile with chart-id', async () => {
        const el = await fixture<TcDashboard>(html`<tc-dashboard chart-id="orders" data-theme=${theme} server-url=${SERVER_URL} auth-token=${server.issue()}></tc-dashboard>`);
        await waitUntil(() => el.shadowRoot!.querySelectorAll('[part~="tile"]').length === 1 && !part(el, 'skeleton'), 'the tile did not render', { timeout: 5000 });
        expect(part(el, 'header')).to.equal(null);
        await el.updateComplete;
        await expect(el).to.be.accessible();
      });

      it('is accessible when the assistant fails to open its session', async () => {
        const el = document.createElement('tc-ai-assistant') as TcAiAssistant;
        el.setAttribute('data-theme', theme);
        el.setAttribute('server-url', SERVER_URL);
        el.setAttribute('auth-token', 'not-a-token');
        const failure = oneEvent(el, 'tc-error');
        await fixture(el);
        expect((await failure).detail.code).to.equal('invalid_token');
        await waitUntil(() => part(el, 'error'), 'no error part', { timeout: 5000 });
        await el.updateComplete;
        await expect(el).to.be.accessible();
      });
    });
  }
});
