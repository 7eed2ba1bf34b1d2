import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { crc32 } from 'node:zlib';
import fc from 'fast-check';
import { API_KEY_LENGTH, API_KEY_PREFIX, apiKeyIdHint, generateApiKey, parseApiKey } from '../src/apikeys/format.ts';
import type { SqlValue } from '../src/store/store.ts';
import { createTestContext, TEST_ORIGIN, type TestContext } from './helpers/test-app.ts';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const KEY_SHAPE = /^tce_([0-9A-Za-z]{12})_([0-9A-Za-z]{43})([0-9A-Za-z]{6})$/;

/** The documented checksum, computed independently: CRC-32 of everything before it, as 6 base62 digits. */
function withChecksum(body: string): string {
  let value = crc32(body);
  let digits = '';
  for (let i = 0; i < 6; i++) {
    digits = BASE62[value % 62] + digits;
    value = Math.floor(value / 62);
  }
  return body + digits;
}

describe('API key format', () => {
  it('generates keys of the documented shape whose parts parse back', () => {
    for (let i = 0; i < 200; i++) {
      const generated = generateApiKey();
      const match = KEY_SHAPE.exec(generated.key);
      assert.ok(match, generated.key);
      assert.equal(generated.key.length, API_KEY_LENGTH);
      assert.ok(generated.key.startsWith(API_KEY_PREFIX));
      assert.equal(match[1], generated.id);
      assert.equal(match[2], generated.secret);
      assert.equal(generated.prefix, `tce_${generated.id}`);
      assert.equal(generated.lastFour, generated.key.slice(-4));
      assert.deepEqual(parseApiKey(generated.key), { id: generated.id, secret: generated.secret });
      assert.equal(withChecksum(generated.key.slice(0, -6)), generated.key);
    }
  });

  it('carries at least 256 bits of secret: 43 uniformly drawn base62 characters', () => {
    const { secret } = generateApiKey();
    assert.ok(secret.length >= 43);
    assert.ok(secret.length * Math.log2(62) >= 256);
    // Uniform, or the entropy claim is false: a χ² test over 20 000 secrets (860 000 characters, 61 degrees of
    // freedom). A modulo-biased draw (byte % 62) scores in the thousands; 140 is beyond p = 10⁻⁷ for a fair one.
    const counts = new Map<string, number>();
    let total = 0;
    for (let i = 0; i < 20_000; i++) {
      for (const char of generateApiKey().secret) {
        counts.set(char, (counts.get(char) ?? 0) + 1);
        total++;
      }
    }
    assert.equal(counts.size, 62);
    const expected = total / 62;
    const chiSquare = [...counts.values()].reduce((sum, observed) => sum + (observed - expected) ** 2 / expected, 0);
    assert.ok(chiSquare < 140, `χ² = ${chiSquare.toFixed(1)}`);
  });

  it('never repeats a key or an id over 20 000 generations', () => {
    const keys = new Set<string>();
    const ids = new Set<string>();
    for (let i = 0; i < 20_000; i++) {
      const { key, id } = generateApiKey();
      keys.add(key);
      ids.add(id);
    }
    assert.equal(keys.size, 20_000);
    assert.equal(ids.size, 20_000);
  });

  it('rejects every single-character typo of a key (exhaustively for one key)', () => {
    const { key } = generateApiKey();
    let typos = 0;
    for (let at = 0; at < key.length; at++) {
      for (const char of `${BASE62}_-.`) {
        if (char === key[at]) continue;
        const typo = key.slice(0, at) + char + key.slice(at + 1);
        assert.equal(parseApiKey(typo), undefined, typo);
        typos++;
      }
    }
    assert.ok(typos > 4000);
  });

  it('rejects every single-character typo and adjacent swap of any key (property)', () => {
    const typo = fc.record({ at: fc.nat(API_KEY_LENGTH - 1), char: fc.constantFrom(...BASE62), swap: fc.boolean() });
    fc.assert(
      fc.property(fc.constant(null).map(() => generateApiKey().key), typo, (key, { at, char, swap }) => {
        const changed = swap && at < key.length - 1
          ? key.slice(0, at) + key[at + 1] + key[at] + key.slice(at + 2)
          : key.slice(0, at) + char + key.slice(at + 1);
        fc.pre(changed !== key);
        assert.equal(parseApiKey(changed), undefined);
      }),
      { numRuns: 3000 },
    );
  });

  it('rejects every truncation and every extension of a key', () => {
    const { key } = generateApiKey();
    for (let length = 0; length < key.length; length++) assert.equal(parseApiKey(key.slice(0, length)), undefined);
    for (const char of BASE62) {
      assert.equal(parseApiKey(key + char), undefined);
      assert.equal(parseApiKey(char + key), undefined);
    }
  });

  it('refuses whitespace, other prefixes and oversized input without throwing', () => {
    const { key } = generateApiKey();
    const body = key.slice(API_KEY_PREFIX.length);
    const candidates = [
      ` ${key}`,
      `${key} `,
      `${key}\n`,
      `${key.slice(0, 20)} ${key.slice(21)}`,
      `${key.slice(0, 20)}\u00a0${key.slice(21)}`,
      `TCE_${body}`,
      `tce-${body}`,
      `sk_${body}`,
      `pk_${body.slice(1)}`,
      body,
      `Bearer ${key}`,
      key.replace(/_/g, '-'),
      `${key}${'A'.repeat(1024 * 1024)}`,
      'tce_'.repeat(250_000),
      '\u0000'.repeat(API_KEY_LENGTH),
      'é'.repeat(API_KEY_LENGTH),
      '',
    ];
    for (const candidate of candidates) {
      assert.doesNotThrow(() => parseApiKey(candidate));
      assert.equal(parseApiKey(candidate), undefined, JSON.stringify(candidate.slice(0, 80)));
      assert.equal(apiKeyIdHint(candidate), undefined);
    }
  });

  it('never throws on arbitrary input and accepts only well-formed keys (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (candidate) => {
        const parsed = parseApiKey(candidate);
        if (parsed) assert.match(candidate, KEY_SHAPE);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('API keys over HTTP', () => {
  let ctx: TestContext;
  /** SQL statements that touched api_keys since the last reset. */
  let apiKeyQueries: string[];

  before(async () => {
    ctx = await createTestContext();
    // Observe the store from outside: count the statements that read API keys.
    const query = ctx.store.query.bind(ctx.store);
    apiKeyQueries = [];
    ctx.store.query = (<Row extends object>(sql: string, params?: readonly SqlValue[]) => {
      if (/\bapi_keys\b/.test(sql)) apiKeyQueries.push(sql);
      return query<Row>(sql, params);
    }) as typeof ctx.store.query;
  });
  after(() => ctx.close());

  const generate = (apiKey: string, body: Record<string, unknown> = { user: { distinctId: 'user-123', role: 'explorer', attributes: {} } }) =>
    ctx.inject({
      method: 'POST',
      url: '/embed/generate-token',
      headers: { 'x-api-key': apiKey, 'content-type': 'application/json' },
      payload: body,
    });

  it('refuses a typo before any database query', async () => {
    const typo = ctx.apiKey.slice(0, 30) + (ctx.apiKey[30] === 'a' ? 'b' : 'a') + ctx.apiKey.slice(31);
    apiKeyQueries.length = 0;
    for (const candidate of [typo, ctx.apiKey.slice(0, -1), `${ctx.apiKey}x`, `sk_${ctx.apiKey.slice(4)}`]) {
      const response = await generate(candidate);
      assert.equal(response.statusCode, 401);
      assert.equal(response.json().error.code, 'invalid_api_key');
    }
    assert.deepEqual(apiKeyQueries, []);
    // The observer does see lookups: a well-formed key that is not in memory is looked up in the store.
    assert.equal((await generate(generateApiKey().key)).statusCode, 401);
    assert.ok(apiKeyQueries.length > 0);
  });

  it('answers unknown, revoked and wrong-secret keys identically', async () => {
    const unknown = generateApiKey().key;
    const doomed = await ctx.services.apiKeys.create(ctx.orgId, 'to be revoked');
    assert.equal((await generate(doomed.key)).statusCode, 200);
    const revoked = await ctx.inject({ method: 'DELETE', url: `/api/api-keys/${doomed.id}`, headers: await ctx.adminHeaders() });
    assert.equal(revoked.statusCode, 200, revoked.body);
    // The live key's id with another secret and a valid checksum: only the secret comparison can refuse it.
    const wrongSecret = withChecksum(`tce_${ctx.apiKeyId}_${generateApiKey().secret}`);
    assert.equal(parseApiKey(wrongSecret)?.id, ctx.apiKeyId);
    const answers = [];
    for (const key of [unknown, doomed.key, wrongSecret]) {
      const response = await generate(key);
      answers.push({ status: response.statusCode, body: response.json() });
    }
    assert.equal(answers[0]!.status, 401);
    assert.equal(answers[0]!.body.error.code, 'invalid_api_key');
    assert.deepEqual(answers[1], answers[0]);
    assert.deepEqual(answers[2], answers[0]);
  });

  it('takes the organization from the key, never from the body', async () => {
    const other = await ctx.addOrg('Initech');
    const smuggled = await generate(other.apiKey, { user: { distinctId: 'user-123', role: 'explorer', attributes: {} }, org: ctx.orgId });
    assert.equal(smuggled.statusCode, 400);
    assert.equal(smuggled.json().error.code, 'invalid_request');
    const minted = await generate(other.apiKey);
    assert.equal(minted.statusCode, 200);
    const session = await ctx.inject({
      method: 'POST',
      url: '/embed/session',
      headers: { authorization: `Bearer ${minted.json().token}`, origin: TEST_ORIGIN },
    });
    assert.equal(session.json().org.id, other.orgId);
  });
});
