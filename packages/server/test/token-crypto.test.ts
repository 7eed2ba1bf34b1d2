import assert from 'node:assert/strict';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { compactDecrypt, EncryptJWT, jwtDecrypt } from 'jose';
import { EMBED_TOKEN_AUDIENCE, MAX_TOKEN_LIFETIME_SECONDS, type EmbedTokenClaims } from '../src/tokens/claims.ts';
import { deriveTokenKey } from '../src/tokens/keys.ts';
import { mintEmbedToken, type MintEmbedTokenInput } from '../src/tokens/mint.ts';
import { MAX_TOKEN_LENGTH } from '../src/tokens/shape.ts';
import {
  TokenVerificationError,
  verifyEmbedToken,
  type TokenFailure,
  type TokenKeyResolution,
  type VerifyEmbedTokenOptions,
} from '../src/tokens/verify.ts';
import {
  BASE64URL_ALPHABET,
  b64url,
  decodeHeader,
  flipBit,
  forgeCompactJwe,
  nonCanonicalSpelling,
  replaceSegment,
  Segment,
  segmentBytes,
} from './helpers/token-forge.ts';
import { RFC7520_5_6_DIR_A128GCM, RFC7520_5_8_A128KW_A128GCM, RFC7520_5_9_COMPRESSED } from './helpers/rfc7520-vectors.ts';

// Every test runs on a frozen clock: tokens are minted and verified "at" NOW through the `now` options.
const NOW = new Date('2031-05-04T12:00:00Z');
const NOW_S = NOW.getTime() / 1000;
const ISSUER = 'https://analytics.example.test';
const MASTER_KEY = randomBytes(32);
const KEY_A_ID = 'AAAAaaaa1111';
const KEY_B_ID = 'BBBBbbbb2222';
const UNKNOWN_KEY_ID = 'ZZZZzzzz9999';
const ORG_A = 'org_a';
const ORG_B = 'org_b';
const KEY_A = deriveTokenKey(MASTER_KEY, KEY_A_ID, randomBytes(16));
const KEY_B = deriveTokenKey(MASTER_KEY, KEY_B_ID, randomBytes(16));
const LIVE_KEYS = new Map<string, TokenKeyResolution>([
  [KEY_A_ID, { key: KEY_A, org: ORG_A }],
  [KEY_B_ID, { key: KEY_B, org: ORG_B }],
]);
const OUR_HEADER = { alg: 'dir', enc: 'A256GCM', kid: KEY_A_ID, typ: 'JWT' };

/** A resolver over LIVE_KEYS that records every kid it is asked for. */
function spyResolver(keys: ReadonlyMap<string, TokenKeyResolution> = LIVE_KEYS) {
  const calls: string[] = [];
  return {
    calls,
    resolveKey: (kid: string) => {
      calls.push(kid);
      return keys.get(kid);
    },
  };
}

async function mintA(overrides: Partial<MintEmbedTokenInput> = {}): Promise<{ token: string; claims: EmbedTokenClaims }> {
  return mintEmbedToken({
    key: KEY_A,
    apiKeyId: KEY_A_ID,
    issuer: ISSUER,
    org: ORG_A,
    distinctId: 'user-123',
    role: 'explorer',
    permissions: ['dashboards:view'],
    attributes: { region: 'Europe' },
    lifetimeSeconds: 3600,
    now: NOW,
    ...overrides,
  });
}

function verifyNow(token: string, options: Partial<VerifyEmbedTokenOptions> = {}) {
  return verifyEmbedToken(token, { resolveKey: (kid) => LIVE_KEYS.get(kid), issuer: ISSUER, now: NOW, ...options });
}

async function refusal(token: string, options: Partial<VerifyEmbedTokenOptions> = {}): Promise<TokenVerificationError> {
  try {
    await verifyNow(token, options);
  } catch (error) {
    if (error instanceof TokenVerificationError) return error;
    throw error;
  }
  return assert.fail('the token was accepted');
}

async function assertRefused(token: string, reason: TokenFailure, options: Partial<VerifyEmbedTokenOptions> = {}): Promise<void> {
  const error = await refusal(token, options);
  assert.equal(error.reason, reason, `expected ${reason}, got ${error.reason}: ${error.message}`);
}

/** Refused for `reason` before any key was looked up (so before any decryption). */
async function assertRefusedUnread(token: string, reason: TokenFailure): Promise<void> {
  const spy = spyResolver();
  await assertRefused(token, reason, { resolveKey: spy.resolveKey });
  assert.deepEqual(spy.calls, [], 'the key resolver must not run for a token refused on its shape');
}

/** The claims our minter writes at NOW, for forging tokens that differ from a good one in one place. */
function claimsAtNow(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    iss: ISSUER,
    aud: EMBED_TOKEN_AUDIENCE,
    sub: 'user-123',
    org: ORG_A,
    role: 'explorer',
    permissions: ['dashboards:view'],
    attributes: { region: 'Europe' },
    iat: NOW_S,
    nbf: NOW_S,
    exp: NOW_S + 3600,
    jti: 'jti-0001',
    ...overrides,
  };
}

function without(claims: Record<string, unknown>, name: string): Record<string, unknown> {
  const { [name]: _dropped, ...rest } = claims;
  return rest;
}

/** Sealed by jose itself with the right derived key: only the claims can be the reason for a refusal. */
function sealWithJose(claims: Record<string, unknown>, header: Record<string, unknown> = OUR_HEADER): Promise<string> {
  return new EncryptJWT(claims).setProtectedHeader(header as { alg: string; enc: string }).encrypt(KEY_A);
}

describe('deriveTokenKey', () => {
  const salt = randomBytes(16);

  it('derives 32 bytes, the same for the same inputs', () => {
    const key = deriveTokenKey(MASTER_KEY, KEY_A_ID, salt);
    assert.equal(key.length, 32);
    assert.deepEqual(deriveTokenKey(MASTER_KEY, KEY_A_ID, salt), key);
  });

  it('differs per API key id, per salt and per master key', () => {
    const key = Buffer.from(deriveTokenKey(MASTER_KEY, KEY_A_ID, salt));
    assert.notDeepEqual(Buffer.from(deriveTokenKey(MASTER_KEY, KEY_B_ID, salt)), key);
    assert.notDeepEqual(Buffer.from(deriveTokenKey(MASTER_KEY, KEY_A_ID, randomBytes(16))), key);
    assert.notDeepEqual(Buffer.from(deriveTokenKey(randomBytes(32), KEY_A_ID, salt)), key);
  });

  it('never gives two distinct (id, salt) pairs the same key (property)', () => {
    const idArb = fc.stringMatching(/^[0-9A-Za-z]{12}$/);
    const saltArb = fc.uint8Array({ minLength: 16, maxLength: 32 });
    fc.assert(
      fc.property(idArb, saltArb, idArb, saltArb, (idA, saltA, idB, saltB) => {
        fc.pre(idA !== idB || !Buffer.from(saltA).equals(Buffer.from(saltB)));
        const a = Buffer.from(deriveTokenKey(MASTER_KEY, idA, saltA));
        const b = Buffer.from(deriveTokenKey(MASTER_KEY, idB, saltB));
        assert.ok(!a.equals(b));
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a master key that is not 32 bytes and a salt under 16 bytes', () => {
    assert.throws(() => deriveTokenKey(randomBytes(16), KEY_A_ID, salt), RangeError);
    assert.throws(() => deriveTokenKey(MASTER_KEY, KEY_A_ID, randomBytes(15)), RangeError);
  });
});

describe('round trip and key isolation (properties)', () => {
  const attributeValue = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 30 }),
    fc.boolean(),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => (n === 0 ? 0 : n)), // JSON has no -0
    fc.array(fc.string({ unit: 'binary', maxLength: 12 }), { maxLength: 5 }),
  );
  const mintInput = fc.record({
    distinctId: fc.string({ unit: 'binary', minLength: 1, maxLength: 64 }),
    attributes: fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9_]{0,15}$/), attributeValue, { maxKeys: 6, noNullPrototype: true }),
    lifetimeSeconds: fc.integer({ min: 60, max: MAX_TOKEN_LIFETIME_SECONDS }),
  });

  it('returns exactly the minted claims and kid', async () => {
    await fc.assert(
      fc.asyncProperty(mintInput, async (input) => {
        const { token, claims } = await mintA(input);
        const verified = await verifyNow(token);
        assert.equal(verified.kid, KEY_A_ID);
        assert.deepEqual(verified.claims, claims);
        assert.equal(verified.claims.sub, input.distinctId);
        assert.deepEqual(verified.claims.attributes, input.attributes);
      }),
      { numRuns: 150 },
    );
  });

  it('never decrypts a token with another API key\'s derived key', async () => {
    const idArb = fc.stringMatching(/^[0-9A-Za-z]{12}$/);
    const saltArb = fc.uint8Array({ minLength: 16, maxLength: 16 });
    await fc.assert(
      fc.asyncProperty(idArb, saltArb, idArb, saltArb, mintInput, async (mintId, mintSalt, otherId, otherSalt, input) => {
        fc.pre(mintId !== otherId || !Buffer.from(mintSalt).equals(Buffer.from(otherSalt)));
        const mintingKey = deriveTokenKey(MASTER_KEY, mintId, mintSalt);
        const otherKey = deriveTokenKey(MASTER_KEY, otherId, otherSalt);
        const { token } = await mintA({ ...input, key: mintingKey, apiKeyId: mintId });
        // The resolver hands out the wrong key for the token's kid: decryption must fail, whatever the claims.
        await assertRefused(token, 'decryption_failed', { resolveKey: () => ({ key: otherKey, org: ORG_A }) });
        // And the right key still works, so the failure above is the key's doing.
        const verified = await verifyNow(token, { resolveKey: () => ({ key: mintingKey, org: ORG_A }) });
        assert.equal(verified.kid, mintId);
      }),
      { numRuns: 100 },
    );
  });

  it('refuses every single-character edit of a token, or yields the identical payload', async () => {
    const { token, claims } = await mintA();
    const foreign = [...BASE64URL_ALPHABET, '.', '=', '+', '/', ' ', '\n', '%', '\u0000', 'é'];
    const edit = fc.oneof(
      fc.record({ kind: fc.constant('replace' as const), at: fc.nat(token.length - 1), char: fc.constantFrom(...foreign) }),
      fc.record({ kind: fc.constant('insert' as const), at: fc.nat(token.length), char: fc.constantFrom(...foreign) }),
      fc.record({ kind: fc.constant('delete' as const), at: fc.nat(token.length - 1), char: fc.constant('') }),
    );
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(edit, async ({ kind, at, char }) => {
        const mutated = token.slice(0, at) + char + token.slice(kind === 'insert' ? at : at + 1);
        fc.pre(mutated !== token);
        try {
          const verified = await verifyNow(mutated);
          accepted++;
          assert.deepEqual(verified.claims, claims);
        } catch (error) {
          assert.ok(error instanceof TokenVerificationError, `unexpected ${String(error)}`);
        }
      }),
      { numRuns: 4000 },
    );
    // Canonical spelling is enforced, so in practice no edit survives at all.
    assert.equal(accepted, 0);
  });
});

describe('shape: refused before any key lookup', () => {
  it('accepts the token as minted (baseline for every case below)', async () => {
    const { token, claims } = await mintA();
    const spy = spyResolver();
    const verified = await verifyNow(token, { resolveKey: spy.resolveKey });
    assert.deepEqual(verified.claims, claims);
    assert.deepEqual(spy.calls, [KEY_A_ID]);
  });

  it('refuses tokens over 24 KB as too_long, 1 MB of garbage included', async () => {
    const { token } = await mintA();
    const padded = replaceSegment(token, Segment.Ciphertext, 'A'.repeat(MAX_TOKEN_LENGTH));
    await assertRefusedUnread(padded, 'too_long');
    await assertRefusedUnread(randomBytes(768 * 1024).toString('base64url').slice(0, 1024 * 1024), 'too_long');
    await assertRefusedUnread('\u0000'.repeat(1024 * 1024), 'too_long');
    // At the cap itself the length check passes and the shape decides.
    await assertRefusedUnread('A'.repeat(MAX_TOKEN_LENGTH), 'malformed');
  });

  it('refuses every truncation of a valid token', async () => {
    const { token } = await mintA();
    for (let length = 0; length < token.length; length++) {
      await assertRefusedUnread(token.slice(0, length), 'malformed');
    }
  });

  it('refuses bytes in the encrypted-key segment (empty for "dir")', async () => {
    const { token } = await mintA();
    for (const size of [1, 16, 32, 40]) {
      await assertRefusedUnread(replaceSegment(token, Segment.EncryptedKey, b64url(randomBytes(size))), 'malformed');
    }
  });

  it('refuses non-canonical base64url that jose itself would still decrypt', async () => {
    const { token } = await mintA();
    const sameBytesOtherSpelling = replaceSegment(token, Segment.Tag, nonCanonicalSpelling(token.split('.')[Segment.Tag]!));
    // jose decodes leniently: this spelling decrypts there (SECURITY.md), so only our shape check stops it.
    assert.ok(await compactDecrypt(sameBytesOtherSpelling, KEY_A));
    await assertRefusedUnread(sameBytesOtherSpelling, 'malformed');

    const header = token.split('.')[Segment.Header]!;
    assert.notEqual(header.length % 4, 0, 'our header length leaves spare bits');
    await assertRefusedUnread(replaceSegment(token, Segment.Header, nonCanonicalSpelling(header)), 'malformed');
  });

  it('refuses padding, whitespace and standard-base64 characters inside segments', async () => {
    const { token } = await mintA();
    const [header, , iv, ciphertext, tag] = token.split('.') as [string, string, string, string, string];
    const variants = [
      replaceSegment(token, Segment.Tag, `${tag}==`),
      replaceSegment(token, Segment.Iv, `${iv}=`),
      replaceSegment(token, Segment.Header, `${header}=`),
      replaceSegment(token, Segment.Ciphertext, `${ciphertext.slice(0, 10)} ${ciphertext.slice(10)}`),
      replaceSegment(token, Segment.Ciphertext, `${ciphertext.slice(0, 10)}\n${ciphertext.slice(10)}`),
      replaceSegment(token, Segment.Ciphertext, `${ciphertext.slice(0, 10)}\t${ciphertext.slice(10)}`),
      replaceSegment(token, Segment.Tag, tag.replaceAll('-', '+').replaceAll('_', '/').replace(/^./, '+')),
      ` ${token}`,
      `${token}\n`,
    ];
    for (const variant of variants) {
      assert.notEqual(variant, token);
      await assertRefusedUnread(variant, 'malformed');
    }
    // Two of these still decrypt in jose, which is why the whole token is checked before it gets there.
    assert.ok(await compactDecrypt(variants[0]!, KEY_A));
    assert.ok(await compactDecrypt(variants[3]!, KEY_A));
  });

  it('refuses short GCM tags (a prefix of the real tag) and IVs of other lengths', async () => {
    const { token } = await mintA();
    const tag = segmentBytes(token, Segment.Tag);
    for (const size of [4, 8, 12, 15]) {
      await assertRefusedUnread(replaceSegment(token, Segment.Tag, b64url(tag.subarray(0, size))), 'malformed');
    }
    await assertRefusedUnread(replaceSegment(token, Segment.Iv, b64url(randomBytes(16))), 'malformed');
    await assertRefusedUnread(replaceSegment(token, Segment.Iv, b64url(randomBytes(8))), 'malformed');
  });
});

describe('header: only the one we mint', () => {
  it('accepts a token forged with our header and the right key (the forge is sound)', async () => {
    const verified = await verifyNow(forgeCompactJwe(OUR_HEADER, claimsAtNow(), KEY_A));
    assert.equal(verified.claims.sub, 'user-123');
  });

  const refusedHeaders: [string, Record<string, unknown>][] = [
    ['alg A256GCMKW', { ...OUR_HEADER, alg: 'A256GCMKW' }],
    ['alg PBES2-HS256+A128KW with a huge p2c', { ...OUR_HEADER, alg: 'PBES2-HS256+A128KW', p2c: 100_000_000, p2s: b64url(randomBytes(16)) }],
    ['alg RSA-OAEP', { ...OUR_HEADER, alg: 'RSA-OAEP' }],
    ['alg none', { ...OUR_HEADER, alg: 'none' }],
    ['alg DIR (case)', { ...OUR_HEADER, alg: 'DIR' }],
    ['no alg', { enc: 'A256GCM', kid: KEY_A_ID, typ: 'JWT' }],
    ['enc A128GCM', { ...OUR_HEADER, enc: 'A128GCM' }],
    ['enc A256CBC-HS512', { ...OUR_HEADER, enc: 'A256CBC-HS512' }],
    ['enc a256gcm (case)', { ...OUR_HEADER, enc: 'a256gcm' }],
    ['no enc', { alg: 'dir', kid: KEY_A_ID, typ: 'JWT' }],
    ['kid a number', { ...OUR_HEADER, kid: 1 }],
    ['kid null', { ...OUR_HEADER, kid: null }],
    ['kid an object', { ...OUR_HEADER, kid: { id: KEY_A_ID } }],
    ['kid an array', { ...OUR_HEADER, kid: [KEY_A_ID] }],
    ['no kid', { alg: 'dir', enc: 'A256GCM', typ: 'JWT' }],
    ['typ JWE', { ...OUR_HEADER, typ: 'JWE' }],
    ['typ jwt (case)', { ...OUR_HEADER, typ: 'jwt' }],
    ['typ application/jwt', { ...OUR_HEADER, typ: 'application/jwt' }],
    ['typ at+jwt', { ...OUR_HEADER, typ: 'at+jwt' }],
    ['typ a number', { ...OUR_HEADER, typ: 1 }],
    ['no typ', { alg: 'dir', enc: 'A256GCM', kid: KEY_A_ID }],
    ['zip DEF', { ...OUR_HEADER, zip: 'DEF' }],
    ['crit', { ...OUR_HEADER, crit: ['exp'], exp: NOW_S + 3600 }],
    ['jwk', { ...OUR_HEADER, jwk: { kty: 'oct', k: b64url(KEY_A) } }],
    ['jku', { ...OUR_HEADER, jku: 'https://evil.example/keys.json' }],
    ['x5u', { ...OUR_HEADER, x5u: 'https://evil.example/cert.pem' }],
    ['cty', { ...OUR_HEADER, cty: 'JWT' }],
    ['epk', { ...OUR_HEADER, epk: { kty: 'EC', crv: 'P-256', x: 'AA', y: 'AA' } }],
    ['__proto__', JSON.parse(`{"alg":"dir","enc":"A256GCM","kid":"${KEY_A_ID}","typ":"JWT","__proto__":{"x":1}}`)],
  ];
  for (const [name, header] of refusedHeaders) {
    it(`refuses ${name}, even sealed with the right key`, async () => {
      // enc A128GCM needs a 128-bit key to be a real token of that kind.
      const key = header.enc === 'A128GCM' ? KEY_A.subarray(0, 16) : KEY_A;
      await assertRefusedUnread(forgeCompactJwe(header, claimsAtNow(), key), 'bad_header');
    });
  }

  it('refuses headers that are not a JSON object', async () => {
    const sealed = forgeCompactJwe(OUR_HEADER, claimsAtNow(), KEY_A);
    for (const text of ['["dir","A256GCM","AAAAaaaa1111"]', '"dir.A256GCM.AAAAaaaa1111"', '123456789012345678', '{"alg":"dir","enc":', 'null                    ']) {
      await assertRefusedUnread(replaceSegment(sealed, Segment.Header, b64url(text)), 'bad_header');
    }
  });

  it('refuses a DEF-compressed token sealed by jose with the right key', async () => {
    const compressed = await sealWithJose(claimsAtNow(), { ...OUR_HEADER, zip: 'DEF' });
    // A real token: jose with its defaults inflates and accepts it.
    const { payload } = await jwtDecrypt(compressed, KEY_A, { currentDate: NOW });
    assert.equal(payload.sub, 'user-123');
    await assertRefusedUnread(compressed, 'bad_header');
  });

  it('refuses real tokens of other algorithms (they carry an encrypted key or another IV size)', async () => {
    const claims = claimsAtNow();
    const keyWrapped = await new EncryptJWT(claims).setProtectedHeader({ alg: 'A256GCMKW', enc: 'A256GCM', kid: KEY_A_ID, typ: 'JWT' }).encrypt(KEY_A);
    const passwordBased = await new EncryptJWT(claims)
      .setProtectedHeader({ alg: 'PBES2-HS256+A128KW', enc: 'A256GCM', kid: KEY_A_ID, typ: 'JWT' })
      .setKeyManagementParameters({ p2c: 1000, p2s: randomBytes(16) })
      .encrypt(new TextEncoder().encode('correct horse battery staple'));
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const rsa = await new EncryptJWT(claims).setProtectedHeader({ alg: 'RSA-OAEP', enc: 'A256GCM', kid: KEY_A_ID, typ: 'JWT' }).encrypt(publicKey);
    const cbc = await new EncryptJWT(claims).setProtectedHeader({ alg: 'dir', enc: 'A256CBC-HS512', kid: KEY_A_ID, typ: 'JWT' }).encrypt(randomBytes(64));
    for (const token of [keyWrapped, passwordBased, rsa, cbc]) await assertRefusedUnread(token, 'malformed');

    const gcm128 = await new EncryptJWT(claims).setProtectedHeader({ alg: 'dir', enc: 'A128GCM', kid: KEY_A_ID, typ: 'JWT' }).encrypt(KEY_A.subarray(0, 16));
    await assertRefusedUnread(gcm128, 'bad_header');
  });

  it('refuses every single-bit flip of the header, for the reason the flipped header deserves', async () => {
    const { token } = await mintA();
    const headerBits = segmentBytes(token, Segment.Header).length * 8;
    for (let bit = 0; bit < headerBits; bit++) {
      const flipped = flipBit(token, Segment.Header, bit);
      let expected: TokenFailure;
      try {
        const header = decodeHeader(flipped);
        const exactlyOurs =
          typeof header === 'object' && header !== null && !Array.isArray(header) &&
          Object.keys(header).every((name) => ['alg', 'enc', 'kid', 'typ'].includes(name)) &&
          header.alg === 'dir' && header.enc === 'A256GCM' && typeof header.kid === 'string' && header.typ === 'JWT';
        expected = !exactlyOurs ? 'bad_header' : LIVE_KEYS.has(header.kid as string) ? 'decryption_failed' : 'unknown_key';
      } catch {
        expected = 'bad_header';
      }
      await assertRefused(flipped, expected);
    }
  });

  it('refuses a header re-serialized with the same parameters (the header is authenticated as sent)', async () => {
    const { token } = await mintA();
    const reordered = b64url(JSON.stringify({ typ: 'JWT', kid: KEY_A_ID, enc: 'A256GCM', alg: 'dir' }));
    await assertRefused(replaceSegment(token, Segment.Header, reordered), 'decryption_failed');
  });
});

describe('iv, ciphertext and tag are authenticated', () => {
  for (const [name, segment] of [['iv', Segment.Iv], ['ciphertext', Segment.Ciphertext], ['tag', Segment.Tag]] as const) {
    it(`refuses every single-bit flip of the ${name}`, async () => {
      const { token } = await mintA();
      const bits = segmentBytes(token, segment).length * 8;
      for (let bit = 0; bit < bits; bit++) await assertRefused(flipBit(token, segment, bit), 'decryption_failed');
    });
  }
});

describe('key resolution', () => {
  it('looks up only the kid, once, and refuses an unknown kid without decrypting', async () => {
    // Sealed correctly under key A, so only the unknown kid can be the reason for the refusal.
    const sealed = forgeCompactJwe({ ...OUR_HEADER, kid: UNKNOWN_KEY_ID }, claimsAtNow(), KEY_A);
    const spy = spyResolver();
    await assertRefused(sealed, 'unknown_key', { resolveKey: spy.resolveKey });
    assert.deepEqual(spy.calls, [UNKNOWN_KEY_ID]);
  });

  it('refuses when an async resolver answers undefined (a revoked key)', async () => {
    const { token } = await mintA();
    await verifyNow(token);
    const afterRevocation = new Map(LIVE_KEYS);
    afterRevocation.delete(KEY_A_ID);
    await assertRefused(token, 'unknown_key', { resolveKey: async (kid) => afterRevocation.get(kid) });
  });

  it('refuses a token sealed with key A that names live key B', async () => {
    const { token } = await mintA({ apiKeyId: KEY_B_ID });
    const spy = spyResolver();
    await assertRefused(token, 'decryption_failed', { resolveKey: spy.resolveKey });
    assert.deepEqual(spy.calls, [KEY_B_ID]);
  });

  it('refuses a token of key A whose header is swapped for one naming key B', async () => {
    const { token } = await mintA();
    const headerOfB = b64url(JSON.stringify({ ...OUR_HEADER, kid: KEY_B_ID }));
    await assertRefused(replaceSegment(token, Segment.Header, headerOfB), 'decryption_failed');
  });

  it('refuses a token whose org is not the organization of its API key', async () => {
    await assertRefused(forgeCompactJwe(OUR_HEADER, claimsAtNow({ org: ORG_B }), KEY_A), 'bad_claims');
    await assertRefused(forgeCompactJwe({ ...OUR_HEADER, kid: KEY_B_ID }, claimsAtNow({ org: ORG_A }), KEY_B), 'bad_claims');
  });
});

describe('claims', () => {
  it('refuses a token expired beyond the 5 s tolerance, keeping its claims for introspection', async () => {
    const { token } = await mintA({ now: new Date((NOW_S - 3600 - 6) * 1000) });
    const error = await refusal(token);
    assert.equal(error.reason, 'expired');
    assert.equal(error.expiredClaims?.sub, 'user-123');
    await assertRefused((await mintA({ now: new Date((NOW_S - 3600 - 5) * 1000) })).token, 'expired');
  });

  it('accepts a token expired within the tolerance', async () => {
    const { token } = await mintA({ now: new Date((NOW_S - 3600 - 4) * 1000) });
    assert.equal((await verifyNow(token)).claims.sub, 'user-123');
  });

  it('refuses a token that is not valid yet (nbf in the future)', async () => {
    await assertRefused((await mintA({ now: new Date((NOW_S + 60) * 1000) })).token, 'not_yet_valid');
    await assertRefused(await sealWithJose(claimsAtNow({ nbf: NOW_S + 3000 })), 'not_yet_valid');
    // Within the tolerance a slightly fast minting clock is fine.
    assert.ok(await verifyNow((await mintA({ now: new Date((NOW_S + 4) * 1000) })).token));
  });

  it('refuses a token issued in the future, even when its nbf is now', async () => {
    // Without this check, iat far ahead plus exp = iat + 1 h would be valid for years.
    const farFuture = NOW_S + 10 * 365 * 86400;
    await assertRefused(await sealWithJose(claimsAtNow({ iat: farFuture, exp: farFuture + 3600 })), 'not_yet_valid');
  });

  it('refuses a lifetime (exp − iat) over 24 hours and accepts exactly 24 hours', async () => {
    assert.ok(await verifyNow((await mintA({ lifetimeSeconds: MAX_TOKEN_LIFETIME_SECONDS })).token));
    await assertRefused((await mintA({ lifetimeSeconds: MAX_TOKEN_LIFETIME_SECONDS + 1 })).token, 'lifetime_too_long');
    await assertRefused(await sealWithJose(claimsAtNow({ exp: NOW_S + 365 * 86400 })), 'lifetime_too_long');
  });

  const missing: [string, TokenFailure][] = [
    ['exp', 'bad_claims'],
    ['iat', 'bad_claims'],
    ['nbf', 'bad_claims'],
    ['jti', 'bad_claims'],
    ['sub', 'bad_claims'],
    ['org', 'bad_claims'],
    ['role', 'bad_claims'],
    ['permissions', 'bad_claims'],
    ['attributes', 'bad_claims'],
    ['iss', 'wrong_issuer'],
    ['aud', 'wrong_audience'],
  ];
  for (const [claim, reason] of missing) {
    it(`refuses a token without "${claim}" (sealed by jose with the right key) as ${reason}`, async () => {
      await assertRefused(await sealWithJose(without(claimsAtNow(), claim)), reason);
    });
  }

  const malformed: [string, Record<string, unknown>, TokenFailure][] = [
    ['wrong iss', { iss: 'https://other-tc-embed.example' }, 'wrong_issuer'],
    ['wrong aud', { aud: 'another-audience' }, 'wrong_audience'],
    ['exp a string', { exp: String(NOW_S + 3600) }, 'bad_claims'],
    ['iat a string', { iat: String(NOW_S) }, 'bad_claims'],
    ['empty sub', { sub: '' }, 'bad_claims'],
    ['sub a number', { sub: 123 }, 'bad_claims'],
    ['empty org', { org: '' }, 'bad_claims'],
    ['empty jti', { jti: '' }, 'bad_claims'],
    ['role admin', { role: 'admin' }, 'bad_claims'],
    ['permissions a string', { permissions: 'dashboards:view' }, 'bad_claims'],
    ['attributes an array', { attributes: ['Europe'] }, 'bad_claims'],
    ['a nested attribute', { attributes: { region: { $ne: null } } }, 'bad_claims'],
  ];
  for (const [name, overrides, reason] of malformed) {
    it(`refuses ${name} as ${reason}`, async () => {
      await assertRefused(await sealWithJose(claimsAtNow(overrides)), reason);
    });
  }
});

describe('RFC 7520 JWE examples are not embed tokens', () => {
  for (const vector of [RFC7520_5_6_DIR_A128GCM, RFC7520_5_8_A128KW_A128GCM, RFC7520_5_9_COMPRESSED]) {
    it(`refuses ${vector.name} (${vector.expectedReason})`, async () => {
      // The constant is transcribed right: it decrypts to the RFC's plaintext with the RFC's key.
      const { plaintext } = await compactDecrypt(vector.compact, Buffer.from(vector.key, 'base64url'));
      assert.match(new TextDecoder().decode(plaintext), /^You can trust us to stick with you/);
      // Even a resolver that hands out the RFC's key for any kid does not make it one of ours.
      const spy = spyResolver(new Map([[String(decodeHeader(vector.compact).kid), { key: Buffer.from(vector.key, 'base64url'), org: ORG_A }]]));
      await assertRefused(vector.compact, vector.expectedReason, { resolveKey: spy.resolveKey });
      assert.deepEqual(spy.calls, []);
    });
  }
});
