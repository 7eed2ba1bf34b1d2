import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertContractError } from './helpers/assert-error.ts';
import { sampleValue } from './helpers/prometheus.ts';
import { createTestContext, TEST_ORIGIN, type TestContext } from './helpers/test-app.ts';
import { flipBit, Segment } from './helpers/token-forge.ts';

const METRICS_TOKEN = 'metrics-token-0123456789abcdef';

describe('GET /metrics', () => {
  let ctx: TestContext;
  const scrape = async () => {
    const response = await ctx.inject({ method: 'GET', url: '/metrics' });
    assert.equal(response.statusCode, 200, response.body);
    return response.body;
  };
  const session = (token: string, origin = TEST_ORIGIN) =>
    ctx.inject({ method: 'POST', url: '/embed/session', headers: { authorization: `Bearer ${token}`, origin } });

  before(async () => {
    ctx = await createTestContext();
  });
  after(() => ctx.close());

  it('serves the Prometheus text format to a loopback caller', async () => {
    const response = await ctx.inject({ method: 'GET', url: '/metrics' });
    assert.equal(response.statusCode, 200);
    assert.match(String(response.headers['content-type']), /^text\/plain; version=0\.0\.4/);
    assert.equal(response.headers['cache-control'], 'no-store');
    for (const name of [
      'tc_tokens_minted_total',
      'tc_sessions_verified_total',
      'tc_sessions_refused_total',
      'tc_http_request_duration_seconds',
      'tc_session_cache_hit_ratio',
      'tc_session_cache_lookups_total',
      'tc_audit_events_dropped_total',
      'tc_requests_shed_total',
      'tc_rate_limit_redis_fallbacks_total',
    ]) {
      assert.match(response.body, new RegExp(`^# TYPE ${name} `, 'm'), `${name} is not exposed`);
    }
  });

  it('counts minted tokens and sessions verified or refused by reason', async () => {
    const before = await scrape();
    const minted = sampleValue(before, 'tc_tokens_minted_total') ?? 0;
    const verified = sampleValue(before, 'tc_sessions_verified_total') ?? 0;
    const token = await ctx.mint();
    await ctx.mint();
    assert.equal((await session(token)).statusCode, 200);
    assert.equal((await session(token, 'https://evil.example.net')).statusCode, 403);
    // Always a different token (a fixed suffix would leave one token in 256 unchanged).
    assert.equal((await session(flipBit(token, Segment.Tag, 0))).statusCode, 401);
    const text = await scrape();
    assert.equal(sampleValue(text, 'tc_tokens_minted_total'), minted + 2);
    assert.equal(sampleValue(text, 'tc_sessions_verified_total'), verified + 1);
    assert.equal(sampleValue(text, 'tc_sessions_refused_total', { reason: 'origin_not_authorized' }), 1);
    assert.equal(sampleValue(text, 'tc_sessions_refused_total', { reason: 'invalid_token' }), 1);
  });

  it('reports the session cache hit ratio', async () => {
    const before = await scrape();
    const hits = sampleValue(before, 'tc_session_cache_lookups_total', { result: 'hit' }) ?? 0;
    const misses = sampleValue(before, 'tc_session_cache_lookups_total', { result: 'miss' }) ?? 0;
    const token = await ctx.mint({ distinctId: 'ratio-user', role: 'explorer', attributes: {} });
    for (let i = 0; i < 4; i++) assert.equal((await session(token)).statusCode, 200);
    const text = await scrape();
    const newHits = sampleValue(text, 'tc_session_cache_lookups_total', { result: 'hit' })!;
    const newMisses = sampleValue(text, 'tc_session_cache_lookups_total', { result: 'miss' })!;
    assert.equal(newHits - hits, 3, 'the first call misses, the next three hit');
    assert.equal(newMisses - misses, 1);
    assert.equal(sampleValue(text, 'tc_session_cache_hit_ratio'), newHits / (newHits + newMisses));
  });

  it('observes latency per route pattern, never per raw URL', async () => {
    await ctx.inject({ method: 'GET', url: '/no/such/path-12345' });
    await ctx.inject({ method: 'GET', url: '/healthz' });
    const text = await scrape();
    assert.ok((sampleValue(text, 'tc_http_request_duration_seconds_count', { route: '/healthz', method: 'GET', status_code: '200' }) ?? 0) >= 1);
    assert.ok((sampleValue(text, 'tc_http_request_duration_seconds_count', { route: 'unmatched', status_code: '404' }) ?? 0) >= 1);
    assert.ok((sampleValue(text, 'tc_http_request_duration_seconds_bucket', { route: '/embed/generate-token', le: '+Inf' }) ?? 0) >= 2);
    assert.doesNotMatch(text, /path-12345/);
  });

  it('counts audit events that could not be written', async () => {
    const before = sampleValue(await scrape(), 'tc_audit_events_dropped_total') ?? 0;
    // Fault injection: the audit table disappears, so the next batch cannot be written.
    await ctx.store.query('alter table audit_events rename to audit_events_away');
    try {
      const token = await ctx.mint({ distinctId: 'dropped-user', role: 'explorer', attributes: {} });
      assert.equal((await session(token)).statusCode, 200, 'the request itself does not wait on the audit log');
      await ctx.app.services.audit.flush();
    } finally {
      await ctx.store.query('alter table audit_events_away rename to audit_events');
    }
    assert.ok(sampleValue(await scrape(), 'tc_audit_events_dropped_total')! >= before + 2, 'the minted and the verified event');
  });

  it('refuses callers that are not on loopback', async () => {
    const response = await ctx.inject({ method: 'GET', url: '/metrics', remoteAddress: '203.0.113.7' });
    assertContractError(response, { status: 403, code: 'forbidden', mentions: /TC_METRICS_TOKEN/ });
    assert.doesNotMatch(response.body, /tc_tokens_minted_total/);
  });

  it('refuses loopback connections that a reverse proxy forwarded', async () => {
    for (const header of ['x-forwarded-for', 'forwarded', 'x-real-ip']) {
      const response = await ctx.inject({ method: 'GET', url: '/metrics', headers: { [header]: '198.51.100.4' } });
      assertContractError(response, { status: 403, code: 'forbidden', mentions: /TC_METRICS_TOKEN/ });
    }
  });
});

describe('GET /metrics with TC_METRICS_TOKEN', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await createTestContext({ config: { metricsToken: METRICS_TOKEN } });
  });
  after(() => ctx.close());

  it('serves any address that presents the token', async () => {
    const response = await ctx.inject({
      method: 'GET',
      url: '/metrics',
      remoteAddress: '203.0.113.7',
      headers: { authorization: `Bearer ${METRICS_TOKEN}`, 'x-forwarded-for': '198.51.100.4' },
    });
    assert.equal(response.statusCode, 200);
    assert.match(response.body, /tc_tokens_minted_total/);
  });

  it('refuses a missing or wrong token, even from loopback', async () => {
    for (const authorization of [undefined, `Bearer ${METRICS_TOKEN}x`, `Bearer ${METRICS_TOKEN.slice(1)}`, METRICS_TOKEN, 'Bearer ']) {
      const response = await ctx.inject({ method: 'GET', url: '/metrics', headers: authorization === undefined ? {} : { authorization } });
      assertContractError(response, { status: 401, code: 'unauthenticated', mentions: /Authorization/ });
      assert.match(String(response.headers['www-authenticate']), /^Bearer/);
    }
  });
});
