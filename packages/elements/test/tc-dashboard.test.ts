import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import sinon from 'sinon';
import { configure } from '../src/configure.js';
import '../src/dashboard/tc-dashboard.js';
import type { TcDashboard } from '../src/dashboard/tc-dashboard.js';
import type { TcErrorEvent } from '../src/events/tc-error.js';
import { MockServer, SERVER_URL, sampleDashboard } from './helpers/mock-server.js';
import { advance, settle } from './helpers/settle.js';

const SECOND = 1000;

function part(el: Element, name: string): HTMLElement | null {
  return el.shadowRoot!.querySelector(`[part~="${name}"]`);
}

function parts(el: Element, name: string): HTMLElement[] {
  return [...el.shadowRoot!.querySelectorAll<HTMLElement>(`[part~="${name}"]`)];
}

async function shown(el: TcDashboard): Promise<void> {
  await waitUntil(() => part(el, 'grid') || part(el, 'error') || part(el, 'empty'), 'the dashboard did not render', { timeout: 5000 });
  await el.updateComplete;
}

/** Waits for the element's tc-error and its alert; returns the event's detail. */
async function failure(el: TcDashboard, listener: Promise<TcErrorEvent>): Promise<TcErrorEvent['detail']> {
  const event = await listener;
  await waitUntil(() => part(el, 'error'), 'no error part', { timeout: 5000 });
  const alert = part(el, 'error')!;
  expect(alert.getAttribute('role')).to.equal('alert');
  expect(alert.textContent).to.contain(event.detail.message);
  return event.detail;
}

describe('<tc-dashboard>', () => {
  let server: MockServer;

  beforeEach(() => {
    server = new MockServer();
    server.dashboards.set('sales', sampleDashboard());
  });

  afterEach(() => {
    server.restore();
    configure({ serverUrl: undefined, fetchToken: undefined });
  });

  describe('accessibility', () => {
    it('is accessible with its tiles, in the light theme', async () => {
      const el = await fixture<TcDashboard>(html`<tc-dashboard dashboard-id="sales" server-url=${SERVER_URL} auth-token=${server.issue()}></tc-dashboard>`);
      await shown(el);
      await expect(el).to.be.accessible();
    });

    it('is accessible in the dark theme and while loading', async () => {
      const el = await fixture<TcDashboard>(html`<tc-dashboard dashboard-id="sales" data-theme="dark" server-url=${SERVER_URL} auth-token=${server.issue()}></tc-dashboard>`);
      expect(part(el, 'base')!.getAttribute('aria-busy')).to.equal('true');
      await expect(el).to.be.accessible();
      await shown(el);
      await expect(el).to.be.accessible();
    });

    it('lets keyboards reach scrolling tables and reads charts as tables', async () => {
      const el = await fixture<TcDashboard>(html`<tc-dashboard dashboard-id="sales" server-url=${SERVER_URL} auth-token=${server.issue()}></tc-dashboard>`);
      await shown(el);
      const region = el.shadowRoot!.querySelector('.table-scroll')!;
      expect(region.getAttribute('tabindex')).to.equal('0');
      expect(region.getAttribute('role')).to.equal('region');
      const chartTile = [...parts(el, 'tile')].find((tile) => tile.textContent!.includes('Revenue by region'))!;
      expect(chartTile.querySelector('canvas')!.getAttribute('aria-hidden')).to.equal('true');
      expect(chartTile.querySelector('.sr-only table')!.textContent).to.contain('North America');
    });
  });

  describe('properties', () => {
    it('reads the vendor snippet attributes as properties', async () => {
      const token = server.issue();
      const el = await fixture<TcDashboard>(html`<tc-dashboard dashboard-id="sales" chart-id="orders" auth-token=${token} server-url=${SERVER_URL} data-theme="dark"></tc-dashboard>`);
      expect(el.dashboardId).to.equal('sales');
      expect(el.chartId).to.equal('orders');
      expect(el.authToken).to.equal(token);
      expect(el.serverUrl).to.equal(SERVER_URL);
      expect(el.theme).to.equal('dark');
    });

    it('works when configured through properties only, with fetchToken', async () => {
      const el = document.createElement('tc-dashboard');
      el.dashboardId = 'sales';
      el.serverUrl = SERVER_URL;
      el.fetchToken = async () => server.issue();
      await fixture(el);
      await shown(el);
      expect(part(el, 'title')!.textContent).to.equal('Sales overview');
    });

    it('takes serverUrl and fetchToken from configure() when the element has none', async () => {
      configure({ serverUrl: SERVER_URL, fetchToken: async () => server.issue() });
      const el = await fixture<TcDashboard>(html`<tc-dashboard dashboard-id="sales"></tc-dashboard>`);
      await shown(el);
      expect(part(el, 'title')!.textContent).to.equal('Sales overview');
    });

    it('loads another dashboard when dashboard-id changes', async () => {
      server.dashboards.set('ops', sampleDashboard({ dashboard: { id: 'ops', title: 'Operations' }, tiles: [] }));
      const el = await fixture<TcDashboard>(html`<tc-dashboard dashboard-id="sales" server-url=${SERVER_URL} auth-token=${server.issue()}></tc-dashboard>`);
      await shown(el);
      el.setAttribute('dashboard-id', 'ops');
      await waitUntil(() => part(el, 'title')?.textContent === 'Operations', 'did not switch dashboards', { timeout: 5000 });
      expect(part(el, 'empty')!.textContent).to.contain('no tiles');
    });

    it('loads the new dashboard when dashboard-id changes while the session is being verified', async () => {
      server.dashboards.set('ops', sampleDashboard({ dashboard: { id: 'ops', title: 'Operations' }, tiles: [] }));
      const el = document.createElement('tc-dashboard');
      el.setAttribute('dashboard-id', 'sales');
      el.setAttribute('server-url', SERVER_URL);
      el.setAttribute('auth-token', server.issue());
      document.body.append(el);
      try {
        await el.updateComplete; // The verification and the request for "sales" are under way.
        expect(server.requests.map((r) => r.path)).to.include('/embed/dashboards/sales');
        el.setAttribute('dashboard-id', 'ops');
        await waitUntil(() => part(el, 'title')?.textContent === 'Operations', 'did not switch dashboards', { timeout: 5000 });
        await settle();
        expect(part(el, 'title')!.textContent).to.equal('Operations');
      } finally {
        el.remove();
      }
    });
  });

  describe('rendering', () => {
    it('shows the title, description, and each tile on the 12-column grid', async () => {
      const el = await fixture<TcDashboard>(html`<tc-dashboard dashboard-id="sales" server-url=${SERVER_URL} auth-token=${server.issue()}></tc-dashboard>`);
      await shown(el);
      expect(part(el, 'title')!.textContent).to.equal('Sales overview');
      expect(part(el, 'description')!.textContent).to.equal('Revenue by region');
      const tiles = parts(el, 'tile');
      expect(tiles.map((tile) => tile.querySelector('h3')!.textContent)).to.deep.equal(['Revenue', 'Revenue by region', 'Orders']);
      expect(tiles[1]!.style.getPropertyValue('--x')).to.equal('4');
      expect(tiles[1]!.style.getPropertyValue('--w')).to.equal('9');
      expect(getComputedStyle(part(el, 'grid')!).gridTemplateColumns.split(' ')).to.have.length(12);
      expect(part(el, 'kpi-value')!.textContent).to.match(/123,457/);
      const table = parts(el, 'tile')[2]!.querySelector('table')!;
      expect([...table.querySelectorAll('th')].map((th) => th.textContent)).to.deep.equal(['Month', 'Orders']);
      expect(table.querySelector('tbody tr td')!.textContent).to.equal('Jan 2025');
      expect(table.querySelector('tbody tr td.num')!.textContent).to.equal('1,200');
    });

    it('draws bar charts with chart.js, loaded after the first paint', async () => {
      const el = await fixture<TcDashboard>(html`<tc-dashboard dashboard-id="sales" server-url=${SERVER_URL} auth-token=${server.issue()}></tc-dashboard>`);
      await shown(el);
      const canvas = el.shadowRoot!.querySelector('canvas')!;
      await waitUntil(() => canvas.width > 0 && canvas.style.display !== '', 'chart.js did not draw', { timeout: 5000 });
      const { Chart } = await import('chart.js');
      expect(Chart.getChart(canvas)?.data.labels).to.deep.equal(['Europe', 'North America']);
    });

    it('shows one tile with chart-id', async () => {
      const el = await fixture<TcDashboard>(html`<tc-dashboard chart-id="orders" server-url=${SERVER_URL} auth-token=${server.issue()}></tc-dashboard>`);
      await shown(el);
      expect(parts(el, 'tile')).to.have.length(1);
      expect(part(el, 'header')).to.equal(null);
      expect(server.count('/embed/charts/orders')).to.equal(1);
    });

    it('shows empty states for tiles without rows', async () => {
      const dashboard = sampleDashboard();
      for (const tile of dashboard.tiles) tile.rows = [];
      server.dashboards.set('sales', dashboard);
      const el = await fixture<TcDashboard>(html`<tc-dashboard dashboard-id="sales" server-url=${SERVER_URL} auth-token=${server.issue()}></tc-dashboard>`);
      await shown(el);
      expect(parts(el, 'empty')).to.have.length(3);
      expect(el.shadowRoot!.querySelector('canvas')).to.equal(null);
    });

    it('shows loading skeletons until the data is there', async () => {
      const el = await fixture<TcDashboard>(html`<tc-dashboard dashboard-id="sales" server-url=${SERVER_URL} auth-token=${server.issue()}></tc-dashboard>`);
      expect(parts(el, 'skeleton').length).to.be.greaterThan(0);
      expect(el.shadowRoot!.querySelector('[role="status"]')!.textContent).to.contain('Loading');
      await shown(el);
      expect(parts(el, 'skeleton')).to.have.length(0);
    });

    it('stacks tiles in reading order in a narrow container', async () => {
      const el = await fixture<TcDashboard>(html`<div style="width: 400px"><tc-dashboard dashboard-id="sales" server-url=${SERVER_URL} auth-token=${server.issue()}></tc-dashboard></div>`);
      const dashboard = el.querySelector('tc-dashboard')!;
      await shown(dashboard);
      expect(getComputedStyle(part(dashboard, 'grid')!).gridTemplateColumns.split(' ')).to.have.length(1);
    });

    it('follows data-theme and the host custom properties', async () => {
      const el = await fixture<TcDashboard>(html`<tc-dashboard dashboard-id="sales" data-theme="dark" style="--tc-accent-color: rgb(1, 2, 3)" server-url=${SERVER_URL} auth-token=${server.issue()}></tc-dashboard>`);
      await shown(el);
      expect(getComputedStyle(el).backgroundColor).to.equal('rgb(13, 17, 23)');
      el.dataset.theme = 'light';
      await el.updateComplete;
      expect(getComputedStyle(el).backgroundColor).to.equal('rgb(255, 255, 255)');
      expect(getComputedStyle(el).getPropertyValue('--_accent').trim()).to.equal('rgb(1, 2, 3)');
    });
  });

  describe('progressive loading (the server streams tile by tile)', () => {
    it('lays out every tile at once and fills each in as it arrives; tc-ready once all are there', async () => {
      server.holdTilesExcept = ['revenue-total'];
      let ready = 0;
      const el = await fixture<TcDashboard>(html`<tc-dashboard dashboard-id="sales" server-url=${SERVER_URL} auth-token=${server.issue()} @tc-ready=${() => ready++}></tc-dashboard>`);
      await waitUntil(() => part(el, 'kpi-value'), 'the first tile did not show before the others arrived', { timeout: 5000 });
      expect(part(el, 'title')!.textContent).to.equal('Sales overview');
      const tiles = parts(el, 'tile');
      expect(tiles.map((tile) => tile.querySelector('h3')!.textContent)).to.deep.equal(['Revenue', 'Revenue by region', 'Orders']);
      expect(tiles.map((tile) => tile.getAttribute('aria-busy'))).to.deep.equal(['false', 'true', 'true']);
      expect(tiles[1]!.querySelector('[part~="skeleton"]')).to.not.equal(null);
      expect(part(el, 'base')!.getAttribute('aria-busy')).to.equal('true');
      expect(ready).to.equal(0);
      await expect(el).to.be.accessible();

      server.release();
      await waitUntil(() => parts(el, 'tile').every((tile) => tile.getAttribute('aria-busy') === 'false'), 'the held tiles did not arrive', { timeout: 5000 });
      await waitUntil(() => ready === 1, 'no tc-ready', { timeout: 5000 });
      expect(parts(el, 'skeleton')).to.have.length(0);
      expect(part(el, 'base')!.getAttribute('aria-busy')).to.equal('false');
      expect(parts(el, 'tile')[2]!.querySelector('table tbody tr td')!.textContent).to.equal('Jan 2025');
      expect(server.count('/embed/dashboards/sales')).to.equal(1);
    });

    it('says so when the answer ends before every tile arrived, and keeps the tiles that did', async () => {
      server.streamEnding = 'cut';
      const listener = oneEvent(document, 'tc-error') as Promise<TcErrorEvent>;
      const el = await fixture<TcDashboard>(html`<tc-dashboard dashboard-id="sales" server-url=${SERVER_URL} auth-token=${server.issue()}></tc-dashboard>`);
      const detail = await failure(el, listener);
      expect(detail.code).to.equal('invalid_response');
      expect(detail.message).to.match(/ended before every tile arrived; try again/);
      expect(part(el, 'kpi-value')).to.not.equal(null);
      expect(part(el, 'retry-button')).to.not.equal(null);
    });

    it('reports an error line of the stream with its code', async () => {
      server.streamEnding = { code: 'internal_error', message: 'The dashboard could not be loaded completely; try again.' };
      const listener = oneEvent(document, 'tc-error') as Promise<TcErrorEvent>;
      const el = await fixture<TcDashboard>(html`<tc-dashboard dashboard-id="sales" server-url=${SERVER_URL} auth-token=${server.issue()}></tc-dashboard>`);
      expect(await failure(el, listener)).to.deep.equal({ code: 'internal_error', message: 'The dashboard could not be loaded completely; try again.' });
    });

    it('still reads the single JSON answer of a server that does not stream', async () => {
      server.streaming = false;
      const el = await fixture<TcDashboard>(html`<tc-dashboard dashboard-id="sales" server-url=${SERVER_URL} auth-token=${server.issue()}></tc-dashboard>`);
      await shown(el);
      expect(parts(el, 'tile')).to.have.length(3);
      expect(part(el, 'kpi-value')!.textContent).to.match(/123,457/);
    });
  });

  describe('events', () => {
    it('fires tc-ready, bubbling and composed, once the dashboard is shown', async () => {
      const ready = oneEvent(document, 'tc-ready');
      const el = await fixture<TcDashboard>(html`<tc-dashboard dashboard-id="sales" server-url=${SERVER_URL} auth-token=${server.issue(3600, 'eu-user')}></tc-dashboard>`);
      const event = await ready;
      expect(event.target).to.equal(el);
      expect(event.bubbles).to.equal(true);
      expect(event.composed).to.equal(true);
      expect(event.detail).to.deep.equal({ org: { id: 'acme', name: 'Acme' }, user: { distinctId: 'eu-user', role: 'explorer' } });
      // The event map is typed: detail fields are known to the compiler on any element or the document.
      const typed: (event: HTMLElementEventMap['tc-error']) => string = (e) => e.detail.code;
      el.addEventListener('tc-error', typed);
      el.removeEventListener('tc-error', typed);
      expect(parts(el, 'tile').length).to.equal(3);
    });
  });

  describe('errors', () => {
    async function mount(attributes: { token?: string; serverUrl?: string; dashboardId?: string }): Promise<[TcDashboard, Promise<TcErrorEvent>]> {
      const el = document.createElement('tc-dashboard');
      if (attributes.dashboardId !== '') el.setAttribute('dashboard-id', attributes.dashboardId ?? 'sales');
      if (attributes.serverUrl !== '') el.setAttribute('server-url', attributes.serverUrl ?? SERVER_URL);
      if (attributes.token) el.setAttribute('auth-token', attributes.token);
      const listener = oneEvent(el, 'tc-error');
      await fixture(el);
      return [el, listener];
    }

    it('names the page origin and where to authorize it when the server refuses it (CORS)', async () => {
      server.corsRefused = true;
      const [el, listener] = await mount({ token: server.issue() });
      const detail = await failure(el, listener);
      expect(detail.code).to.equal('origin_not_authorized');
      expect(detail.message).to.contain(location.origin).and.contain('Settings › Embed & access › Authorized origins');
      expect(part(el, 'grid')).to.equal(null);
      expect(part(el, 'retry-button')).to.equal(null);
    });

    it('refuses to render when the page origin is not among the authorized origins', async () => {
      server.authorizedOrigins = ['https://app.example.com'];
      const [el, listener] = await mount({ token: server.issue() });
      expect((await failure(el, listener)).code).to.equal('origin_not_authorized');
      // The dashboard request overlaps the verification (the real server checks the Origin itself); this mock
      // answers it with data, which must still never be shown.
      await settle();
      await el.updateComplete;
      expect(server.count(/^\/embed\/dashboards\//)).to.equal(1);
      expect(part(el, 'grid')).to.equal(null);
      expect(part(el, 'kpi-value')).to.equal(null);
      expect(part(el, 'title')).to.equal(null);
    });

    it('sends the dashboard request while the session is verified and shows it once verified', async () => {
      const el = await fixture<TcDashboard>(html`<tc-dashboard dashboard-id="sales" server-url=${SERVER_URL} auth-token=${server.issue()}></tc-dashboard>`);
      await shown(el);
      expect(server.requests.slice(0, 2).map((r) => `${r.method} ${r.path}`)).to.deep.equal(['POST /embed/session', 'GET /embed/dashboards/sales']);
      expect(server.count('/embed/dashboards/sales')).to.equal(1);
      expect(part(el, 'kpi-value')).to.not.equal(null);
    });

    it('shows an invalid token', async () => {
      const [el, listener] = await mount({ token: 'not-a-token' });
      const detail = await failure(el, listener);
      expect(detail.code).to.equal('invalid_token');
      expect(part(el, 'error')!.textContent).to.contain('The embed token was refused.');
    });

    it('shows an expired token that cannot be renewed', async () => {
      const token = server.issue();
      server.tokens.get(token)!.expiresAtMs = Date.now() - 1;
      const [el, listener] = await mount({ token });
      expect((await failure(el, listener)).code).to.equal('token_expired');
    });

    it('shows a token whose API key was revoked', async () => {
      const token = server.issue();
      server.tokens.get(token)!.revoked = true;
      const [el, listener] = await mount({ token });
      const detail = await failure(el, listener);
      expect(detail.code).to.equal('invalid_token');
      expect(detail.message).to.contain('revoked');
    });

    it('shows an unreachable server, names server-url, and retries on demand', async () => {
      server.unreachable = true;
      const [el, listener] = await mount({ token: server.issue() });
      const detail = await failure(el, listener);
      expect(detail.code).to.equal('server_unreachable');
      expect(detail.message).to.contain(SERVER_URL).and.contain('server-url');
      server.unreachable = false;
      part(el, 'retry-button')!.click();
      await waitUntil(() => part(el, 'grid'), 'did not recover after Try again', { timeout: 5000 });
      expect(part(el, 'error')).to.equal(null);
    });

    it('shows a dashboard that does not exist and names the attribute', async () => {
      const [el, listener] = await mount({ token: server.issue(), dashboardId: 'nope' });
      const detail = await failure(el, listener);
      expect(detail.code).to.equal('not_found');
      expect(detail.message).to.contain('dashboard-id');
    });

    it('names a missing server-url, token or dashboard-id', async () => {
      const [noServer, noServerError] = await mount({ token: server.issue(), serverUrl: '' });
      expect((await failure(noServer, noServerError)).message).to.contain('server-url is required');
      const [badServer, badServerError] = await mount({ token: server.issue(), serverUrl: 'tc.test' });
      expect((await failure(badServer, badServerError)).message).to.contain('not an absolute URL');
      const [noToken, noTokenError] = await mount({});
      expect((await failure(noToken, noTokenError)).message).to.contain('auth-token is required');
      const [noDashboard, noDashboardError] = await mount({ token: server.issue(), dashboardId: '' });
      expect((await failure(noDashboard, noDashboardError)).message).to.contain('dashboard-id is required');
    });

    it('shows a tile error inside its tile', async () => {
      const dashboard = sampleDashboard();
      dashboard.tiles[2]!.error = { code: 'service_unavailable', message: 'The warehouse did not answer.' };
      server.dashboards.set('sales', dashboard);
      const [el, listener] = await mount({ token: server.issue() });
      const detail = await listener;
      expect(detail.detail.message).to.equal('Orders: The warehouse did not answer.');
      const tileError = parts(el, 'tile')[2]!.querySelector('[part="error"]')!;
      expect(tileError.getAttribute('role')).to.equal('alert');
      expect(part(el, 'kpi-value')).to.not.equal(null);
    });
  });

  describe('token lifecycle (fake timers)', () => {
    let clock: sinon.SinonFakeTimers;

    beforeEach(() => {
      clock = sinon.useFakeTimers({ now: Date.now(), toFake: ['setTimeout', 'clearTimeout', 'Date'], shouldClearNativeTimers: true });
    });

    afterEach(() => clock.restore());

    async function mountWith(fetchToken: (() => Promise<string>) | undefined, lifetime = 60): Promise<TcDashboard> {
      const el = document.createElement('tc-dashboard');
      el.dashboardId = 'sales';
      el.serverUrl = SERVER_URL;
      el.authToken = server.issue(lifetime);
      if (fetchToken) el.fetchToken = fetchToken;
      await fixture(el);
      await settle(clock);
      return el;
    }

    it('fires tc-token-refreshed at about half a 1-minute lifetime and never writes the token to the DOM', async () => {
      const issued: string[] = [];
      const fetchToken = sinon.fake(async () => {
        issued.push(server.issue(60));
        return issued.at(-1)!;
      });
      const el = await mountWith(fetchToken);
      const initial = el.authToken;
      const refreshed = sinon.spy();
      el.addEventListener('tc-token-refreshed', refreshed);
      await advance(clock, 29 * SECOND);
      expect(refreshed.callCount).to.equal(0);
      // 30 s plus up to 1.2 s of jitter.
      await advance(clock, 2.5 * SECOND);
      expect(fetchToken.callCount).to.equal(1);
      expect(refreshed.callCount).to.equal(1);
      const detail = refreshed.firstCall.args[0].detail;
      expect(detail.expiresIn).to.equal(60);
      expect(detail.recovered).to.equal(false);
      expect(JSON.stringify(detail)).to.not.contain(issued[0]);
      expect(el.hasAttribute('auth-token')).to.equal(false);
      expect(el.authToken).to.equal(initial);
      expect(el.outerHTML).to.not.contain(issued[0]);
      expect(el.shadowRoot!.innerHTML).to.not.contain(issued[0]);
      expect(document.documentElement.outerHTML).to.not.contain(issued[0]);
    });

    it('fires tc-token-expired, shows the expired state, and recovers without a reload', async () => {
      let fail = true;
      const fetchToken = sinon.fake(async () => {
        if (fail) throw new Error('backend down');
        return server.issue(60);
      });
      const el = await mountWith(fetchToken);
      const expired = sinon.spy();
      const errors = sinon.spy();
      el.addEventListener('tc-token-expired', expired);
      el.addEventListener('tc-error', errors);
      await advance(clock, 61 * SECOND);
      expect(expired.callCount).to.equal(1);
      expect(errors.firstCall.args[0].detail.code).to.equal('token_refresh_failed');
      expect(part(el, 'error')!.textContent).to.contain('could not be renewed');
      expect(part(el, 'grid')).to.not.equal(null);
      const loadsBefore = server.count('/embed/dashboards/sales');
      fail = false;
      const refreshed = oneEvent(el, 'tc-token-refreshed');
      document.dispatchEvent(new Event('visibilitychange'));
      await settle(clock);
      expect((await refreshed).detail.recovered).to.equal(true);
      await settle(clock);
      expect(part(el, 'error')).to.equal(null);
      expect(server.count('/embed/dashboards/sales')).to.equal(loadsBefore + 1);
    });

    it('warns before expiry when there is no fetchToken to renew the token', async () => {
      const el = await mountWith(undefined, 300);
      const errors = sinon.spy();
      el.addEventListener('tc-error', errors);
      // 60 s before expiry, plus up to 3 s of jitter.
      await advance(clock, 244 * SECOND);
      expect(errors.firstCall.args[0].detail.code).to.equal('missing_fetch_token');
      expect(part(el, 'error')!.textContent).to.contain('fetchToken');
      expect(part(el, 'grid')).to.not.equal(null);
    });

    it('shares one session among 50 elements: one verification and one fetchToken call per refresh', async () => {
      const fetchToken = sinon.fake(async () => server.issue(60));
      const token = server.issue(60);
      const wrapper = await fixture<HTMLDivElement>(html`<div></div>`);
      for (let i = 0; i < 50; i++) {
        const el = document.createElement('tc-dashboard');
        el.dashboardId = 'sales';
        el.serverUrl = SERVER_URL;
        el.authToken = token;
        el.fetchToken = fetchToken;
        wrapper.append(el);
      }
      await settle(clock, 20);
      expect(server.count('/embed/session')).to.equal(1);
      expect(wrapper.querySelectorAll('tc-dashboard')[49]!.shadowRoot!.querySelector('[part~="grid"]')).to.not.equal(null);
      // Renewals at 30 s (+ up to 1.2 s of jitter) after each token.
      await advance(clock, 32 * SECOND);
      expect(fetchToken.callCount).to.equal(1);
      expect(server.count('/embed/session')).to.equal(2);
      await advance(clock, 32 * SECOND);
      expect(fetchToken.callCount).to.equal(2);
      expect(server.count('/embed/session')).to.equal(3);
    });

    it('stops renewing once every element has left the page', async () => {
      const fetchToken = sinon.fake(async () => server.issue(60));
      const el = await mountWith(fetchToken);
      el.remove();
      await settle(clock);
      await advance(clock, 5 * 60 * SECOND);
      expect(fetchToken.callCount).to.equal(0);
    });
  });

  it('warns instead of throwing when the script is loaded twice', async () => {
    const warn = sinon.stub(console, 'warn');
    try {
      const { define } = await import('../src/internal/define.js');
      define('tc-dashboard', class extends HTMLElement {});
      expect(warn.firstCall.args[0]).to.contain('<tc-dashboard> is already defined');
    } finally {
      warn.restore();
    }
  });
});
