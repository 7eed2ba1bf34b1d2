import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { generateApiKey, hashApiKeySecret } from '../src/apikeys/format.ts';
import { assertContractError } from './helpers/assert-error.ts';
import { createTestContext, TEST_ISSUER, TEST_ORIGIN, type TestContext } from './helpers/test-app.ts';

interface Tile {
  id: string;
  columns: { key: string }[];
  rows: Record<string, unknown>[];
}

/**
 * The console's dashboard preview: POST /api/dashboards/:id/preview-token mints a short-lived, view-only token
 * with the organization's console preview key — no pasted API key — and <tc-dashboard> on the console's own page
 * (a same-origin GET, which carries no Origin header) can use it.
 */
describe('console dashboard preview tokens', () => {
  let ctx: TestContext;
  let admin: Record<string, string>;

  const preview = (body: unknown, dashboardId = 'sales', headers = admin) =>
    ctx.inject({ method: 'POST', url: `/api/dashboards/${dashboardId}/preview-token`, headers, payload: body as object });
  const dashboard = (token: string, headers: Record<string, string>) =>
    ctx.inject({ method: 'GET', url: '/embed/dashboards/sales', headers: { authorization: `Bearer ${token}`, ...headers } });
  const introspect = async (token: string) =>
    (await ctx.inject({ method: 'POST', url: '/api/tokens/introspect', headers: admin, payload: { token } })).json();

  before(async () => {
    ctx = await createTestContext({ sample: true });
    admin = await ctx.adminHeaders();
  });
  after(() => ctx.close());

  it('mints a 15-minute, view-only token of the admin\'s organization with the chosen user and attributes', async () => {
    const response = await preview({ distinctId: 'user-42', attributes: { region: 'Europe' } });
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(response.headers['cache-control'], 'no-store');
    const { token, expiresIn, expiresAt } = response.json();
    assert.equal(expiresIn, '15m');
    assert.ok(Math.abs(Date.parse(expiresAt) - Date.now() - 15 * 60_000) < 10_000, expiresAt);
    const described = await introspect(token);
    assert.equal(described.valid, true);
    assert.equal(described.claims.org, ctx.orgId);
    assert.equal(described.claims.distinctId, 'user-42');
    assert.deepEqual(described.claims.permissions, ['dashboards:view']);
    assert.deepEqual(described.claims.attributes, { region: 'Europe' });
    assert.notEqual(described.kid, ctx.apiKeyId, 'never signed with an integration key');

    const defaulted = (await preview({})).json();
    assert.equal((await introspect(defaulted.token)).claims.distinctId, 'console-preview');
  });

  it('shows the dashboard with the access rules applied to the preview attributes, and no assistant', async () => {
    const { token } = (await preview({ attributes: { region: 'Europe' } })).json();
    const shown = await dashboard(token, { origin: TEST_ORIGIN });
    assert.equal(shown.statusCode, 200, shown.body);
    const byRegion = (shown.json().tiles as Tile[]).find((tile) => tile.columns.some((column) => column.key === 'region'))!;
    assert.ok(byRegion.rows.length > 0);
    assert.deepEqual([...new Set(byRegion.rows.map((row) => row.region))], ['Europe']);

    const assistant = await ctx.inject({
      method: 'POST',
      url: '/embed/assistant/messages',
      headers: { authorization: `Bearer ${token}`, origin: TEST_ORIGIN, 'content-type': 'application/json' },
      payload: { message: 'revenue by region' },
    });
    assertContractError(assistant, { status: 403, code: 'forbidden', mentions: /assistant/ });
  });

  it('signs every preview with one key per organization that is never listed, revocable or usable as x-api-key', async () => {
    const [first, second] = await Promise.all([preview({}), preview({})]);
    const kids = new Set([(await introspect(first.json().token)).kid, (await introspect(second.json().token)).kid]);
    assert.equal(kids.size, 1, 'concurrent first previews share one key');
    const [previewKeyId] = [...kids] as [string];
    const listed = (await ctx.inject({ method: 'GET', url: '/api/api-keys', headers: admin })).json().apiKeys as { id: string }[];
    assert.ok(!listed.some((key) => key.id === previewKeyId));
    assertContractError(await ctx.inject({ method: 'DELETE', url: `/api/api-keys/${previewKeyId}`, headers: admin }), { status: 404, code: 'not_found' });
    const rows = await ctx.store.query<{ purpose: string }>('select purpose from api_keys where id = $1', [previewKeyId]);
    assert.equal(rows[0]?.purpose, 'console_preview');

    // Nobody holds a preview key's secret; and were one known, its purpose alone still refuses it as x-api-key.
    const other = await ctx.addOrg('Initech');
    const known = generateApiKey();
    await ctx.store.query(
      `insert into api_keys (id, org_id, name, prefix, last_four, secret_sha256, token_salt, purpose)
       values ($1, $2, 'Console previews', $3, $4, $5, $6, 'console_preview')`,
      [known.id, other.orgId, known.prefix, known.lastFour, hashApiKeySecret(known.secret).toString('hex'), randomBytes(16).toString('base64')],
    );
    const minted = await ctx.inject({
      method: 'POST',
      url: '/embed/generate-token',
      headers: { 'x-api-key': known.key, 'content-type': 'application/json' },
      payload: { user: { distinctId: 'u', role: 'explorer', attributes: {} } },
    });
    assertContractError(minted, { status: 401, code: 'invalid_api_key' });
  });

  it('records each preview in the audit log, naming the admin', async () => {
    await preview({ distinctId: 'audited-preview' });
    const events = (await ctx.inject({ method: 'GET', url: '/api/audit?distinctId=audited-preview', headers: admin })).json().events;
    assert.equal(events.length, 1);
    assert.equal(events[0].event, 'token.preview_minted');
    assert.equal(events[0].outcome, 'success');
    assert.equal(events[0].reason, `console preview by ${ctx.config.adminEmail}`);
  });

  it('refuses unknown dashboards, unregistered or mistyped attributes and unknown fields, naming them', async () => {
    assertContractError(await preview({}, 'no-such-dashboard'), { status: 404, code: 'not_found' });
    // Another organization's admin cannot preview acme's dashboard: it is as unknown to them as a missing one.
    const globex = await ctx.addOrg('Globex');
    await ctx.services.adminAuth.createUser(globex.orgId, 'globex-admin@example.com', 'globex admin password');
    const login = await ctx.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'globex-admin@example.com', password: 'globex admin password' } });
    const globexAdmin = { cookie: `tc_admin=${login.cookies.find((cookie) => cookie.name === 'tc_admin')!.value}`, 'x-csrf-token': login.json().csrfToken };
    assertContractError(await preview({}, 'sales', globexAdmin), { status: 404, code: 'not_found' });
    assertContractError(await preview({ attributes: { region: 5 } }), { status: 400, code: 'invalid_request', field: 'attributes.region' });
    assertContractError(await preview({ attributes: { planet: 'Mars' } }), { status: 400, code: 'invalid_request', field: 'attributes.planet' });
    assertContractError(await preview({ role: 'admin' }), { status: 400, code: 'invalid_request', field: 'body.role' });
    assertContractError(await preview({ distinctId: 'x'.repeat(300) }), { status: 400, code: 'invalid_request', field: 'distinctId' });
  });

  it('lets a page on the server\'s own origin load dashboards with a same-origin GET (no Origin header)', async () => {
    const { token } = (await preview({ attributes: { region: 'Europe' } })).json();
    const ownHost = new URL(TEST_ISSUER).host;
    const sameOrigin = { host: ownHost, 'sec-fetch-site': 'same-origin' };
    assertContractError(await dashboard(token, sameOrigin), { status: 403, code: 'origin_not_authorized' });
    assertContractError(await dashboard(token, { host: ownHost }), { status: 403, code: 'origin_not_authorized', mentions: /no Origin header/ });

    await ctx.services.origins.add(ctx.orgId, TEST_ISSUER);
    assert.equal((await dashboard(token, sameOrigin)).statusCode, 200);
    // Without the browser's same-origin marker, a missing Origin is still refused; so is a cross-site request.
    assertContractError(await dashboard(token, { host: ownHost }), { status: 403, code: 'origin_not_authorized' });
    assertContractError(await dashboard(token, { host: ownHost, 'sec-fetch-site': 'cross-site' }), { status: 403, code: 'origin_not_authorized' });
    assertContractError(await dashboard(token, { host: 'evil.example.com', 'sec-fetch-site': 'same-origin' }), { status: 403, code: 'origin_not_authorized' });
  });
});
