import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { generateApiKey } from '../src/apikeys/format.ts';
import { assertContractError } from './helpers/assert-error.ts';
import { createTestContext, TEST_ORIGIN, type TestContext, type TestOrg } from './helpers/test-app.ts';

const SEED_USER = { distinctId: 'user-123', role: 'explorer', attributes: {} };

describe('POST /embed/generate-token: every bad input gets its status and names the field', () => {
  let ctx: TestContext;
  let other: TestOrg;

  /** The seed's request with `body` (an object is sent as JSON, a string as is) and header overrides. */
  const generate = (body: unknown, headers: Record<string, string | string[] | undefined> = {}) => {
    const merged: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries({ 'x-api-key': ctx.apiKey, 'content-type': 'application/json', ...headers })) {
      if (value !== undefined) merged[name] = value;
    }
    return ctx.inject({
      method: 'POST',
      url: '/embed/generate-token',
      headers: merged,
      payload: typeof body === 'string' ? body : JSON.stringify(body),
    });
  };
  const withUser = (user: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    generate({ user: { ...SEED_USER, ...user }, ...extra });

  before(async () => {
    ctx = await createTestContext();
    other = await ctx.addOrg('Globex');
    // Registered for Acme only: Globex's key must not be able to use it.
    await ctx.services.attributes.add(ctx.orgId, { name: 'department', type: 'string' });
  });
  after(() => ctx.close());

  describe('the API key', () => {
    it('refuses a request without x-api-key with 401 missing_api_key', async () => {
      const response = await generate({ user: SEED_USER }, { 'x-api-key': undefined });
      assertContractError(response, { status: 401, code: 'missing_api_key', field: 'x-api-key', details: false });
      assert.equal(response.headers['cache-control'], 'no-store');
    });

    it('refuses an empty x-api-key as missing', async () => {
      assertContractError(await generate({ user: SEED_USER }, { 'x-api-key': '' }), {
        status: 401,
        code: 'missing_api_key',
        field: 'x-api-key',
        details: false,
      });
    });

    it('checks the key before reading the body: no key and a broken body is still 401', async () => {
      assertContractError(await generate('{not json', { 'x-api-key': undefined }), { status: 401, code: 'missing_api_key' });
      assertContractError(await generate('user=1', { 'x-api-key': undefined, 'content-type': 'text/plain' }), {
        status: 401,
        code: 'missing_api_key',
      });
    });

    it('refuses something that is not an API key with 401 invalid_api_key', async () => {
      assertContractError(await generate({ user: SEED_USER }, { 'x-api-key': 'sk_live_123' }), {
        status: 401,
        code: 'invalid_api_key',
        field: 'x-api-key',
        details: false,
      });
    });

    it('refuses a key whose checksum does not match (a typo) exactly like an unknown key', async () => {
      const last = ctx.apiKey.at(-1)!;
      const typo = ctx.apiKey.slice(0, -1) + (last === 'a' ? 'b' : 'a');
      const typoResponse = await generate({ user: SEED_USER }, { 'x-api-key': typo });
      const unknownResponse = await generate({ user: SEED_USER }, { 'x-api-key': generateApiKey().key });
      assertContractError(typoResponse, { status: 401, code: 'invalid_api_key', field: 'x-api-key', details: false });
      assertContractError(unknownResponse, { status: 401, code: 'invalid_api_key', field: 'x-api-key', details: false });
      assert.equal(typoResponse.body, unknownResponse.body);
    });

    it('answers a revoked key exactly like an unknown one', async () => {
      const created = await ctx.services.apiKeys.create(ctx.orgId, 'soon revoked');
      assert.equal((await generate({ user: SEED_USER }, { 'x-api-key': created.key })).statusCode, 200);
      await ctx.services.apiKeys.revoke(ctx.orgId, created.id);
      const revoked = await generate({ user: SEED_USER }, { 'x-api-key': created.key });
      const unknown = await generate({ user: SEED_USER }, { 'x-api-key': generateApiKey().key });
      assertContractError(revoked, { status: 401, code: 'invalid_api_key' });
      assert.equal(revoked.statusCode, unknown.statusCode);
      assert.equal(revoked.body, unknown.body);
    });

    it('refuses x-api-key sent twice, even when both copies are the valid key', async () => {
      for (const value of [[ctx.apiKey, ctx.apiKey], [ctx.apiKey, 'other'], `${ctx.apiKey}, ${ctx.apiKey}`]) {
        const response = await generate({ user: SEED_USER }, { 'x-api-key': value });
        assertContractError(response, { status: 400, code: 'invalid_request', field: 'x-api-key', mentions: /once/ });
      }
    });

    it('accepts a key with surrounding whitespace (a pasted value)', async () => {
      assert.equal((await generate({ user: SEED_USER }, { 'x-api-key': ` ${ctx.apiKey} ` })).statusCode, 200);
    });
  });

  describe('the body as a whole', () => {
    it('refuses a Content-Type other than application/json with 415', async () => {
      for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
        const response = await generate(JSON.stringify({ user: SEED_USER }), { 'content-type': contentType });
        assertContractError(response, { status: 415, code: 'unsupported_media_type', field: 'Content-Type', details: false });
      }
    });

    it('refuses a missing Content-Type with 415', async () => {
      const response = await generate(JSON.stringify({ user: SEED_USER }), { 'content-type': undefined });
      assertContractError(response, { status: 415, code: 'unsupported_media_type', field: 'Content-Type', details: false });
    });

    it('accepts application/json with a charset', async () => {
      const response = await generate({ user: SEED_USER }, { 'content-type': 'application/json; charset=utf-8' });
      assert.equal(response.statusCode, 200, response.body);
    });

    it('refuses a body that is not JSON, an empty body and JSON that is not an object', async () => {
      for (const body of ['{"user": ', 'null', '[]', '"user"', '42']) {
        assertContractError(await generate(body), { status: 400, code: 'invalid_request', field: 'body', details: true });
      }
      assertContractError(await generate(''), { status: 400, code: 'invalid_request', field: 'body' });
    });

    it('refuses a body over 16 KB with 413', async () => {
      const response = await withUser({ attributes: { region: 'x'.repeat(17 * 1024) } });
      assertContractError(response, { status: 413, code: 'payload_too_large', mentions: /16 KB/ });
    });

    it('refuses __proto__ keys (prototype pollution) as a bad body', async () => {
      const response = await generate('{"user":{"distinctId":"u","role":"explorer","attributes":{"__proto__":{"region":"x"}}}}');
      assertContractError(response, { status: 400, code: 'invalid_request' });
    });

    it('names an unknown top-level field', async () => {
      const response = await generate({ user: SEED_USER, org: 'globex' });
      assertContractError(response, { status: 400, code: 'invalid_request', field: 'org' });
    });
  });

  describe('user', () => {
    it('requires user', async () => {
      assertContractError(await generate({}), { status: 400, code: 'invalid_request', field: 'user' });
      assertContractError(await generate({ expiresIn: '1h' }), { status: 400, code: 'invalid_request', field: 'user' });
    });

    it('requires user to be an object', async () => {
      for (const user of ['user-123', 42, [SEED_USER], null]) {
        assertContractError(await generate({ user }), { status: 400, code: 'invalid_request', field: 'user' });
      }
    });

    it('requires distinctId, role and attributes, each naming itself', async () => {
      for (const field of ['distinctId', 'role', 'attributes'] as const) {
        const user: Record<string, unknown> = { ...SEED_USER };
        delete user[field];
        const body = assertContractError(await generate({ user }), { status: 400, code: 'invalid_request', field: `user.${field}` });
        assert.match(body.error.message, /required/);
      }
    });

    it('refuses wrong types for distinctId, role and attributes', async () => {
      const cases: [Record<string, unknown>, string][] = [
        [{ distinctId: 123 }, 'user.distinctId'],
        [{ distinctId: '' }, 'user.distinctId'],
        [{ distinctId: '   ' }, 'user.distinctId'],
        [{ distinctId: 'x'.repeat(257) }, 'user.distinctId'],
        [{ distinctId: null }, 'user.distinctId'],
        [{ role: 5 }, 'user.role'],
        [{ role: ['explorer'] }, 'user.role'],
        [{ attributes: [] }, 'user.attributes'],
        [{ attributes: 'region=EU' }, 'user.attributes'],
        [{ attributes: null }, 'user.attributes'],
      ];
      for (const [user, field] of cases) {
        assertContractError(await withUser(user), { status: 400, code: 'invalid_request', field });
      }
    });

    it('refuses any role but explorer with 400 unsupported_role', async () => {
      for (const role of ['admin', 'Explorer', 'viewer', '']) {
        const body = assertContractError(await withUser({ role }), { status: 400, code: 'unsupported_role', field: 'user.role' });
        assert.match(body.error.message, /explorer/);
      }
    });

    it('names an unknown user field and says where custom values go', async () => {
      const response = await withUser({ email: 'a@example.com' });
      assertContractError(response, { status: 400, code: 'invalid_request', field: 'user.email', mentions: /attributes/ });
    });
  });

  describe('user.attributes', () => {
    it('accepts every registered type with a value of that type', async () => {
      const response = await withUser({
        attributes: { region: 'Europe', level: 3, beta: false, since: '2025-06-30', countries: ['FR', 'DE'] },
      });
      assert.equal(response.statusCode, 200, response.body);
      const introspected = await ctx.services.tokens.introspect(response.json().token);
      assert.deepEqual(introspected.claims?.attributes, {
        region: 'Europe',
        level: 3,
        beta: false,
        since: '2025-06-30',
        countries: ['FR', 'DE'],
      });
    });

    it('refuses an attribute that is not registered for the organization, and says how to register it', async () => {
      const response = await withUser({ attributes: { location: 'Paris' } });
      assertContractError(response, {
        status: 400,
        code: 'invalid_request',
        field: 'user.attributes.location',
        mentions: /Token attributes|attributes add/,
      });
    });

    it('judges attributes by the API key\'s organization: another organization\'s attribute is refused', async () => {
      const ownKey = await withUser({ attributes: { department: 'Sales' } });
      assert.equal(ownKey.statusCode, 200, ownKey.body);
      const otherKey = await generate(
        { user: { ...SEED_USER, attributes: { department: 'Sales' } } },
        { 'x-api-key': other.apiKey },
      );
      assertContractError(otherKey, { status: 400, code: 'invalid_request', field: 'user.attributes.department' });
    });

    it('refuses a value of the wrong type, naming the attribute and its type', async () => {
      const cases: [string, unknown, RegExp][] = [
        ['region', 5, /string/],
        ['region', ['Europe'], /string/],
        ['level', '3', /number/],
        ['level', true, /number/],
        ['beta', 'true', /boolean|true or false/],
        ['beta', 1, /boolean|true or false/],
        ['since', 'yesterday', /date/],
        ['since', '2025-13-45', /date/],
        ['since', 20250630, /date/],
        ['countries', 'FR', /string\[\]|array/],
        ['countries', ['FR', 1], /string\[\]|array/],
        ['countries', { 0: 'FR' }, /string\[\]|array/],
      ];
      for (const [name, value, mentions] of cases) {
        assertContractError(await withUser({ attributes: { [name]: value } }), {
          status: 400,
          code: 'invalid_request',
          field: `user.attributes.${name}`,
          mentions,
        });
      }
    });
  });

  describe('expiresIn', () => {
    it('accepts 1 minute to 24 hours and reports the lifetime', async () => {
      for (const [expiresIn, seconds] of [['1m', 60], ['15m', 900], ['24h', 86400], ['1d', 86400], [60, 60], ['3600s', 3600]] as const) {
        const before = Date.now();
        const response = await withUser({}, { expiresIn });
        assert.equal(response.statusCode, 200, `${expiresIn}: ${response.body}`);
        const body = response.json();
        const lifetimeMs = Date.parse(body.expiresAt) - before;
        assert.ok(Math.abs(lifetimeMs - seconds * 1000) < 5000, `${expiresIn}: expiresAt ${body.expiresAt}`);
        assert.equal(typeof body.expiresIn, 'string');
      }
    });

    it('defaults to one hour, as the seed shows', async () => {
      const response = await generate({ user: SEED_USER });
      assert.equal(response.statusCode, 200);
      assert.deepEqual(Object.keys(response.json()).sort(), ['expiresAt', 'expiresIn', 'token']);
      assert.equal(response.json().expiresIn, '1h');
      assert.equal(response.headers['cache-control'], 'no-store');
    });

    it('refuses lifetimes outside 1 minute to 24 hours and values that are not durations', async () => {
      for (const expiresIn of ['59s', '30s', '0m', '25h', '1441m', '2d', 59, 86401, 0, -60, 90.5, 'abc', '', '1 hour', '1.5h', true, {}, ['1h']]) {
        const body = assertContractError(await withUser({}, { expiresIn }), { status: 400, code: 'invalid_request', field: 'expiresIn' });
        assert.match(body.error.message, /1 minute/);
        assert.match(body.error.message, /24 hours/);
      }
    });
  });

  describe('no CORS: the route is server to server', () => {
    it('sends no CORS header on success or error, whatever the Origin', async () => {
      for (const apiKey of [ctx.apiKey, 'nope']) {
        const response = await generate({ user: SEED_USER }, { 'x-api-key': apiKey, origin: TEST_ORIGIN });
        for (const name of Object.keys(response.headers)) assert.doesNotMatch(name, /^access-control-/, `${name} on ${response.statusCode}`);
      }
    });

    it('answers no preflight', async () => {
      const response = await ctx.inject({
        method: 'OPTIONS',
        url: '/embed/generate-token',
        headers: { origin: TEST_ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-api-key' },
      });
      assert.notEqual(response.statusCode, 204);
      for (const name of Object.keys(response.headers)) assert.doesNotMatch(name, /^access-control-/);
    });
  });
});
