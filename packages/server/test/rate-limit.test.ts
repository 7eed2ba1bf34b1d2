import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { crc32 } from 'node:zlib';
import { generateApiKey } from '../src/apikeys/format.ts';
import { assertContractError } from './helpers/assert-error.ts';
import { createTestContext, type TestContext } from './helpers/test-app.ts';

const LIMIT = 3;
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * What an attacker can build from public knowledge alone: another key's id (the `kid` of every token it signed)
 * with a random secret and a correct CRC-32 checksum. Well-formed, so it passes every check but the secret's.
 */
function forgeKeyFor(keyId: string): string {
  const secret = Array.from(randomBytes(43), (byte) => BASE62[byte % 62]).join('');
  const body = `tce_${keyId}_${secret}`;
  let value = crc32(body);
  let checksum = '';
  for (let i = 0; i < 6; i++) {
    checksum = BASE62[value % 62] + checksum;
    value = Math.floor(value / 62);
  }
  return body + checksum;
}
const SEED_BODY = { user: { distinctId: 'user-123', role: 'explorer', attributes: {} } };

describe('generate-token is rate-limited per API key', () => {
  let ctx: TestContext;
  let secondKey: string;

  const generate = (apiKey: string, remoteAddress = '203.0.113.7') =>
    ctx.inject({
      method: 'POST',
      url: '/embed/generate-token',
      headers: { 'x-api-key': apiKey, 'content-type': 'application/json' },
      payload: SEED_BODY,
      remoteAddress,
    });

  before(async () => {
    ctx = await createTestContext({ config: { rateLimitPerMinute: LIMIT } });
    secondKey = (await ctx.services.apiKeys.create(ctx.orgId, 'second backend')).key;
  });
  after(() => ctx.close());

  it(`answers request ${LIMIT + 1} of a minute with 429 rate_limited and Retry-After`, async () => {
    for (let i = 0; i < LIMIT; i++) {
      const response = await generate(ctx.apiKey);
      assert.equal(response.statusCode, 200, response.body);
      assert.equal(response.headers['x-ratelimit-remaining'], String(LIMIT - 1 - i));
    }
    const limited = await generate(ctx.apiKey);
    const body = assertContractError(limited, { status: 429, code: 'rate_limited', mentions: /API key/ });
    const retryAfter = Number(limited.headers['retry-after']);
    assert.ok(Number.isInteger(retryAfter) && retryAfter > 0 && retryAfter <= 60, `Retry-After: ${limited.headers['retry-after']}`);
    assert.match(body.error.message, /retry in \d+ seconds/);
    assert.equal(limited.headers['cache-control'], 'no-store');
  });

  it('counts per key, not per caller: the same key from another address is still limited', async () => {
    assertContractError(await generate(ctx.apiKey, '198.51.100.20'), { status: 429, code: 'rate_limited' });
  });

  it('leaves another API key unaffected', async () => {
    for (let i = 0; i < LIMIT; i++) assert.equal((await generate(secondKey)).statusCode, 200);
    assert.equal((await generate(secondKey)).statusCode, 429);
  });

  it('limits requests without a valid key per address, so key guessing is throttled too', async () => {
    const guesses = [];
    for (let i = 0; i <= LIMIT; i++) guesses.push(await generate(generateApiKey().key.replace(/.$/, '!'), '192.0.2.99'));
    assert.deepEqual(guesses.map((r) => r.statusCode), [...Array(LIMIT).fill(401), 429]);
    const refused = assertContractError(guesses.at(-1)!, { status: 429, code: 'rate_limited', mentions: /valid API key/ });
    assert.match(refused.error.message, /retry in \d+ seconds/);
    assert.ok(Number(guesses.at(-1)!.headers['retry-after']) > 0, 'Retry-After on the per-address 429');
    assert.equal(guesses.at(-1)!.headers['cache-control'], 'no-store');
    // Another address is not affected by the first one's guesses.
    assert.equal((await generate('not-a-key', '192.0.2.100')).statusCode, 401);
  });
});

describe('generate-token: a forged key cannot spend a real key\'s budget', () => {
  let ctx: TestContext;

  const generate = (apiKey: string, remoteAddress: string) =>
    ctx.inject({
      method: 'POST',
      url: '/embed/generate-token',
      headers: { 'x-api-key': apiKey, 'content-type': 'application/json' },
      payload: SEED_BODY,
      remoteAddress,
    });

  before(async () => {
    ctx = await createTestContext({ config: { rateLimitPerMinute: LIMIT } });
  });
  after(() => ctx.close());

  it('a flood of well-formed keys with the victim\'s id is refused per address and leaves the victim\'s budget whole', async () => {
    const forged = forgeKeyFor(ctx.apiKeyId);
    assert.notEqual(forged, ctx.apiKey);
    const flood = [];
    for (let i = 0; i < LIMIT * 4; i++) flood.push((await generate(forged, '198.51.100.66')).statusCode);
    assert.deepEqual(flood, [...Array(LIMIT).fill(401), ...Array(LIMIT * 3).fill(429)]);

    // The integrator's own servers — another address, and even the attacker's (a shared NAT) — still mint.
    assert.equal((await generate(ctx.apiKey, '203.0.113.10')).statusCode, 200);
    assert.equal((await generate(ctx.apiKey, '198.51.100.66')).statusCode, 200);
    const third = await generate(ctx.apiKey, '203.0.113.10');
    assert.equal(third.statusCode, 200, third.body);
    assert.equal(third.headers['x-ratelimit-remaining'], '0', 'the real key spent exactly its own three requests');

    // …and its own budget still holds.
    const limited = await generate(ctx.apiKey, '203.0.113.10');
    assertContractError(limited, { status: 429, code: 'rate_limited', mentions: /API key/ });
    assert.ok(Number(limited.headers['retry-after']) > 0);
    assert.equal(limited.headers['cache-control'], 'no-store');
  });

  it('missing and malformed keys spend the same per-address budget as forged ones', async () => {
    const statuses = [];
    for (const header of [undefined, 'nope', forgeKeyFor(ctx.apiKeyId), 'tce_short']) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (header) headers['x-api-key'] = header;
      statuses.push((await ctx.inject({ method: 'POST', url: '/embed/generate-token', headers, payload: SEED_BODY, remoteAddress: '192.0.2.150' })).statusCode);
    }
    assert.deepEqual(statuses, [401, 401, 401, 429]);
  });
});
