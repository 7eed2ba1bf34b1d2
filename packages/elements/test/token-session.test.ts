import { expect } from '@open-wc/testing';
import sinon from 'sinon';
import { EmbedError } from '../src/session/embed-error.js';
import { FETCH_TOKEN_TIMEOUT_MS } from '../src/session/refresh-timing.js';
import { SessionStatus, TokenSession, type SessionEvent } from '../src/session/token-session.js';
import { MockServer, SERVER_URL } from './helpers/mock-server.js';
import { advance, settle } from './helpers/settle.js';

const SECOND = 1000;

describe('TokenSession', () => {
  let server: MockServer;
  let clock: sinon.SinonFakeTimers;
  let session: TokenSession | undefined;
  let events: SessionEvent['type'][];

  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: new Date('2030-01-01T00:00:00Z'), toFake: ['setTimeout', 'clearTimeout', 'Date'], shouldClearNativeTimers: true });
    server = new MockServer();
    events = [];
  });

  afterEach(() => {
    session?.dispose();
    session = undefined;
    server.restore();
    clock.restore();
  });

  function start(options: { token?: string; fetchToken?: () => Promise<string> }): TokenSession {
    session = new TokenSession({ serverUrl: SERVER_URL, random: () => 0, ...options });
    session.subscribe((event) => events.push(event.type));
    void session.start();
    return session;
  }

  describe('verification', () => {
    it('verifies the token once with POST /embed/session and is ready', async () => {
      const s = start({ token: server.issue(3600) });
      await settle(clock);
      expect(s.status).to.equal(SessionStatus.ready);
      expect(s.info?.user.distinctId).to.equal('user-1');
      expect(server.count('/embed/session', 'POST')).to.equal(1);
      expect(events).to.include('ready');
    });

    it('asks fetchToken for the first token when the host gave none', async () => {
      const fetchToken = sinon.fake(async () => server.issue(3600));
      const s = start({ fetchToken });
      await settle(clock);
      expect(fetchToken.callCount).to.equal(1);
      expect(s.status).to.equal(SessionStatus.ready);
    });

    it('refuses to run when the page origin is not among the authorized origins', async () => {
      server.authorizedOrigins = ['https://somewhere-else.example'];
      const s = start({ token: server.issue(3600) });
      await settle(clock);
      expect(s.status).to.equal(SessionStatus.failed);
      expect(s.error?.code).to.equal('origin_not_authorized');
      expect(s.error?.message).to.contain(location.origin).and.contain('Settings › Embed & access › Authorized origins');
      expect(s.info).to.equal(undefined);
    });

    it('replaces a stale initial token through fetchToken', async () => {
      const stale = server.issue(60);
      await advance(clock, 61 * SECOND);
      const fetchToken = sinon.fake(async () => server.issue(3600));
      const s = start({ token: stale, fetchToken });
      await settle(clock);
      expect(fetchToken.callCount).to.equal(1);
      expect(s.status).to.equal(SessionStatus.ready);
    });
  });

  describe('first token from a failing fetchToken', () => {
    /** fetchToken as `fetch(url).then((r) => r.json())` against a host backend that is down `failures` times. */
    function flakyEndpoint(failures: number): sinon.SinonSpy<[], Promise<string>> {
      let calls = 0;
      return sinon.fake(async () => {
        if (++calls <= failures) throw new TypeError('Failed to fetch');
        return server.issue(3600);
      });
    }

    it('shows the failure once and keeps retrying with capped backoff until a fetch succeeds', async () => {
      const fetchToken = flakyEndpoint(3);
      const s = start({ fetchToken });
      await settle(clock);
      expect(s.status).to.equal(SessionStatus.failed);
      expect(s.error?.code).to.equal('token_refresh_failed');
      expect(s.error?.message).to.contain('Failed to fetch');
      // random() is 0: retries after 750 ms, then 1.5 s, then 3 s.
      await advance(clock, 749);
      expect(fetchToken.callCount).to.equal(1);
      await advance(clock, 1);
      expect(fetchToken.callCount).to.equal(2);
      await advance(clock, 1500);
      expect(fetchToken.callCount).to.equal(3);
      expect(s.status).to.equal(SessionStatus.failed);
      await advance(clock, 3000);
      expect(fetchToken.callCount).to.equal(4);
      expect(s.status).to.equal(SessionStatus.ready);
      expect(s.error).to.equal(undefined);
      expect(events.filter((type) => type === 'error')).to.have.length(1);
      expect(events.filter((type) => type === 'ready')).to.have.length(1);
    });

    it('caps the backoff at 30 s', async () => {
      const fetchToken = flakyEndpoint(Number.POSITIVE_INFINITY);
      start({ fetchToken });
      await settle(clock);
      // 0.75 + 1.5 + 3 + 6 + 12 + 22.5 (24 s capped at 30 s × 0.75) s, then every 22.5 s.
      await advance(clock, 45_750);
      expect(fetchToken.callCount).to.equal(7);
      await advance(clock, 22_500);
      expect(fetchToken.callCount).to.equal(8);
    });

    it('tries again at once on online, pageshow and visibilitychange', async () => {
      let down = true;
      const fetchToken = sinon.fake(async () => {
        if (down) throw new TypeError('Failed to fetch');
        return server.issue(3600);
      });
      const s = start({ fetchToken });
      await settle(clock);
      await advance(clock, 750);
      expect(fetchToken.callCount).to.equal(2);
      // The next retry is 1.5 s away; each wake-up asks now.
      window.dispatchEvent(new Event('pageshow'));
      await settle(clock);
      expect(fetchToken.callCount).to.equal(3);
      document.dispatchEvent(new Event('visibilitychange'));
      await settle(clock);
      expect(fetchToken.callCount).to.equal(4);
      down = false;
      window.dispatchEvent(new Event('online'));
      await settle(clock);
      expect(fetchToken.callCount).to.equal(5);
      expect(s.status).to.equal(SessionStatus.ready);
    });

    it('retries a stale first token whose replacement failed', async () => {
      const stale = server.issue(60);
      await advance(clock, 61 * SECOND);
      const fetchToken = flakyEndpoint(1);
      const s = start({ token: stale, fetchToken });
      await settle(clock);
      expect(s.status).to.equal(SessionStatus.failed);
      await advance(clock, 750);
      expect(s.status).to.equal(SessionStatus.ready);
    });

    it('names the code and message of an error answer that fetchToken passed on as the token', async () => {
      let answer: unknown = { error: { code: 'unauthorized', message: 'Sign in first.' } };
      const s = start({ fetchToken: async () => answer as string });
      await settle(clock);
      expect(s.error?.code).to.equal('token_refresh_failed');
      expect(s.error?.message).to.contain('Your token endpoint answered: unauthorized: Sign in first.');
      answer = { token: server.issue(3600), expiresAt: 'later' };
      await advance(clock, 750);
      expect(s.status).to.equal(SessionStatus.ready);
    });
  });

  describe('refresh timing', () => {
    it('renews a 1-minute token at about 30 s, once, and then keeps a steady rhythm', async () => {
      const fetchToken = sinon.fake(async () => server.issue(60));
      const s = start({ token: server.issue(60), fetchToken });
      await settle(clock);
      await advance(clock, 29 * SECOND);
      expect(fetchToken.callCount).to.equal(0);
      await advance(clock, 1 * SECOND);
      expect(fetchToken.callCount).to.equal(1);
      expect(events.filter((e) => e === 'refreshed')).to.have.length(1);
      await advance(clock, 29 * SECOND);
      expect(fetchToken.callCount).to.equal(1);
      await advance(clock, 1 * SECOND);
      expect(fetchToken.callCount).to.equal(2);
      expect(s.status).to.equal(SessionStatus.ready);
    });

    it('renews a 1-hour token 6 minutes before expiry', async () => {
      const fetchToken = sinon.fake(async () => server.issue(3600));
      start({ token: server.issue(3600), fetchToken });
      await settle(clock);
      await advance(clock, 53 * 60 * SECOND);
      expect(fetchToken.callCount).to.equal(0);
      await advance(clock, 60 * SECOND);
      expect(fetchToken.callCount).to.equal(1);
    });

    it('trusts the server expiresIn, not the client clock', async () => {
      // The client clock is an hour ahead of the server's: only durations matter.
      const token = server.issue(600);
      clock.setSystemTime(Date.now() + 3600 * SECOND);
      server.tokens.get(token)!.expiresAtMs += 3600 * SECOND;
      const fetchToken = sinon.fake(async () => server.issue(600));
      const s = start({ token, fetchToken });
      await settle(clock);
      expect(s.status).to.equal(SessionStatus.ready);
      await advance(clock, 8 * 60 * SECOND);
      expect(fetchToken.callCount).to.equal(0);
      await advance(clock, 60 * SECOND);
      expect(fetchToken.callCount).to.equal(1);
    });

    it('retries a failed renewal with exponential backoff and reports the failure once', async () => {
      let fail = true;
      const fetchToken = sinon.fake(async () => {
        if (fail) throw new Error('backend down');
        return server.issue(3600);
      });
      const errors: EmbedError[] = [];
      const s = start({ token: server.issue(3600), fetchToken });
      s.subscribe((event) => event.type === 'error' && errors.push(event.error));
      await settle(clock);
      await advance(clock, 54 * 60 * SECOND);
      expect(fetchToken.callCount).to.equal(1);
      // random() = 0 → 75 % of 1 s, 2 s, 4 s …
      await advance(clock, 750);
      expect(fetchToken.callCount).to.equal(2);
      await advance(clock, 1_500);
      expect(fetchToken.callCount).to.equal(3);
      await advance(clock, 3_000);
      expect(fetchToken.callCount).to.equal(4);
      expect(errors).to.have.length(1);
      expect(errors[0]!.code).to.equal('token_refresh_failed');
      expect(errors[0]!.message).to.contain('backend down');
      expect(s.status).to.equal(SessionStatus.ready);
      fail = false;
      await advance(clock, 6_000);
      expect(fetchToken.callCount).to.equal(5);
      expect(s.status).to.equal(SessionStatus.ready);
      expect(s.error).to.equal(undefined);
    });

    it('gives fetchToken 30 s before counting the attempt as failed', async () => {
      const fetchToken = sinon.fake(() => new Promise<string>(() => {}));
      const errors: EmbedError[] = [];
      const s = start({ token: server.issue(3600), fetchToken });
      s.subscribe((event) => event.type === 'error' && errors.push(event.error));
      await settle(clock);
      await advance(clock, 54 * 60 * SECOND);
      expect(fetchToken.callCount).to.equal(1);
      await advance(clock, FETCH_TOKEN_TIMEOUT_MS - 1);
      expect(errors).to.have.length(0);
      await advance(clock, 1);
      expect(errors.map((e) => e.code)).to.deep.equal(['token_refresh_failed']);
      expect(errors[0]!.message).to.contain('30 s');
    });

    it('refuses a fetchToken that hands back the token in use', async () => {
      const token = server.issue(3600);
      const errors: EmbedError[] = [];
      const s = start({ token, fetchToken: async () => token });
      s.subscribe((event) => event.type === 'error' && errors.push(event.error));
      await settle(clock);
      await s.refresh();
      expect(errors[0]?.code).to.equal('token_refresh_failed');
      expect(errors[0]?.message).to.contain('already in use');
    });

    it('shows the expired state at expiry, then recovers when a later renewal succeeds', async () => {
      let fail = true;
      const fetchToken = sinon.fake(async () => {
        if (fail) throw new Error('backend down');
        return server.issue(120);
      });
      const s = start({ token: server.issue(120), fetchToken });
      await settle(clock);
      await advance(clock, 120 * SECOND);
      expect(s.status).to.equal(SessionStatus.expired);
      expect(events).to.include('expired');
      const callsAtExpiry = fetchToken.callCount;
      fail = false;
      // Expired sessions keep trying once a minute while the page is visible.
      await advance(clock, 60 * SECOND);
      expect(fetchToken.callCount).to.be.greaterThan(callsAtExpiry);
      expect(s.status).to.equal(SessionStatus.ready);
      expect(events.at(-1)).to.equal('refreshed');
    });

    it('warns when the token nears expiry and there is no fetchToken, then expires', async () => {
      const errors: EmbedError[] = [];
      const s = start({ token: server.issue(300) });
      s.subscribe((event) => event.type === 'error' && errors.push(event.error));
      await settle(clock);
      await advance(clock, 240 * SECOND);
      expect(errors.map((e) => e.code)).to.deep.equal(['missing_fetch_token']);
      expect(errors[0]!.message).to.contain('fetchToken');
      expect(s.status).to.equal(SessionStatus.ready);
      await advance(clock, 60 * SECOND);
      expect(s.status).to.equal(SessionStatus.expired);
    });
  });

  describe('wake-ups', () => {
    it('renews at once on visibilitychange when the page slept past the renewal time', async () => {
      const fetchToken = sinon.fake(async () => server.issue(3600));
      start({ token: server.issue(3600), fetchToken });
      await settle(clock);
      // A frozen tab: the clock moves on but no timer fires.
      clock.setSystemTime(Date.now() + 55 * 60 * SECOND);
      expect(fetchToken.callCount).to.equal(0);
      document.dispatchEvent(new Event('visibilitychange'));
      await settle(clock);
      expect(fetchToken.callCount).to.equal(1);
    });

    it('recovers an expired session on visibilitychange, online and pageshow', async () => {
      const fetchToken = sinon.fake(async () => server.issue(3600));
      const s = start({ token: server.issue(3600), fetchToken });
      await settle(clock);
      clock.setSystemTime(Date.now() + 2 * 3600 * SECOND);
      window.dispatchEvent(new Event('online'));
      await settle(clock);
      expect(events).to.include('expired');
      expect(fetchToken.callCount).to.equal(1);
      expect(s.status).to.equal(SessionStatus.ready);
      clock.setSystemTime(Date.now() + 2 * 3600 * SECOND);
      window.dispatchEvent(new Event('pageshow'));
      await settle(clock);
      expect(fetchToken.callCount).to.equal(2);
    });

    it('does nothing on a wake-up before the renewal is due', async () => {
      const fetchToken = sinon.fake(async () => server.issue(3600));
      start({ token: server.issue(3600), fetchToken });
      await settle(clock);
      document.dispatchEvent(new Event('visibilitychange'));
      await settle(clock);
      expect(fetchToken.callCount).to.equal(0);
    });
  });

  describe('data requests', () => {
    it('renews once and retries once when a request is answered token_expired', async () => {
      const first = server.issue(3600);
      const fetchToken = sinon.fake(async () => server.issue(3600));
      const s = start({ token: first, fetchToken });
      server.dashboards.set('sales', { dashboard: { id: 'sales', title: 'Sales' }, tiles: [], generatedAt: '' });
      await settle(clock);
      // The server expires the token early (clock skew on its side).
      server.tokens.get(first)!.expiresAtMs = Date.now() - 1;
      const response = await s.authorizedFetch('/embed/dashboards/sales');
      expect(response.status).to.equal(200);
      expect(fetchToken.callCount).to.equal(1);
      const tokensUsed = server.requests.filter((r) => r.path === '/embed/dashboards/sales').map((r) => r.token);
      expect(tokensUsed).to.have.length(2);
      expect(tokensUsed[0]).to.equal(first);
      expect(tokensUsed[1]).to.not.equal(first);
    });

    it('shares one renewal among concurrent requests', async () => {
      const first = server.issue(3600);
      const fetchToken = sinon.fake(async () => server.issue(3600));
      const s = start({ token: first, fetchToken });
      server.dashboards.set('sales', { dashboard: { id: 'sales', title: 'Sales' }, tiles: [], generatedAt: '' });
      await settle(clock);
      server.tokens.get(first)!.expiresAtMs = Date.now() - 1;
      const answers = await Promise.all([1, 2, 3].map(() => s.authorizedFetch('/embed/dashboards/sales')));
      expect(answers.map((a) => a.status)).to.deep.equal([200, 200, 200]);
      expect(fetchToken.callCount).to.equal(1);
    });

    it('sends a request along with the first verification, answering it only once verified', async () => {
      const token = server.issue(3600);
      server.dashboards.set('sales', { dashboard: { id: 'sales', title: 'Sales' }, tiles: [], generatedAt: '' });
      const s = start({ token });
      let answered = false;
      const answer = s.authorizedFetch('/embed/dashboards/sales').then((response) => {
        answered = true;
        expect(s.status).to.equal(SessionStatus.ready);
        return response;
      });
      // Both requests left before either answer was read.
      expect(server.requests.map((r) => `${r.method} ${r.path} ${r.token}`)).to.deep.equal([
        `POST /embed/session ${token}`,
        `GET /embed/dashboards/sales ${token}`,
      ]);
      expect(answered).to.equal(false);
      expect((await answer).status).to.equal(200);
      expect(server.count('/embed/dashboards/sales')).to.equal(1);
    });

    it('drops the early answer when the page origin fails the check', async () => {
      server.authorizedOrigins = ['https://somewhere-else.example'];
      server.dashboards.set('sales', { dashboard: { id: 'sales', title: 'Sales' }, tiles: [], generatedAt: '' });
      const s = start({ token: server.issue(3600) });
      const answer = s.authorizedFetch('/embed/dashboards/sales');
      let error: unknown;
      await answer.catch((caught: unknown) => {
        error = caught;
      });
      expect((error as EmbedError).code).to.equal('origin_not_authorized');
      expect(s.status).to.equal(SessionStatus.failed);
      expect(server.count('/embed/dashboards/sales')).to.equal(1); // It went out, and its answer was not handed over.
    });

    it('sends the early request again with the token that replaced a stale first one', async () => {
      const stale = server.issue(60);
      await advance(clock, 61 * SECOND);
      server.dashboards.set('sales', { dashboard: { id: 'sales', title: 'Sales' }, tiles: [], generatedAt: '' });
      const fetchToken = sinon.fake(async () => server.issue(3600));
      const s = start({ token: stale, fetchToken });
      const answer = s.authorizedFetch('/embed/dashboards/sales');
      await settle(clock);
      expect((await answer).status).to.equal(200);
      const tokensUsed = server.requests.filter((r) => r.path === '/embed/dashboards/sales').map((r) => r.token);
      expect(tokensUsed).to.deep.equal([stale, s.token]);
      expect(s.token).to.not.equal(stale);
    });

    it('tells a CORS refusal from an unreachable server with the health probe', async () => {
      server.corsRefused = true;
      const refused = start({ token: server.issue(3600) });
      await settle(clock);
      expect(refused.error?.code).to.equal('origin_not_authorized');
      refused.dispose();
      server.corsRefused = false;
      server.unreachable = true;
      const unreachable = start({ token: server.issue(3600) });
      await settle(clock);
      expect(unreachable.error?.code).to.equal('server_unreachable');
      expect(unreachable.error?.message).to.contain(SERVER_URL).and.contain('server-url');
    });
  });

  it('stops every timer when disposed', async () => {
    const fetchToken = sinon.fake(async () => server.issue(60));
    const s = start({ token: server.issue(60), fetchToken });
    await settle(clock);
    s.dispose();
    await advance(clock, 10 * 60 * SECOND);
    document.dispatchEvent(new Event('visibilitychange'));
    await settle(clock);
    expect(fetchToken.callCount).to.equal(0);
  });
});
