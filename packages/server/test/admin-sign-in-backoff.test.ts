import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { ConfigError, loadConfig, type Config } from '../src/config.ts';
import { assertContractError } from './helpers/assert-error.ts';
import { REDIS_URL, redisAvailability } from './helpers/redis.ts';
import { createTestContext, type TestContext } from './helpers/test-app.ts';

// The documented policy (docs/OPERATIONS.md): 5 attempts per (email, client address) per 15-minute window, and 1
// per address while the email has drawn more than 50 attempts in its window.
const PER_CLIENT = 5;
const ACCOUNT_CAMPAIGN = 50;
const PASSWORD = 'the right password 123';

let emailCount = 0;
const freshEmail = () => `backoff-${process.pid}-${Date.now()}-${emailCount++}@example.com`;
/** The Redis key of one (email, address) count, as docs/OPERATIONS.md names it. */
const clientKey = (email: string, address: string) =>
  `tc-embed:rate-limit:admin-sign-in:client:${createHash('sha256').update(email).digest('hex')}:${address}`;

async function signIn(ctx: TestContext, email: string, password: string, headers: Record<string, string> = {}, remoteAddress?: string) {
  return ctx.inject({
    method: 'POST',
    url: '/api/auth/login',
    headers,
    payload: { email, password },
    ...(remoteAddress ? { remoteAddress } : {}),
  });
}

/** Fails `count` times from one client; every answer must be the plain 401 (no back-off yet). */
async function failFrom(ctx: TestContext, email: string, count: number, headers: Record<string, string> = {}, remoteAddress?: string) {
  for (let attempt = 0; attempt < count; attempt++) {
    const response = await signIn(ctx, email, `wrong ${attempt}`, headers, remoteAddress);
    assertContractError(response, { status: 401, code: 'unauthenticated' });
  }
}

function assertBackedOff(response: Awaited<ReturnType<typeof signIn>>) {
  const body = assertContractError(response, { status: 429, code: 'rate_limited', mentions: /try again in \d+ seconds/ });
  const retryAfter = Number(response.headers['retry-after']);
  assert.ok(Number.isInteger(retryAfter) && retryAfter > 0 && retryAfter <= 900, `Retry-After: ${response.headers['retry-after']}`);
  assert.match(body.error.message, new RegExp(`in ${retryAfter} seconds`));
}

describe('admin sign-in back-off without TC_TRUST_PROXY', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await createTestContext();
  });
  after(() => ctx?.close());

  it('ignores X-Forwarded-For: a client cannot dodge the back-off by changing it', async () => {
    const email = freshEmail();
    await ctx.services.adminAuth.createUser(ctx.orgId, email, PASSWORD);
    for (let attempt = 0; attempt < PER_CLIENT; attempt++) {
      await failFrom(ctx, email, 1, { 'x-forwarded-for': `198.51.100.${attempt + 1}` });
    }
    assertBackedOff(await signIn(ctx, email, 'wrong again', { 'x-forwarded-for': '198.51.100.200' }));
    assertBackedOff(await signIn(ctx, email, PASSWORD, { 'x-forwarded-for': '203.0.113.77', forwarded: 'for=203.0.113.77' }));
  });

  it('keys the back-off on the connection address: another address still signs in', async () => {
    const email = freshEmail();
    await ctx.services.adminAuth.createUser(ctx.orgId, email, PASSWORD);
    await failFrom(ctx, email, PER_CLIENT, {}, '192.0.2.10');
    assertBackedOff(await signIn(ctx, email, PASSWORD, {}, '192.0.2.10'));
    assert.equal((await signIn(ctx, email, PASSWORD, {}, '192.0.2.11')).statusCode, 200);
  });

  it('forgets an address\'s typos once it signs in', async () => {
    const email = freshEmail();
    await ctx.services.adminAuth.createUser(ctx.orgId, email, PASSWORD);
    await failFrom(ctx, email, PER_CLIENT - 1, {}, '192.0.2.20');
    assert.equal((await signIn(ctx, email, PASSWORD, {}, '192.0.2.20')).statusCode, 200);
    await failFrom(ctx, email, PER_CLIENT - 1, {}, '192.0.2.20');
    assert.equal((await signIn(ctx, email, PASSWORD, {}, '192.0.2.20')).statusCode, 200);
  });

  it('counts parallel guesses before checking them: no more than the budget is ever checked', async () => {
    const email = freshEmail();
    await ctx.services.adminAuth.createUser(ctx.orgId, email, PASSWORD);
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => signIn(ctx, email, `parallel ${i}`, {}, '192.0.2.30')));
    assert.equal(answers.filter((answer) => answer.statusCode === 401).length, PER_CLIENT);
    assert.equal(answers.filter((answer) => answer.statusCode === 429).length, 12 - PER_CLIENT);
  });

  it('under a campaign spread over many addresses: one attempt per address, and a clean address still signs in', async () => {
    const email = freshEmail();
    await ctx.services.adminAuth.createUser(ctx.orgId, email, PASSWORD);
    for (let i = 0; i <= ACCOUNT_CAMPAIGN; i++) await failFrom(ctx, email, 1, {}, `10.9.${i >> 8}.${i & 255}`);
    // An attacking address that already guessed once gets no second guess during the campaign.
    assertBackedOff(await signIn(ctx, email, 'another guess', {}, '10.9.0.1'));
    // A fresh address gets one guess, not five.
    await failFrom(ctx, email, 1, {}, '10.9.99.1');
    assertBackedOff(await signIn(ctx, email, 'second guess', {}, '10.9.99.1'));
    // The real admin, from an address that has not failed, is not locked out by the campaign.
    assert.equal((await signIn(ctx, email, PASSWORD, {}, '192.0.2.40')).statusCode, 200);
    // Other accounts are untouched.
    assert.equal((await signIn(ctx, ctx.config.adminEmail, ctx.config.adminPassword!, {}, '10.9.0.1')).statusCode, 200);
  });
});

describe('admin sign-in back-off with TC_TRUST_PROXY', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await createTestContext({ config: { trustProxy: ['127.0.0.1'] } });
  });
  after(() => ctx?.close());

  it('tells clients behind the trusted proxy apart: one client\'s failures do not slow another\'s sign-in', async () => {
    const email = freshEmail();
    await ctx.services.adminAuth.createUser(ctx.orgId, email, PASSWORD);
    await failFrom(ctx, email, PER_CLIENT, { 'x-forwarded-for': '203.0.113.5' });
    assertBackedOff(await signIn(ctx, email, PASSWORD, { 'x-forwarded-for': '203.0.113.5' }));
    assert.equal((await signIn(ctx, email, PASSWORD, { 'x-forwarded-for': '203.0.113.6' })).statusCode, 200);
    // The proxy's own address is not a shared bucket either: a client sending no header is a client of its own.
    assert.equal((await signIn(ctx, email, PASSWORD)).statusCode, 200);
  });

  it('reads the client from the last untrusted hop: a prefix the client wrote itself does not help', async () => {
    const email = freshEmail();
    await ctx.services.adminAuth.createUser(ctx.orgId, email, PASSWORD);
    for (let attempt = 0; attempt < PER_CLIENT; attempt++) {
      await failFrom(ctx, email, 1, { 'x-forwarded-for': `198.51.100.${attempt}, 203.0.113.9` });
    }
    assertBackedOff(await signIn(ctx, email, PASSWORD, { 'x-forwarded-for': '198.51.100.250, 203.0.113.9' }));
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', async () => {
    const email = freshEmail();
    await ctx.services.adminAuth.createUser(ctx.orgId, email, PASSWORD);
    for (let attempt = 0; attempt < PER_CLIENT; attempt++) {
      await failFrom(ctx, email, 1, { 'x-forwarded-for': `198.51.100.${attempt}` }, '192.0.2.50');
    }
    assertBackedOff(await signIn(ctx, email, PASSWORD, { 'x-forwarded-for': '198.51.100.251' }, '192.0.2.50'));
  });
});

const redis = await redisAvailability();

describe('admin sign-in back-off with TC_REDIS_URL', { skip: redis.available ? false : redis.reason }, () => {
  let first: TestContext;
  let second: TestContext;
  let client: Redis;
  before(async () => {
    first = await createTestContext({ config: { redisUrl: REDIS_URL } });
    second = await createTestContext({ config: { redisUrl: REDIS_URL } });
    client = new Redis(REDIS_URL);
    // Each app counts locally until its Redis connection is ready (by design); wait for both.
    const started = Date.now();
    for (const ctx of [first, second]) {
      const probe = freshEmail();
      for (;;) {
        await signIn(ctx, probe, 'probe', {}, '192.0.2.254');
        if ((await client.exists(clientKey(probe, '192.0.2.254'))) === 1) break;
        if (Date.now() - started > 5000) assert.fail('the apps never counted in Redis');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  });
  after(async () => {
    await first?.close();
    await second?.close();
    client?.disconnect();
  });

  it('shares the failures across instances: failing on one backs off the same client on the other', async () => {
    const email = freshEmail();
    // Both apps have their own store here; the counters, not the user table, are what they share.
    await first.services.adminAuth.createUser(first.orgId, email, PASSWORD);
    await second.services.adminAuth.createUser(second.orgId, email, PASSWORD);
    await failFrom(first, email, 3, {}, '192.0.2.60');
    await failFrom(second, email, PER_CLIENT - 3, {}, '192.0.2.60');
    assertBackedOff(await signIn(first, email, PASSWORD, {}, '192.0.2.60'));
    assertBackedOff(await signIn(second, email, PASSWORD, {}, '192.0.2.60'));
    assert.equal((await signIn(second, email, PASSWORD, {}, '192.0.2.61')).statusCode, 200);
    // Counted once, in Redis, under the email's hash, never the email itself.
    assert.equal(await client.get(clientKey(email, '192.0.2.60')), String(PER_CLIENT + 2));
    assert.deepEqual(await client.keys(`*${email}*`), [], 'the email appears in a Redis key');
  });
});

describe('TC_TRUST_PROXY', () => {
  const base = {
    NODE_ENV: 'test',
    TC_DATA_DIR: mkdtempSync(join(tmpdir(), 'tc-trust-proxy-')),
    TC_MASTER_KEY: Buffer.alloc(32, 1).toString('base64'),
    TC_SECRET_KEYS: `v1:${Buffer.alloc(32, 2).toString('base64')}`,
  };
  const trustProxy = (value: string | undefined): Config['trustProxy'] => loadConfig({ ...base, TC_TRUST_PROXY: value }).trustProxy;

  it('is off unless set', () => {
    assert.equal(trustProxy(undefined), false);
    assert.equal(trustProxy(''), false);
    assert.equal(trustProxy('false'), false);
  });

  it('accepts true, a hop count, or addresses and CIDRs', () => {
    assert.equal(trustProxy('true'), true);
    assert.equal(trustProxy('2'), 2);
    assert.deepEqual(trustProxy('10.0.0.0/8, 127.0.0.1,::1,fd00::/8,loopback'), ['10.0.0.0/8', '127.0.0.1', '::1', 'fd00::/8', 'loopback']);
  });

  it('refuses anything else with one line naming the variable and the bad entry', () => {
    for (const [value, mentions] of [
      ['yes', /"yes"/],
      ['0', /hop count/],
      ['100', /hop count/],
      ['10.0.0.0/33', /"10\.0\.0\.0\/33"/],
      ['10.0.0.1,proxy.internal', /"proxy\.internal"/],
      ['10.0.0.1,,10.0.0.2', /""/],
      ['::1/129', /"::1\/129"/],
      ['10.0.0.0/8/1', /"10\.0\.0\.0\/8\/1"/],
    ] as const) {
      assert.throws(() => trustProxy(value), (error: Error) => {
        assert.ok(error instanceof ConfigError, String(error));
        assert.match(error.message, /^TC_TRUST_PROXY /);
        assert.match(error.message, mentions);
        assert.ok(!error.message.includes('\n'));
        return true;
      });
    }
  });

  it('with a hop count, believes that many proxies nearest the server', async () => {
    const ctx = await createTestContext({ config: { trustProxy: 1 } });
    try {
      const email = freshEmail();
      await ctx.services.adminAuth.createUser(ctx.orgId, email, PASSWORD);
      // One hop trusted: the client is the last entry, whatever the client prepended.
      for (let attempt = 0; attempt < PER_CLIENT; attempt++) {
        await failFrom(ctx, email, 1, { 'x-forwarded-for': `198.51.100.${attempt}, 203.0.113.20` });
      }
      assertBackedOff(await signIn(ctx, email, PASSWORD, { 'x-forwarded-for': '203.0.113.20' }));
      assert.equal((await signIn(ctx, email, PASSWORD, { 'x-forwarded-for': '203.0.113.21' })).statusCode, 200);
    } finally {
      await ctx.close();
    }
  });
});
