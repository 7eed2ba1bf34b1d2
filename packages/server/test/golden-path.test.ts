import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestContext, TEST_ORIGIN, type TestContext } from './helpers/test-app.ts';

describe('golden path: the seed request mints a token that opens a session', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await createTestContext();
  });
  after(() => ctx.close());

  it('mints with the seed\'s exact request and verifies a session from an authorized origin', async () => {
    const minted = await ctx.inject({
      method: 'POST',
      url: '/embed/generate-token',
      headers: { 'x-api-key': ctx.apiKey, 'content-type': 'application/json' },
      payload: JSON.stringify({ user: { distinctId: 'user-123', role: 'explorer', attributes: {} } }),
    });
    assert.equal(minted.statusCode, 200);
    assert.equal(minted.headers['cache-control'], 'no-store');
    assert.equal(minted.headers['access-control-allow-origin'], undefined);
    const body = minted.json();
    assert.equal(body.expiresIn, '1h');
    assert.match(body.token, /^[\w-]+\.\.[\w-]{16}\.[\w-]+\.[\w-]{22}$/);
    const header = JSON.parse(Buffer.from(body.token.split('.')[0], 'base64url').toString());
    assert.deepEqual(header, { alg: 'dir', enc: 'A256GCM', kid: ctx.apiKeyId, typ: 'JWT' });

    const session = await ctx.inject({
      method: 'POST',
      url: '/embed/session',
      headers: { authorization: `Bearer ${body.token}`, origin: TEST_ORIGIN },
    });
    assert.equal(session.statusCode, 200);
    assert.equal(session.headers['access-control-allow-origin'], TEST_ORIGIN);
    assert.match(String(session.headers.vary), /Origin/);
    const info = session.json();
    assert.equal(info.user.distinctId, 'user-123');
    assert.equal(info.user.role, 'explorer');
    assert.equal(info.org.id, ctx.orgId);
    assert.ok(info.expiresIn > 3590 && info.expiresIn <= 3600);
    assert.deepEqual(info.authorizedOrigins, [TEST_ORIGIN]);
    assert.equal('attributes' in info, false);
    assert.equal('attributes' in info.user, false);
  });
});
