import assert from 'node:assert/strict';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { EncryptJWT } from 'jose';
import { generateApiKey } from '../src/apikeys/format.ts';
import { EMBED_TOKEN_AUDIENCE } from '../src/tokens/claims.ts';
import { exchangeUntilClosed } from './helpers/raw-socket.ts';
import { createTestContext, TEST_ISSUER, TEST_ORIGIN, type TestContext } from './helpers/test-app.ts';
import { RFC7520_5_6_DIR_A128GCM, RFC7520_5_8_A128KW_A128GCM, RFC7520_5_9_COMPRESSED } from './helpers/rfc7520-vectors.ts';
import { b64url, flipBit, forgeCompactJwe, nonCanonicalSpelling, replaceSegment, Segment, segmentBytes } from './helpers/token-forge.ts';

/**
 * Hostile tokens against POST /embed/session through the real app: every one is a 401 in the contract's error
 * shape (invalid_token, or token_expired for expiry), never a 500.
 */
describe('token tampering through POST /embed/session', () => {
  let ctx: TestContext;
  /** The derived token key of ctx's API key: what a forger who stole it could seal with. */
  let key: Uint8Array;
  let token: string;
  let secondKeyId: string;
  let otherOrgId: string;

  before(async () => {
    ctx = await createTestContext();
    key = (await ctx.services.apiKeys.tokenKeyFor(ctx.apiKeyId))!.key;
    token = await ctx.mint();
    secondKeyId = (await ctx.services.apiKeys.create(ctx.orgId, 'second backend')).id;
    otherOrgId = (await ctx.addOrg('Globex')).orgId;
  });
  after(() => ctx.close());

  const session = (bearer: string, origin = TEST_ORIGIN) =>
    ctx.inject({ method: 'POST', url: '/embed/session', headers: { authorization: `Bearer ${bearer}`, origin } });

  function assertRefused(response: LightMyRequestResponse, code = 'invalid_token', context = ''): void {
    assert.equal(response.statusCode, 401, `${context} ${response.body}`);
    const body = response.json();
    assert.equal(body.error.code, code, context);
    assert.equal(typeof body.error.message, 'string');
    assert.ok(body.error.message.length > 0);
    // A refusal may be readable by an authorized page (so the element can say why), but never by any page.
    const allowed = response.headers['access-control-allow-origin'];
    assert.ok(allowed === undefined || allowed === TEST_ORIGIN, `CORS granted to ${String(allowed)}`);
  }

  const header = () => ({ alg: 'dir', enc: 'A256GCM', kid: ctx.apiKeyId, typ: 'JWT' });
  const nowSeconds = () => Math.floor(Date.now() / 1000);
  const claims = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
    iss: TEST_ISSUER,
    aud: EMBED_TOKEN_AUDIENCE,
    sub: 'user-123',
    org: ctx.orgId,
    role: 'explorer',
    permissions: ['dashboards:view'],
    attributes: {},
    iat: nowSeconds(),
    nbf: nowSeconds(),
    exp: nowSeconds() + 3600,
    jti: b64url(randomBytes(16)),
    ...overrides,
  });
  const sealWithJose = (payload: Record<string, unknown>, protectedHeader: Record<string, unknown> = header()) =>
    new EncryptJWT(payload).setProtectedHeader(protectedHeader as { alg: string; enc: string }).encrypt(key);
  const without = (payload: Record<string, unknown>, name: string) => {
    const { [name]: _dropped, ...rest } = payload;
    return rest;
  };

  it('opens a session with the untouched token and a forged token of our exact form (baselines)', async () => {
    assert.equal((await session(token)).statusCode, 200);
    assert.equal((await session(forgeCompactJwe(header(), claims(), key))).statusCode, 200);
  });

  for (const [name, segment] of [['header', Segment.Header], ['iv', Segment.Iv], ['ciphertext', Segment.Ciphertext], ['tag', Segment.Tag]] as const) {
    it(`refuses a bit flip in every byte of the ${name}`, async () => {
      const length = segmentBytes(token, segment).length;
      for (let byte = 0; byte < length; byte++) {
        const bit = byte * 8 + (byte % 8);
        assertRefused(await session(flipBit(token, segment, bit)), 'invalid_token', `${name} bit ${bit}`);
      }
    });
  }

  const cases: [string, () => string | Promise<string>][] = [
    ['bytes in the empty encrypted-key segment', () => replaceSegment(token, Segment.EncryptedKey, b64url(randomBytes(40)))],
    ['alg A256GCMKW', () => forgeCompactJwe({ ...header(), alg: 'A256GCMKW' }, claims(), key)],
    ['alg PBES2 with p2c 100 000 000', () => forgeCompactJwe({ ...header(), alg: 'PBES2-HS256+A128KW', p2c: 100_000_000, p2s: b64url(randomBytes(16)) }, claims(), key)],
    ['alg RSA-OAEP', () => forgeCompactJwe({ ...header(), alg: 'RSA-OAEP' }, claims(), key)],
    ['alg none', () => forgeCompactJwe({ ...header(), alg: 'none' }, claims(), key)],
    ['a real A256GCMKW token', () => new EncryptJWT(claims()).setProtectedHeader({ ...header(), alg: 'A256GCMKW' }).encrypt(key)],
    [
      'a real PBES2 token',
      () =>
        new EncryptJWT(claims())
          .setProtectedHeader({ ...header(), alg: 'PBES2-HS256+A128KW' })
          .setKeyManagementParameters({ p2c: 1000, p2s: randomBytes(16) })
          .encrypt(new TextEncoder().encode('hunter2')),
    ],
    ['a real RSA-OAEP token', () => new EncryptJWT(claims()).setProtectedHeader({ ...header(), alg: 'RSA-OAEP' }).encrypt(generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey)],
    ['enc A128GCM', () => forgeCompactJwe({ ...header(), enc: 'A128GCM' }, claims(), key.subarray(0, 16))],
    ['enc A256CBC-HS512', () => forgeCompactJwe({ ...header(), enc: 'A256CBC-HS512' }, claims(), key)],
    ['a real dir + A256CBC-HS512 token', () => new EncryptJWT(claims()).setProtectedHeader({ ...header(), enc: 'A256CBC-HS512' }).encrypt(randomBytes(64))],
    ['kid of another live key of the organization', () => replaceSegment(token, Segment.Header, b64url(JSON.stringify({ ...header(), kid: secondKeyId })))],
    ['a token sealed with key A naming key B', () => forgeCompactJwe({ ...header(), kid: secondKeyId }, claims(), key)],
    ['an unknown kid', () => forgeCompactJwe({ ...header(), kid: generateApiKey().id }, claims(), key)],
    ['a kid that is not an API key id', () => forgeCompactJwe({ ...header(), kid: "' or 1=1 --" }, claims(), key)],
    ['a numeric kid', () => forgeCompactJwe({ ...header(), kid: 42 }, claims(), key)],
    ['typ JWE', () => forgeCompactJwe({ ...header(), typ: 'JWE' }, claims(), key)],
    ['typ missing', () => forgeCompactJwe({ alg: 'dir', enc: 'A256GCM', kid: ctx.apiKeyId }, claims(), key)],
    ['zip DEF in the header', () => forgeCompactJwe({ ...header(), zip: 'DEF' }, claims(), key)],
    ['a real DEF-compressed token sealed with the right key', () => sealWithJose(claims(), { ...header(), zip: 'DEF' })],
    ['crit', () => forgeCompactJwe({ ...header(), crit: ['exp'], exp: nowSeconds() + 60 }, claims(), key)],
    ['an embedded jwk', () => forgeCompactJwe({ ...header(), jwk: { kty: 'oct', k: b64url(key) } }, claims(), key)],
    ['nbf in the future', () => sealWithJose(claims({ nbf: nowSeconds() + 600 }))],
    ['iat in the future', () => sealWithJose(claims({ iat: nowSeconds() + 86400, exp: nowSeconds() + 86400 + 3600 }))],
    ['a lifetime over 24 hours', () => sealWithJose(claims({ exp: nowSeconds() + 86400 + 1 }))],
    ['no exp', () => sealWithJose(without(claims(), 'exp'))],
    ['no iat', () => sealWithJose(without(claims(), 'iat'))],
    ['no jti', () => sealWithJose(without(claims(), 'jti'))],
    ['no sub', () => sealWithJose(without(claims(), 'sub'))],
    ['no org', () => sealWithJose(without(claims(), 'org'))],
    ['a wrong iss', () => sealWithJose(claims({ iss: 'https://another-tc-embed.example' }))],
    ['a wrong aud', () => sealWithJose(claims({ aud: 'another-audience' }))],
    ['an org other than the API key\'s', () => sealWithJose(claims({ org: otherOrgId }))],
    ['a token cut short by one character', () => token.slice(0, -1)],
    ['a token cut in the ciphertext', () => token.slice(0, token.lastIndexOf('.') - 5)],
    ['a token cut after the header', () => token.split('.')[0]!],
    ['1 MB of garbage', () => randomBytes(768 * 1024).toString('base64url')],
    ['a 25 KB token', () => replaceSegment(token, Segment.Ciphertext, 'A'.repeat(25 * 1024))],
    ['padding after the tag', () => `${token}==`],
    ['the tag spelled non-canonically', () => replaceSegment(token, Segment.Tag, nonCanonicalSpelling(token.split('.')[Segment.Tag]!))],
    ['a short (12-byte) tag', () => replaceSegment(token, Segment.Tag, b64url(segmentBytes(token, Segment.Tag).subarray(0, 12)))],
    [RFC7520_5_6_DIR_A128GCM.name, () => RFC7520_5_6_DIR_A128GCM.compact],
    [RFC7520_5_8_A128KW_A128GCM.name, () => RFC7520_5_8_A128KW_A128GCM.compact],
    [RFC7520_5_9_COMPRESSED.name, () => RFC7520_5_9_COMPRESSED.compact],
  ];
  for (const [name, build] of cases) {
    it(`refuses ${name}`, async () => {
      assertRefused(await session(await build()));
    });
  }

  it('refuses whitespace inside the token', async () => {
    const [head, , iv, ciphertext, tag] = token.split('.') as [string, string, string, string, string];
    for (const spaced of [`${head}..${iv}.${ciphertext.slice(0, 8)} ${ciphertext.slice(8)}.${tag}`, `${token} x`, `${head}. .${iv}.${ciphertext}.${tag}`]) {
      assertRefused(await session(spaced));
    }
  });

  it('answers token_expired for a token past its exp (beyond the 5 s tolerance)', async () => {
    const expired = await sealWithJose(claims({ iat: nowSeconds() - 3600, nbf: nowSeconds() - 3600, exp: nowSeconds() - 6 }));
    assertRefused(await session(expired), 'token_expired');
  });

  it('refuses a non-canonical spelling of a token it has already verified and cached', async () => {
    const fresh = await ctx.mint();
    assert.equal((await session(fresh)).statusCode, 200);
    assert.equal((await session(fresh)).statusCode, 200); // now answered from the session cache
    const sameBytes = replaceSegment(fresh, Segment.Tag, nonCanonicalSpelling(fresh.split('.')[Segment.Tag]!));
    assertRefused(await session(sameBytes));
  });

  it('refuses the tokens of a revoked key at once, even ones already in the session cache', async () => {
    const created = await ctx.services.apiKeys.create(ctx.orgId, 'to be revoked');
    const doomed = await ctx.mint(undefined, {}, created.key);
    assert.equal((await session(doomed)).statusCode, 200);
    const revoked = await ctx.inject({ method: 'DELETE', url: `/api/api-keys/${created.id}`, headers: await ctx.adminHeaders() });
    assert.equal(revoked.statusCode, 200, revoked.body);
    assertRefused(await session(doomed));
    // Unknown and revoked keys are alike to the key resolver: nothing is derived or cached for either.
    assert.equal(await ctx.services.apiKeys.tokenKeyFor(created.id), undefined);
    assert.equal(ctx.services.apiKeys.cachedTokenKey(created.id), undefined);
    const unknownId = generateApiKey().id;
    assert.equal(await ctx.services.apiKeys.tokenKeyFor(unknownId), undefined);
    assert.equal(ctx.services.apiKeys.cachedTokenKey(unknownId), undefined);
  });

  it('refuses a missing or malformed Authorization header', async () => {
    assertRefused(await ctx.inject({ method: 'POST', url: '/embed/session', headers: { origin: TEST_ORIGIN } }));
    for (const authorization of [token, `Basic ${token}`, `Bearer  ${token}`, `bearer${token}`, 'Bearer ']) {
      assertRefused(await ctx.inject({ method: 'POST', url: '/embed/session', headers: { authorization, origin: TEST_ORIGIN } }));
    }
  });
});

describe('oversized input at every door', () => {
  let ctx: TestContext;
  /** The app also listens, for the limits only a real HTTP parser enforces. */
  let port: number;
  before(async () => {
    ctx = await createTestContext();
    port = Number(new URL(await ctx.app.listen({ host: '127.0.0.1', port: 0 })).port);
  });
  after(() => ctx.close());

  it('answers a 1 MB Authorization header on a real socket with 431 in the contract shape', async () => {
    const { head, body } = await exchangeUntilClosed(
      port,
      `POST /embed/session HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: ${TEST_ORIGIN}\r\n` +
        `Authorization: Bearer ${'A'.repeat(1024 * 1024)}\r\nContent-Length: 0\r\n\r\n`,
    );
    assert.match(head, /^HTTP\/1\.1 431 /);
    const { error } = JSON.parse(body) as { error: { code: string; message: string } };
    assert.equal(error.code, 'headers_too_large');
    assert.match(error.message, /header/i);
  });

  it('answers a request the HTTP parser cannot read with 400 in the contract shape', async () => {
    const { head, body } = await exchangeUntilClosed(port, 'NOT AN HTTP REQUEST\r\n\r\n');
    assert.match(head, /^HTTP\/1\.1 400 /);
    assert.equal((JSON.parse(body) as { error: { code: string } }).error.code, 'invalid_request');
  });

  it('answers a 1 MB bearer token that got past the HTTP parser with 401', async () => {
    const response = await ctx.inject({
      method: 'POST',
      url: '/embed/session',
      headers: { authorization: `Bearer ${'A'.repeat(1024 * 1024)}`, origin: TEST_ORIGIN },
    });
    assert.equal(response.statusCode, 401);
    assert.equal(response.json().error.code, 'invalid_token');
  });

  it('answers a 1 MB x-api-key with 401 invalid_api_key', async () => {
    const response = await ctx.inject({
      method: 'POST',
      url: '/embed/generate-token',
      headers: { 'x-api-key': `tce_${'A'.repeat(1024 * 1024)}`, 'content-type': 'application/json' },
      payload: { user: { distinctId: 'u', role: 'explorer', attributes: {} } },
    });
    assert.equal(response.statusCode, 401);
    assert.equal(response.json().error.code, 'invalid_api_key');
  });

  it('answers a 17 KB generate-token body with 413 payload_too_large', async () => {
    const payload = JSON.stringify({ user: { distinctId: 'x'.repeat(17 * 1024), role: 'explorer', attributes: {} } });
    assert.ok(payload.length > 17 * 1024);
    const response = await ctx.inject({
      method: 'POST',
      url: '/embed/generate-token',
      headers: { 'x-api-key': ctx.apiKey, 'content-type': 'application/json' },
      payload,
    });
    assert.equal(response.statusCode, 413);
    const body = response.json();
    assert.equal(body.error.code, 'payload_too_large');
    assert.match(body.error.message, /16 KB/);
  });
});
