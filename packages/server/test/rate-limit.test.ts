import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { generateApiKey } from '../src/apikeys/format.ts';
import { assertContractError } from './helpers/assert-error.ts';
import { createTestContext, type TestContext } from './helpers/test-app.ts';

const LIMIT = 3;
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
    // Another address is not affected by the first one's guesses.
    assert.equal((await generate('not-a-key', '192.0.2.100')).statusCode, 401);
  });
});
