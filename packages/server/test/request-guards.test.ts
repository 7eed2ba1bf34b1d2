import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertContractError } from './helpers/assert-error.ts';
import { createTestContext, type TestContext } from './helpers/test-app.ts';

/** Input that would otherwise fail inside the router or the database, refused up front in the contract's shape. */
describe('request guards', () => {
  let ctx: TestContext;
  let admin: Record<string, string>;
  before(async () => {
    ctx = await createTestContext();
    admin = await ctx.adminHeaders();
  });
  after(() => ctx.close());

  it('refuses a NUL character in a body field, naming the field', async () => {
    const response = await ctx.inject({
      method: 'POST',
      url: '/embed/generate-token',
      headers: { 'x-api-key': ctx.apiKey, 'content-type': 'application/json' },
      payload: { user: { distinctId: 'user\u0000123', role: 'explorer', attributes: {} } },
    });
    assertContractError(response, { status: 400, code: 'invalid_request', field: 'user.distinctId', mentions: /NUL/ });
  });

  it('refuses a NUL character in a key name, a path parameter and a query parameter', async () => {
    const create = await ctx.inject({ method: 'POST', url: '/api/api-keys', headers: admin, payload: { name: 'a\u0000b' } });
    assertContractError(create, { status: 400, code: 'invalid_request', field: 'name' });
    const keyName = await ctx.inject({ method: 'POST', url: '/api/attributes', headers: admin, payload: { name: 'x', type: 'string', ['d\u0000']: 1 } });
    assertContractError(keyName, { status: 400, code: 'invalid_request', field: 'd\u0000' });
    const param = await ctx.inject({ method: 'DELETE', url: '/api/api-keys/%00', headers: admin });
    assertContractError(param, { status: 400, code: 'invalid_request', field: 'id' });
    const query = await ctx.inject({ method: 'GET', url: '/api/audit?distinctId=%00', headers: admin });
    assertContractError(query, { status: 400, code: 'invalid_request', field: 'distinctId' });
    // Nothing was stored.
    const keys = await ctx.inject({ method: 'GET', url: '/api/api-keys', headers: admin });
    assert.ok(!keys.body.includes('a\\u0000b'));
  });

  it('answers a malformed percent-encoding in the path with 400 invalid_request', async () => {
    const response = await ctx.inject({ method: 'GET', url: '/embed/dashboards/%E0%A4%A' });
    assertContractError(response, { status: 400, code: 'invalid_request', field: 'path', mentions: /percent-encoding/ });
    assert.equal(response.headers['x-content-type-options'], 'nosniff');
  });

  it('answers an overlong path segment with 414 uri_too_long', async () => {
    const response = await ctx.inject({ method: 'GET', url: `/api/connections/${'a'.repeat(500)}`, headers: admin });
    assertContractError(response, { status: 414, code: 'uri_too_long', field: 'path' });
  });
});
