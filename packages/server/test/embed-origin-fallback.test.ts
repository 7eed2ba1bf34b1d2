import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertContractError } from './helpers/assert-error.ts';
import { createTestContext, TEST_ISSUER, TEST_ORIGIN, type TestContext } from './helpers/test-app.ts';

/**
 * Browsers leave Origin out of same-origin GETs, so the embed API infers the origin from Host when the request
 * says `Sec-Fetch-Site: same-origin` — which any non-browser client can say too. Only the console's preview
 * tokens get that inference; an integration key's token without Origin is refused whatever else it sends.
 */
describe('embed API: an origin inferred from Host is for console preview tokens only', () => {
  let ctx: TestContext;
  let admin: Record<string, string>;
  const ownHost = new URL(TEST_ISSUER).host;
  /** What a script (or the console's own page) sends to pass as a same-origin browser request. */
  const sameOrigin = { host: ownHost, 'sec-fetch-site': 'same-origin' };

  const dashboard = (token: string, headers: Record<string, string>) =>
    ctx.inject({ method: 'GET', url: '/embed/dashboards/sales', headers: { authorization: `Bearer ${token}`, ...headers } });
  const session = (token: string, headers: Record<string, string>) =>
    ctx.inject({ method: 'POST', url: '/embed/session', headers: { authorization: `Bearer ${token}`, ...headers } });

  before(async () => {
    ctx = await createTestContext({ sample: true });
    admin = await ctx.adminHeaders();
    // The server's own origin is authorized, as the demo organization's is for the console.
    await ctx.services.origins.add(ctx.orgId, TEST_ISSUER);
  });
  after(() => ctx.close());

  it('refuses an integration key\'s token with no Origin header, even with Sec-Fetch-Site: same-origin and an authorized Host', async () => {
    const token = await ctx.mint({ distinctId: 'scripted', role: 'explorer', attributes: { region: 'Europe' } });
    for (const call of [dashboard, session]) {
      assertContractError(await call(token, sameOrigin), { status: 403, code: 'origin_not_authorized', mentions: /no Origin header/ });
      assertContractError(await call(token, { ...sameOrigin, host: ownHost.toUpperCase() }), { status: 403, code: 'origin_not_authorized' });
    }
    // The same token from a browser page on an authorized origin works: the refusal is about the missing Origin.
    assert.equal((await dashboard(token, { origin: TEST_ORIGIN })).statusCode, 200);
    assert.equal((await dashboard(token, { origin: TEST_ISSUER })).statusCode, 200);
  });

  it('lets the console\'s preview token load dashboards from the server\'s own page without an Origin header', async () => {
    const preview = await ctx.inject({ method: 'POST', url: '/api/dashboards/sales/preview-token', headers: admin, payload: { attributes: { region: 'Europe' } } });
    assert.equal(preview.statusCode, 200, preview.body);
    const { token } = preview.json() as { token: string };
    assert.equal((await dashboard(token, sameOrigin)).statusCode, 200);
    // Still only with the browser's same-origin marker and a Host that is an authorized origin.
    assertContractError(await dashboard(token, { host: ownHost }), { status: 403, code: 'origin_not_authorized' });
    assertContractError(await dashboard(token, { host: 'evil.example.com', 'sec-fetch-site': 'same-origin' }), { status: 403, code: 'origin_not_authorized' });
  });
});
