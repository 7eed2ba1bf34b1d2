import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertContractError } from './helpers/assert-error.ts';
import { mintExpiredToken } from './helpers/expired-token.ts';
import { createTestContext, TEST_ORIGIN, type TestContext, type TestOrg } from './helpers/test-app.ts';

const GLOBEX_ORIGIN = 'https://globex.example.com';

describe('POST /embed/session', () => {
  let ctx: TestContext;
  let globex: TestOrg;
  let admin: Record<string, string>;
  let token: string;

  const session = (headers: Record<string, string | undefined>) => {
    const defined: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers)) if (value !== undefined) defined[name] = value;
    return ctx.inject({ method: 'POST', url: '/embed/session', headers: defined });
  };
  const corsHeaders = (headers: Record<string, unknown>) => Object.keys(headers).filter((name) => name.startsWith('access-control-'));

  before(async () => {
    ctx = await createTestContext();
    globex = await ctx.addOrg('Globex', [GLOBEX_ORIGIN]);
    admin = await ctx.adminHeaders();
    token = await ctx.mint({ distinctId: 'user-123', role: 'explorer', attributes: { region: 'Europe-secret-region', countries: ['FR'] } });
  });
  after(() => ctx.close());

  describe('verified', () => {
    it('answers the contract\'s fields with CORS for the authorized origin', async () => {
      const response = await session({ authorization: `Bearer ${token}`, origin: TEST_ORIGIN });
      assert.equal(response.statusCode, 200, response.body);
      assert.equal(response.headers['access-control-allow-origin'], TEST_ORIGIN);
      assert.match(String(response.headers.vary), /\bOrigin\b/);
      assert.equal(response.headers['cache-control'], 'no-store');
      const body = response.json();
      assert.deepEqual(Object.keys(body).sort(), ['authorizedOrigins', 'expiresAt', 'expiresIn', 'org', 'serverTime', 'user']);
      assert.deepEqual(body.org, { id: ctx.orgId, name: 'Acme' });
      assert.deepEqual(Object.keys(body.user).sort(), ['distinctId', 'permissions', 'role']);
      assert.equal(body.user.distinctId, 'user-123');
      assert.ok(Math.abs(Date.parse(body.serverTime) - Date.now()) < 5000);
    });

    it('never contains the token\'s attributes', async () => {
      const response = await session({ authorization: `Bearer ${token}`, origin: TEST_ORIGIN });
      assert.equal(response.statusCode, 200);
      assert.doesNotMatch(response.body, /attributes/);
      assert.doesNotMatch(response.body, /Europe-secret-region/);
      assert.doesNotMatch(response.body, /"FR"/);
    });

    it('serves a second call with the same token from the session cache', async () => {
      const fresh = await ctx.mint({ distinctId: 'cache-user', role: 'explorer', attributes: {} });
      const first = await session({ authorization: `Bearer ${fresh}`, origin: TEST_ORIGIN });
      assert.equal(first.statusCode, 200);
      const hitsBefore = ctx.services.sessions.hits;
      const second = await session({ authorization: `Bearer ${fresh}`, origin: TEST_ORIGIN });
      assert.equal(second.statusCode, 200);
      assert.equal(ctx.services.sessions.hits, hitsBefore + 1);
      assert.equal(second.json().user.distinctId, 'cache-user');
    });

    it('accepts the auth scheme in any case (RFC 9110)', async () => {
      const response = await session({ authorization: `bearer ${token}`, origin: TEST_ORIGIN });
      assert.equal(response.statusCode, 200, response.body);
    });
  });

  describe('refused', () => {
    it('refuses a missing Authorization header with 401 invalid_token', async () => {
      const response = await session({ origin: TEST_ORIGIN });
      assertContractError(response, { status: 401, code: 'invalid_token', field: 'Authorization', details: false });
    });

    it('refuses a malformed bearer with 401 invalid_token', async () => {
      for (const authorization of [token, `Token ${token}`, 'Bearer', 'Bearer ', `Bearer ${token} extra`, `Bearer  ${token}`, `Basic ${Buffer.from('a:b').toString('base64')}`]) {
        assertContractError(await session({ authorization, origin: TEST_ORIGIN }), { status: 401, code: 'invalid_token', field: 'Authorization', details: false });
      }
    });

    it('refuses a token that is not ours, or altered, with 401 invalid_token', async () => {
      const parts = token.split('.');
      const tag = parts[4]!;
      parts[4] = (tag[0] === 'A' ? 'B' : 'A') + tag.slice(1);
      for (const bad of ['abc.def.ghi', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln', parts.join('.'), `${token}=`]) {
        assertContractError(await session({ authorization: `Bearer ${bad}`, origin: TEST_ORIGIN }), { status: 401, code: 'invalid_token' });
      }
    });

    it('refuses an expired token with 401 token_expired', async () => {
      const expired = await mintExpiredToken(ctx);
      const body = assertContractError(await session({ authorization: `Bearer ${expired}`, origin: TEST_ORIGIN }), {
        status: 401,
        code: 'token_expired',
      });
      assert.match(body.error.message, /expired/);
    });

    it('refuses an origin the organization did not authorize with 403 and no CORS', async () => {
      for (const origin of ['https://evil.example.com', 'https://app.example.com.evil.com', 'http://app.example.com', 'https://app.example.com:8443']) {
        const response = await session({ authorization: `Bearer ${token}`, origin });
        assertContractError(response, { status: 403, code: 'origin_not_authorized', mentions: /Authorized origins/ });
        assert.deepEqual(corsHeaders(response.headers), [], origin);
      }
    });

    it('refuses spellings of the authorized origin that a browser would never send', async () => {
      for (const origin of [`${TEST_ORIGIN}/`, TEST_ORIGIN.toUpperCase(), `${TEST_ORIGIN}:443`, ` ${TEST_ORIGIN}`]) {
        assertContractError(await session({ authorization: `Bearer ${token}`, origin }), { status: 403, code: 'origin_not_authorized' });
      }
    });

    it('refuses Origin: null and a missing Origin', async () => {
      const nullOrigin = await session({ authorization: `Bearer ${token}`, origin: 'null' });
      assertContractError(nullOrigin, { status: 403, code: 'origin_not_authorized', mentions: /"null"/ });
      assert.deepEqual(corsHeaders(nullOrigin.headers), []);
      const missing = await session({ authorization: `Bearer ${token}` });
      assertContractError(missing, { status: 403, code: 'origin_not_authorized', mentions: /no Origin header/ });
    });

    it('refuses a token of one organization from an origin authorized only for another', async () => {
      const response = await session({ authorization: `Bearer ${token}`, origin: GLOBEX_ORIGIN });
      assertContractError(response, { status: 403, code: 'origin_not_authorized' });
      const globexToken = await ctx.mint(undefined, {}, globex.apiKey);
      const ok = await session({ authorization: `Bearer ${globexToken}`, origin: GLOBEX_ORIGIN });
      assert.equal(ok.statusCode, 200, ok.body);
      assert.equal(ok.json().org.id, globex.orgId);
      const wrongWay = await session({ authorization: `Bearer ${globexToken}`, origin: TEST_ORIGIN });
      assertContractError(wrongWay, { status: 403, code: 'origin_not_authorized' });
    });

    it('lets an authorized page read why it was refused: CORS on the error for an authorized origin', async () => {
      const expired = await mintExpiredToken(ctx);
      const response = await session({ authorization: `Bearer ${expired}`, origin: TEST_ORIGIN });
      assert.equal(response.statusCode, 401);
      assert.equal(response.headers['access-control-allow-origin'], TEST_ORIGIN);
      assert.match(String(response.headers.vary), /\bOrigin\b/);
    });
  });

  describe('CORS preflight', () => {
    const preflight = (origin: string | undefined) =>
      ctx.inject({
        method: 'OPTIONS',
        url: '/embed/session',
        headers: {
          ...(origin === undefined ? {} : { origin }),
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization,content-type',
        },
      });

    it('answers an authorized origin with that origin, never *', async () => {
      for (const origin of [TEST_ORIGIN, GLOBEX_ORIGIN]) {
        const response = await preflight(origin);
        assert.equal(response.statusCode, 204);
        assert.equal(response.headers['access-control-allow-origin'], origin);
        assert.match(String(response.headers.vary), /\bOrigin\b/);
        assert.match(String(response.headers['access-control-allow-headers']), /authorization/i);
        assert.match(String(response.headers['access-control-allow-methods']), /POST/);
      }
    });

    it('answers an unauthorized origin, null or none without any Access-Control-Allow-Origin', async () => {
      for (const origin of ['https://evil.example.com', 'null', undefined, `${TEST_ORIGIN}/`]) {
        const response = await preflight(origin);
        assert.equal(response.headers['access-control-allow-origin'], undefined, String(origin));
        assert.match(String(response.headers.vary), /\bOrigin\b/);
      }
    });
  });

  describe('changes take effect on the very next call', () => {
    it('revoking the key through DELETE /api/api-keys/:id refuses its cached token at once', async () => {
      const created = await ctx.inject({ method: 'POST', url: '/api/api-keys', headers: admin, payload: { name: 'to revoke' } });
      assert.equal(created.statusCode, 201, created.body);
      const { id, key } = created.json();
      const revocable = await ctx.mint(undefined, {}, key);
      for (let i = 0; i < 2; i++) {
        assert.equal((await session({ authorization: `Bearer ${revocable}`, origin: TEST_ORIGIN })).statusCode, 200);
      }
      const revoked = await ctx.inject({ method: 'DELETE', url: `/api/api-keys/${id}`, headers: admin });
      assert.equal(revoked.statusCode, 200, revoked.body);
      assert.ok(revoked.json().revokedAt);
      const refused = await session({ authorization: `Bearer ${revocable}`, origin: TEST_ORIGIN });
      assertContractError(refused, { status: 401, code: 'invalid_token', mentions: /revoked/ });
      // Other keys' tokens are untouched.
      assert.equal((await session({ authorization: `Bearer ${token}`, origin: TEST_ORIGIN })).statusCode, 200);
    });

    it('removing an origin through the admin API refuses it at once', async () => {
      const extra = 'https://reports.acme.example';
      const added = await ctx.inject({ method: 'POST', url: '/api/origins', headers: admin, payload: { origin: extra } });
      assert.equal(added.statusCode, 201, added.body);
      for (let i = 0; i < 2; i++) {
        assert.equal((await session({ authorization: `Bearer ${token}`, origin: extra })).statusCode, 200);
      }
      const removed = await ctx.inject({ method: 'DELETE', url: `/api/origins?origin=${encodeURIComponent(extra)}`, headers: admin });
      assert.equal(removed.statusCode, 200, removed.body);
      assertContractError(await session({ authorization: `Bearer ${token}`, origin: extra }), { status: 403, code: 'origin_not_authorized' });
      const preflightAfter = await ctx.inject({
        method: 'OPTIONS',
        url: '/embed/session',
        headers: { origin: extra, 'access-control-request-method': 'POST' },
      });
      assert.equal(preflightAfter.headers['access-control-allow-origin'], undefined);
      assert.equal((await session({ authorization: `Bearer ${token}`, origin: TEST_ORIGIN })).statusCode, 200);
    });
  });
});
