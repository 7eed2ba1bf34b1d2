import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { assertContractError } from './helpers/assert-error.ts';
import { mintExpiredToken } from './helpers/expired-token.ts';
import { concreteUrl, registeredRoutes } from './helpers/routes.ts';
import { createTestContext, TEST_ORIGIN, type TestContext, type TestOrg } from './helpers/test-app.ts';

const PUBLIC_API_ROUTES = new Set(['POST /api/auth/login']);
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

describe('admin API (/api)', () => {
  let ctx: TestContext;
  let globex: TestOrg;
  let admin: Record<string, string>;
  let apiRoutes: { method: string; path: string }[];

  const api = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown, headers: Record<string, string> = admin) =>
    ctx.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }) });

  before(async () => {
    ctx = await createTestContext();
    globex = await ctx.addOrg('Globex', ['https://globex.example.com']);
    admin = await ctx.adminHeaders();
    apiRoutes = registeredRoutes(ctx.app).filter(
      (route) => route.path.startsWith('/api/') && route.method !== 'HEAD' && !PUBLIC_API_ROUTES.has(`${route.method} ${route.path}`),
    );
  });
  after(() => ctx.close());

  describe('authentication', () => {
    it('finds the admin routes to check', () => {
      for (const expected of ['GET /api/api-keys', 'POST /api/api-keys', 'DELETE /api/api-keys/:id', 'POST /api/tokens/introspect', 'GET /api/audit']) {
        assert.ok(apiRoutes.some((route) => `${route.method} ${route.path}` === expected), expected);
      }
    });

    it('refuses every /api route without a session with 401 unauthenticated', async () => {
      for (const route of apiRoutes) {
        for (const headers of [{}, { cookie: 'tc_admin=forged-session-id' }, { cookie: `tc_admin=${'x'.repeat(500)}` }]) {
          const response = await ctx.inject({
            method: route.method as 'GET',
            url: concreteUrl(route.path),
            headers: { ...headers, 'x-csrf-token': admin['x-csrf-token']! },
            ...(route.method === 'GET' ? {} : { payload: {} }),
          });
          assertContractError(response, { status: 401, code: 'unauthenticated', mentions: /[Ss]ign in/ });
        }
      }
    });

    it('refuses every state-changing /api route without the right x-csrf-token with 403', async () => {
      const cookieOnly = { cookie: admin.cookie! };
      for (const route of apiRoutes.filter((r) => STATE_CHANGING.has(r.method))) {
        for (const headers of [cookieOnly, { ...cookieOnly, 'x-csrf-token': 'wrong' }, { ...cookieOnly, 'x-csrf-token': '' }]) {
          const response = await ctx.inject({ method: route.method as 'POST', url: concreteUrl(route.path), headers, payload: {} });
          assertContractError(response, { status: 403, code: 'forbidden', mentions: /x-csrf-token/ });
        }
      }
    });

    it('changes nothing when the CSRF check fails', async () => {
      const before = (await api('GET', '/api/api-keys')).json().apiKeys.length;
      const refused = await api('POST', '/api/api-keys', { name: 'csrf' }, { cookie: admin.cookie! });
      assert.equal(refused.statusCode, 403);
      assert.equal((await api('GET', '/api/api-keys')).json().apiKeys.length, before);
    });

    it('signs in with an HttpOnly, SameSite=Strict cookie and refuses wrong credentials', async () => {
      const ok = await api('POST', '/api/auth/login', { email: ctx.config.adminEmail, password: ctx.config.adminPassword }, {});
      assert.equal(ok.statusCode, 200);
      const setCookie = String(ok.headers['set-cookie']);
      assert.match(setCookie, /HttpOnly/i);
      assert.match(setCookie, /SameSite=Strict/i);
      assert.equal(typeof ok.json().csrfToken, 'string');
      assert.equal(ok.json().password, undefined);

      const wrong = await api('POST', '/api/auth/login', { email: ctx.config.adminEmail, password: 'not the password' }, {});
      assertContractError(wrong, { status: 401, code: 'unauthenticated' });
      const unknown = await api('POST', '/api/auth/login', { email: 'nobody@example.com', password: 'whatever it is' }, {});
      assert.equal(unknown.body, wrong.body, 'an unknown email answers like a wrong password');
      assertContractError(await api('POST', '/api/auth/login', { password: 'x' }, {}), { status: 400, code: 'invalid_request', field: 'email' });
      assertContractError(await api('POST', '/api/auth/login', { email: 'a@example.com' }, {}), { status: 400, code: 'invalid_request', field: 'password' });
    });

    it('backs off after repeated failed sign-ins: 429 with Retry-After, even for the right password', async () => {
      const email = 'locked@example.com';
      const password = 'the right password 123';
      await ctx.services.adminAuth.createUser(ctx.orgId, email, password);
      let response;
      for (let attempt = 0; attempt < 10; attempt++) {
        response = await api('POST', '/api/auth/login', { email, password: `wrong ${attempt}` }, {});
        if (response.statusCode === 429) break;
        assert.equal(response.statusCode, 401);
      }
      assertContractError(response!, { status: 429, code: 'rate_limited' });
      const right = await api('POST', '/api/auth/login', { email, password }, {});
      const body = assertContractError(right, { status: 429, code: 'rate_limited', mentions: /try again/ });
      const retryAfter = Number(right.headers['retry-after']);
      assert.ok(Number.isInteger(retryAfter) && retryAfter > 0 && retryAfter <= 900, `Retry-After: ${right.headers['retry-after']}`);
      assert.match(body.error.message, new RegExp(String(retryAfter)));
      // Another account is not locked out by it.
      assert.equal((await api('POST', '/api/auth/login', { email: ctx.config.adminEmail, password: ctx.config.adminPassword }, {})).statusCode, 200);
    });

    it('signs out: the session cookie stops working at once', async () => {
      const session = await ctx.adminHeaders();
      assert.equal((await api('GET', '/api/auth/me', undefined, session)).statusCode, 200);
      assert.equal((await api('POST', '/api/auth/logout', {}, session)).statusCode, 200);
      assertContractError(await api('GET', '/api/auth/me', undefined, session), { status: 401, code: 'unauthenticated' });
    });
  });

  describe('API keys', () => {
    it('shows the whole key once, at creation, and only prefix and last four in the list', async () => {
      const created = await api('POST', '/api/api-keys', { name: 'Production backend' });
      assert.equal(created.statusCode, 201, created.body);
      assert.equal(created.headers['cache-control'], 'no-store');
      const key = created.json();
      assert.match(key.key, /^tce_[0-9A-Za-z]{12}_[0-9A-Za-z]{49}$/);
      assert.equal(key.name, 'Production backend');
      assert.ok(key.key.startsWith(key.prefix));
      assert.equal(key.lastFour, key.key.slice(-4));

      const listed = await api('GET', '/api/api-keys');
      assert.equal(listed.statusCode, 200);
      assert.ok(!listed.body.includes(key.key), 'the whole key appears in the list');
      const secret = key.key.slice(key.prefix.length + 1);
      assert.ok(!listed.body.includes(secret.slice(0, 20)), 'the secret appears in the list');
      const entry = listed.json().apiKeys.find((item: { id: string }) => item.id === key.id);
      assert.deepEqual(Object.keys(entry).sort(), ['createdAt', 'id', 'lastFour', 'lastUsedAt', 'name', 'prefix', 'revokedAt']);
      assert.equal(entry.prefix, key.prefix);
      assert.equal(entry.lastFour, key.lastFour);
      assert.equal(entry.lastUsedAt, null);
      assert.equal(entry.revokedAt, null);
      assert.ok(!Number.isNaN(Date.parse(entry.createdAt)));
    });

    it('records when a key was last used', async () => {
      const key = (await api('POST', '/api/api-keys', { name: 'used' })).json();
      await ctx.mint(undefined, {}, key.key);
      let lastUsedAt = null;
      for (let i = 0; i < 50 && !lastUsedAt; i++) {
        await sleep(20);
        lastUsedAt = (await api('GET', '/api/api-keys')).json().apiKeys.find((item: { id: string }) => item.id === key.id).lastUsedAt;
      }
      assert.ok(lastUsedAt && Math.abs(Date.parse(lastUsedAt) - Date.now()) < 10_000, `lastUsedAt ${lastUsedAt}`);
    });

    it('revokes at once and shows the revocation in the list', async () => {
      const key = (await api('POST', '/api/api-keys', { name: 'to revoke' })).json();
      await ctx.mint(undefined, {}, key.key);
      const revoked = await api('DELETE', `/api/api-keys/${key.id}`);
      assert.equal(revoked.statusCode, 200);
      assert.ok(!revoked.body.includes(key.key));
      await assert.rejects(ctx.mint(undefined, {}, key.key), /401/);
      const entry = (await api('GET', '/api/api-keys')).json().apiKeys.find((item: { id: string }) => item.id === key.id);
      assert.ok(entry.revokedAt);
    });

    it('cannot see or revoke another organization\'s key', async () => {
      const listed = await api('GET', '/api/api-keys');
      assert.ok(!listed.json().apiKeys.some((item: { id: string }) => item.id === globex.apiKeyId));
      assertContractError(await api('DELETE', `/api/api-keys/${globex.apiKeyId}`), { status: 404, code: 'not_found' });
      assert.ok(await ctx.mint(undefined, {}, globex.apiKey), 'the other organization\'s key still works');
      assertContractError(await api('DELETE', '/api/api-keys/not-an-id'), { status: 404, code: 'not_found' });
    });

    it('requires a name of at most 100 characters', async () => {
      for (const payload of [{}, { name: '' }, { name: '   ' }, { name: 42 }]) {
        assertContractError(await api('POST', '/api/api-keys', payload), { status: 400, code: 'invalid_request', field: 'name' });
      }
      assertContractError(await api('POST', '/api/api-keys', { name: 'n'.repeat(101) }), { status: 400, code: 'invalid_request', field: 'name' });
    });
  });

  describe('authorized origins', () => {
    it('stores the normalised origin and shows it', async () => {
      const cases: [string, string][] = [
        ['HTTPS://App.Example.ORG:443/', 'https://app.example.org'],
        ['http://localhost:3001', 'http://localhost:3001'],
        ['https://bücher.example', 'https://xn--bcher-kva.example'],
        ['https://*.Example.net', 'https://*.example.net'],
      ];
      for (const [input, normalised] of cases) {
        const response = await api('POST', '/api/origins', { origin: input });
        assert.equal(response.statusCode, 201, response.body);
        assert.equal(response.json().origin, normalised);
        assert.equal(response.json().normalizedFrom, input);
      }
      const listed = (await api('GET', '/api/origins')).json().origins.map((entry: { origin: string }) => entry.origin);
      for (const [, normalised] of cases) assert.ok(listed.includes(normalised), normalised);
      assert.ok(!listed.includes('HTTPS://App.Example.ORG:443/'));
    });

    it('explains why an origin is refused', async () => {
      const cases: [unknown, RegExp][] = [
        ['https://app.example.com/dashboard', /no path: use https:\/\/app\.example\.com/],
        ['app.example.com', /http:\/\/ or https:\/\//],
        ['ftp://files.example.com', /http and https/],
        ['null', /cannot be authorized/],
        ['*', /cannot be authorized/],
        ['https://user:secret@app.example.com', /user name or password/],
        ['https://app.example.com?x=1', /query/],
        ['https://app.example.com#top', /fragment/],
        ['https://*.com', /registrable domain/],
        ['https://app.*.example.com', /first label/],
        ['', /required/],
        [42, /string/],
      ];
      for (const [origin, explanation] of cases) {
        const response = await api('POST', '/api/origins', { origin });
        assertContractError(response, { status: 400, code: 'invalid_request', field: 'origin', mentions: explanation });
      }
      const listed = (await api('GET', '/api/origins')).body;
      assert.ok(!listed.includes('dashboard') && !listed.includes('secret'));
    });

    it('removes by any spelling of the origin, 404 for one that is not there, 400 without one', async () => {
      await api('POST', '/api/origins', { origin: 'https://remove-me.example.com' });
      const removed = await api('DELETE', `/api/origins?origin=${encodeURIComponent('HTTPS://Remove-Me.example.com:443')}`);
      assert.equal(removed.statusCode, 200, removed.body);
      assertContractError(await api('DELETE', `/api/origins?origin=${encodeURIComponent('https://remove-me.example.com')}`), { status: 404, code: 'not_found' });
      assertContractError(await api('DELETE', '/api/origins'), { status: 400, code: 'invalid_request', field: 'origin' });
      // Another organization's origin is not ours to remove.
      assertContractError(await api('DELETE', `/api/origins?origin=${encodeURIComponent('https://globex.example.com')}`), { status: 404, code: 'not_found' });
    });
  });

  describe('token attributes', () => {
    it('lists the default identity fields and the custom attributes', async () => {
      const body = (await api('GET', '/api/attributes')).json();
      assert.deepEqual(body.defaults.map((field: { name: string }) => field.name), ['distinctId', 'role']);
      assert.deepEqual(body.attributes.map((a: { name: string }) => a.name).sort(), ['beta', 'countries', 'level', 'region', 'since']);
    });

    it('adds a typed attribute that generate-token then accepts', async () => {
      const added = await api('POST', '/api/attributes', { name: 'department', type: 'string', description: 'Team' });
      assert.equal(added.statusCode, 201, added.body);
      assert.equal(added.json().type, 'string');
      assert.ok(await ctx.mint({ distinctId: 'u', role: 'explorer', attributes: { department: 'Sales' } }));
    });

    it('refuses reserved names', async () => {
      for (const name of ['distinctId', 'role', 'org', 'permissions', '__proto__', 'constructor']) {
        assertContractError(await api('POST', '/api/attributes', { name, type: 'string' }), {
          status: 400,
          code: 'invalid_request',
          field: 'name',
          details: true,
          mentions: /reserved/,
        });
      }
    });

    it('refuses a duplicate with 409', async () => {
      const body = assertContractError(await api('POST', '/api/attributes', { name: 'region', type: 'number' }), {
        status: 409,
        code: 'conflict',
        mentions: /"region" already exists/,
      });
      assert.equal(body.error.details?.[0]?.field, 'name');
    });

    it('refuses bad names and types, naming the field', async () => {
      assertContractError(await api('POST', '/api/attributes', { name: '1st', type: 'string' }), { status: 400, code: 'invalid_request', field: 'name', details: true });
      assertContractError(await api('POST', '/api/attributes', { name: 'a-b', type: 'string' }), { status: 400, code: 'invalid_request', field: 'name', details: true });
      assertContractError(await api('POST', '/api/attributes', { name: 'tier', type: 'integer' }), { status: 400, code: 'invalid_request', field: 'type' });
      assertContractError(await api('POST', '/api/attributes', { name: 'tier' }), { status: 400, code: 'invalid_request', field: 'type' });
    });

    it('removes an attribute, after which generate-token refuses it', async () => {
      await api('POST', '/api/attributes', { name: 'temporary', type: 'boolean' });
      assert.ok(await ctx.mint({ distinctId: 'u', role: 'explorer', attributes: { temporary: true } }));
      assert.equal((await api('DELETE', '/api/attributes/temporary')).statusCode, 200);
      await assert.rejects(ctx.mint({ distinctId: 'u', role: 'explorer', attributes: { temporary: true } }), /user\.attributes\.temporary/);
      assertContractError(await api('DELETE', '/api/attributes/temporary'), { status: 404, code: 'not_found' });
    });
  });

  describe('token sandbox and introspection', () => {
    it('generates a one-hour token from a pasted API key', async () => {
      const response = await api('POST', '/api/tokens/sandbox', {
        apiKey: ctx.apiKey,
        user: { distinctId: 'sandbox-user', role: 'explorer', attributes: { region: 'Europe' } },
      });
      assert.equal(response.statusCode, 200, response.body);
      assert.equal(response.json().expiresIn, '1h');
      const session = await ctx.inject({
        method: 'POST',
        url: '/embed/session',
        headers: { authorization: `Bearer ${response.json().token}`, origin: TEST_ORIGIN },
      });
      assert.equal(session.statusCode, 200);
    });

    it('refuses a sandbox key that is missing, invalid or another organization\'s', async () => {
      const user = { distinctId: 'u', role: 'explorer', attributes: {} };
      assertContractError(await api('POST', '/api/tokens/sandbox', { user }), { status: 401, code: 'missing_api_key', field: 'apiKey' });
      assertContractError(await api('POST', '/api/tokens/sandbox', { apiKey: 'nope', user }), { status: 401, code: 'invalid_api_key' });
      assertContractError(await api('POST', '/api/tokens/sandbox', { apiKey: globex.apiKey, user }), { status: 401, code: 'invalid_api_key' });
    });

    it('shows an own token\'s claims and expiry', async () => {
      const token = await ctx.mint({ distinctId: 'intro-user', role: 'explorer', attributes: { region: 'Europe', level: 2 } });
      const response = await api('POST', '/api/tokens/introspect', { token });
      assert.equal(response.statusCode, 200);
      const body = response.json();
      assert.equal(body.valid, true);
      assert.equal(body.kid, ctx.apiKeyId);
      assert.equal(body.claims.distinctId, 'intro-user');
      assert.deepEqual(body.claims.attributes, { region: 'Europe', level: 2 });
      assert.ok(body.claims.expiresInSeconds > 3590 && body.claims.expiresInSeconds <= 3600);
      assert.ok(Date.parse(body.claims.expiresAt) > Date.now());
    });

    it('does not reveal the claims of another organization\'s token', async () => {
      const token = await ctx.mint({ distinctId: 'globex-secret-user', role: 'explorer', attributes: { region: 'Globex-secret-region' } }, {}, globex.apiKey);
      const expired = await mintExpiredToken(ctx, { apiKeyId: globex.apiKeyId, distinctId: 'globex-expired-user', attributes: { region: 'Globex-old-region' } });
      for (const foreign of [token, expired]) {
        const response = await api('POST', '/api/tokens/introspect', { token: foreign });
        assert.equal(response.statusCode, 200);
        assert.equal(response.json().valid, false);
        assert.equal(response.json().reason, 'other_organization');
        assert.equal(response.json().claims, undefined);
        assert.doesNotMatch(response.body, /globex-secret-user|Globex-secret-region|globex-expired-user|Globex-old-region/);
      }
    });

    it('shows an expired token\'s claims with valid:false and reason expired', async () => {
      const expired = await mintExpiredToken(ctx, { distinctId: 'expired-user', attributes: { region: 'North' } });
      const body = (await api('POST', '/api/tokens/introspect', { token: expired })).json();
      assert.equal(body.valid, false);
      assert.equal(body.reason, 'expired');
      assert.equal(body.claims.distinctId, 'expired-user');
      assert.deepEqual(body.claims.attributes, { region: 'North' });
      assert.ok(Date.parse(body.claims.expiresAt) < Date.now());
      assert.equal(body.claims.expiresInSeconds, 0);
    });

    it('explains a token it cannot read, and requires one', async () => {
      const body = (await api('POST', '/api/tokens/introspect', { token: 'not-a-token' })).json();
      assert.equal(body.valid, false);
      assert.equal(typeof body.message, 'string');
      assert.equal(body.claims, undefined);
      assertContractError(await api('POST', '/api/tokens/introspect', {}), { status: 400, code: 'invalid_request', field: 'token' });
    });
  });
});
