import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { createTestContext, TEST_ORIGIN, type TestContext } from '../packages/server/test/helpers/test-app.ts';
import { b64url, BASE64URL_ALPHABET, flipBit, nonCanonicalSpelling, Segment, segmentBytes } from '../packages/server/test/helpers/token-forge.ts';

const RUNS = 10_000;
// What a Bearer value can carry through an HTTP header: printable ASCII (the shape check refuses the rest).
const PRINTABLE = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)), minLength: 1, maxLength: 8 });
const TOKEN_CHARACTER = fc.constantFrom(...BASE64URL_ALPHABET, '.', '=', '+', '/', ' ');

/** One edit of a token; `donors` are other valid tokens whose parts an attacker could splice in. */
type Mutation = (token: string, donors: string[]) => string;

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  // A flipped bit in one segment's decoded bytes, re-encoded canonically.
  fc.record({ segment: fc.constantFrom(Segment.Header, Segment.Iv, Segment.Ciphertext, Segment.Tag), bit: fc.nat() }).map(
    ({ segment, bit }): Mutation => (token) => {
      if (token.split('.')[segment] === undefined) return token;
      const bytes = segmentBytes(token, segment);
      return bytes.length === 0 ? token : flipBit(token, segment, bit % (bytes.length * 8));
    },
  ),
  // One character replaced.
  fc.record({ at: fc.nat(), by: TOKEN_CHARACTER }).map(({ at, by }): Mutation => (token) => {
    const i = at % token.length;
    return token.slice(0, i) + by + token.slice(i + 1);
  }),
  // A run of characters deleted.
  fc.record({ at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }).map(({ at, length }): Mutation => (token) => {
    const i = at % token.length;
    return token.slice(0, i) + token.slice(i + length);
  }),
  // Printable junk inserted.
  fc.record({ at: fc.nat(), text: PRINTABLE }).map(({ at, text }): Mutation => (token) => {
    const i = at % (token.length + 1);
    return token.slice(0, i) + text + token.slice(i);
  }),
  // Truncated.
  fc.nat().map((keep): Mutation => (token) => token.slice(0, keep % token.length)),
  // Segments reordered, duplicated or dropped.
  fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 7 }).map((order): Mutation => (token) => {
    const parts = token.split('.');
    return order.map((index) => parts[index] ?? '').join('.');
  }),
  // A segment taken from another valid token (same key, another key, another organization).
  fc.record({ donor: fc.nat(), segment: fc.integer({ min: 0, max: 4 }) }).map(({ donor, segment }): Mutation => (token, donors) => {
    const parts = token.split('.');
    const from = donors[donor % donors.length]!.split('.');
    if (parts.length !== 5) return token;
    parts[segment] = from[segment] ?? '';
    return parts.join('.');
  }),
  // The same bytes spelled non-canonically (spare low bits set), or padded.
  fc.record({ segment: fc.constantFrom(Segment.Header, Segment.Iv, Segment.Ciphertext, Segment.Tag), pad: fc.boolean() }).map(
    ({ segment, pad }): Mutation => (token) => {
      const parts = token.split('.');
      const value = parts[segment];
      if (value === undefined) return token;
      parts[segment] = pad ? `${value}=` : value.length % 4 === 0 ? `${value}A` : nonCanonicalSpelling(value);
      return parts.join('.');
    },
  ),
  // A rewritten header (another kid, alg, enc, zip, typ), the rest untouched.
  fc
    .record({
      field: fc.constantFrom('alg', 'enc', 'kid', 'typ', 'zip', 'crit', 'cty'),
      value: fc.oneof(fc.constantFrom('none', 'dir', 'A128GCM', 'A256GCM', 'DEF', 'JWT', 'RSA-OAEP', 'PBES2-HS256+A128KW'), fc.string(), fc.integer()),
    })
    .map(({ field, value }): Mutation => (token) => {
      const parts = token.split('.');
      let header: Record<string, unknown>;
      try {
        header = JSON.parse(Buffer.from(parts[0] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
      } catch {
        return token;
      }
      parts[0] = b64url(JSON.stringify({ ...header, [field]: value }));
      return parts.join('.');
    }),
);

/**
 * Ten thousand random mutations of valid tokens through POST /embed/session: every one is refused with 401
 * invalid_token in the contract's shape. (packages/server/test/token-tamper.test.ts covers the crafted attacks.)
 */
describe(`${RUNS} random token mutations`, () => {
  let ctx: TestContext;
  let tokens: string[];

  before(async () => {
    ctx = await createTestContext();
    const globex = await ctx.addOrg('Globex');
    const second = await ctx.services.apiKeys.create(ctx.orgId, 'second backend');
    tokens = [
      await ctx.mint({ distinctId: 'user-123', role: 'explorer', attributes: { region: 'Europe' } }),
      await ctx.mint({ distinctId: 'user-456', role: 'explorer', attributes: { countries: ['FR', 'DE'] } }, { expiresIn: '15m' }),
      await ctx.mint(undefined, {}, second.key),
      await ctx.mint(undefined, {}, globex.apiKey),
    ];
    // The originals are valid (and now in the session cache, which mutated tokens must not hit).
    for (const token of tokens) {
      assert.equal((await ctx.inject({ method: 'POST', url: '/embed/session', headers: { authorization: `Bearer ${token}`, origin: TEST_ORIGIN } })).statusCode, 200);
    }
  });
  after(() => ctx.close());

  it('are all refused', async () => {
    const valid = new Set(tokens);
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 3 }), async (pick, mutations) => {
        const original = tokens[pick % tokens.length]!;
        const donors = tokens.filter((token) => token !== original);
        const mutated = mutations.reduce((token, mutate) => mutate(token, donors), original);
        fc.pre(!valid.has(mutated) && mutated.length > 0);
        const response = await ctx.inject({
          method: 'POST',
          url: '/embed/session',
          headers: { authorization: `Bearer ${mutated}`, origin: TEST_ORIGIN },
        });
        assert.equal(response.statusCode, 401, `${JSON.stringify(mutated)} → ${response.statusCode} ${response.body}`);
        const body = response.json() as { error: { code: string; message: string } };
        assert.deepEqual(Object.keys(body), ['error']);
        assert.equal(body.error.code, 'invalid_token', response.body);
        refused++;
      }),
      { numRuns: RUNS, maxSkipsPerRun: 10 },
    );
    assert.equal(refused, RUNS, 'fast-check counts only mutations that differ from every valid token');
    // Still serving the real tokens afterwards.
    assert.equal((await ctx.inject({ method: 'POST', url: '/embed/session', headers: { authorization: `Bearer ${tokens[0]}`, origin: TEST_ORIGIN } })).statusCode, 200);
  });
});
