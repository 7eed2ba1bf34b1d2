import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { assertContractError } from './helpers/assert-error.ts';
import { sampleValue } from './helpers/prometheus.ts';
import { REDIS_URL, redisAvailability } from './helpers/redis.ts';
import { startBlackHole, startFreezableProxy, type FaultyEndpoint, type FreezableProxy } from './helpers/tcp-faults.ts';
import { createTestContext, type TestContext } from './helpers/test-app.ts';

const LIMIT = 5;
// Far below any client timeout: a rate-limit check must never hold a request while Redis is in trouble.
const PROMPT_MS = 1000;
const availability = await redisAvailability();

/** Mints once; returns the status and how long the request took. */
async function mintTimed(ctx: TestContext): Promise<{ status: number; ms: number; body: string; headers: Record<string, unknown> }> {
  const started = Date.now();
  const response = await ctx.inject({
    method: 'POST',
    url: '/embed/generate-token',
    headers: { 'x-api-key': ctx.apiKey, 'content-type': 'application/json' },
    payload: { user: { distinctId: 'limited', role: 'explorer', attributes: {} } },
  });
  return { status: response.statusCode, ms: Date.now() - started, body: response.body, headers: response.headers };
}

async function fallbacks(ctx: TestContext): Promise<number> {
  const response = await ctx.inject({ method: 'GET', url: '/metrics' });
  return sampleValue(response.body, 'tc_rate_limit_redis_fallbacks_total') ?? 0;
}

/** Sends requests until the first 429; returns how many were allowed, asserting each answered promptly. */
async function allowedBeforeLimit(ctx: TestContext, attempts = LIMIT * 3): Promise<number> {
  for (let allowed = 0; allowed < attempts; allowed++) {
    const { status, ms, body, headers } = await mintTimed(ctx);
    assert.ok(ms < PROMPT_MS, `request took ${ms} ms`);
    if (status === 429) {
      assertContractError({ statusCode: status, body, headers: headers as never }, { status: 429, code: 'rate_limited' });
      assert.ok(Number(headers['retry-after']) > 0);
      return allowed;
    }
    assert.equal(status, 200, body);
  }
  assert.fail(`no 429 after ${attempts} requests`);
}

describe('rate limits when TC_REDIS_URL names a Redis that is not there', () => {
  let ctx: TestContext;
  let blackHole: FaultyEndpoint;
  after(async () => {
    await ctx?.close();
    await blackHole?.close();
  });

  it('nothing listening: each instance keeps the per-key budget on its own counters', async () => {
    blackHole = await startBlackHole();
    const closedPort = blackHole.port;
    await blackHole.close(); // the port is now closed: connections are refused
    ctx = await createTestContext({ config: { rateLimitPerMinute: LIMIT, redisUrl: `redis://127.0.0.1:${closedPort}` } });
    assert.equal(await allowedBeforeLimit(ctx), LIMIT);
    assert.ok((await fallbacks(ctx)) >= LIMIT + 1);
    await ctx.close();
  });

  it('a server that accepts but never answers: requests still answer at once, still limited', async () => {
    blackHole = await startBlackHole();
    ctx = await createTestContext({ config: { rateLimitPerMinute: LIMIT, redisUrl: `redis://127.0.0.1:${blackHole.port}` } });
    assert.equal(await allowedBeforeLimit(ctx), LIMIT);
    assert.ok((await fallbacks(ctx)) >= LIMIT + 1);
  });
});

describe('rate limits in Redis', { skip: availability.available ? false : availability.reason }, () => {
  let ctx: TestContext;
  let proxy: FreezableProxy;
  let redis: Redis;
  let counterKey: string;

  before(async () => {
    proxy = await startFreezableProxy(Number(new URL(REDIS_URL).port || 6379));
    const viaProxy = new URL(REDIS_URL);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    let logs = '';
    const logStream = { write: (line: string) => void (logs += line) };
    ctx = await createTestContext({ config: { rateLimitPerMinute: LIMIT, redisUrl: viaProxy.toString(), logLevel: 'info' }, logStream });
    redis = new Redis(REDIS_URL);
    // Until the app's connection is ready it counts locally, by design: wait for the log line that says so.
    const started = Date.now();
    while (!logs.includes('Redis reachable')) {
      if (Date.now() - started > 5000) assert.fail(`the app never reached Redis:\n${logs}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  });
  after(async () => {
    await ctx?.close();
    redis?.disconnect();
    await proxy?.close();
  });

  it('counts each API key in Redis, where every instance sees it', async () => {
    for (let i = 0; i < 3; i++) assert.equal((await mintTimed(ctx)).status, 200);
    const keys = await redis.keys(`tc-embed:rate-limit:*${ctx.apiKeyId}*`);
    assert.equal(keys.length, 1, `one counter for the key: ${keys.join(', ')}`);
    counterKey = keys[0]!;
    assert.equal(await redis.get(counterKey), '3');
    const ttl = await redis.pttl(counterKey);
    assert.ok(ttl > 0 && ttl <= 60_000, `the window expires: ${ttl}`);
    assert.equal(await fallbacks(ctx), 0);
  });

  it('a budget spent elsewhere (another instance) is refused here', async () => {
    await redis.set(counterKey, String(LIMIT), 'KEEPTTL');
    const { status, body, headers } = await mintTimed(ctx);
    assertContractError({ statusCode: status, body, headers: headers as never }, { status: 429, code: 'rate_limited' });
    await redis.set(counterKey, '3', 'KEEPTTL');
  });

  it('when Redis hangs mid-conversation, requests answer promptly and are counted locally, then Redis is used again', async () => {
    proxy.freeze();
    const allowed = await allowedBeforeLimit(ctx);
    assert.equal(allowed, LIMIT, 'the local counters start a fresh window of the same budget');
    assert.ok((await fallbacks(ctx)) >= LIMIT + 1);
    assert.equal(await redis.get(counterKey), '3', 'nothing reached Redis while it hung');

    proxy.thaw();
    await redis.del(counterKey);
    // After the retry delay the shared counter is used again.
    const started = Date.now();
    while (!(await redis.get(counterKey))) {
      if (Date.now() - started > 10_000) assert.fail('Redis was not used again after it recovered');
      await mintTimed(ctx);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  });
});
