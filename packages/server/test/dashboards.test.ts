import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openApiDocumentOf } from '../src/openapi/collect.ts';
import { SALES_DASHBOARD } from '../src/sample/sales-dashboard.ts';
import { seedSampleForOrg } from '../src/sample/seed-sample.ts';
import { mintEmbedToken } from '../src/tokens/mint.ts';
import { assertContractError } from './helpers/assert-error.ts';
import { schemaMismatches } from './helpers/json-schema-check.ts';
import { salesFigures, SAMPLE_ROWS, toCents } from './helpers/sample-reference.ts';
import { createTestContext, TEST_ORIGIN, type TestContext, type TestOrg } from './helpers/test-app.ts';

interface Tile {
  id: string;
  title: string;
  type: string;
  layout: { x: number; y: number; w: number; h: number };
  columns: { key: string; label: string; type: string; role: string; format: string }[];
  rows: Record<string, unknown>[];
  rowCount: number;
  truncated: boolean;
  error?: { code: string; message: string };
}

const EUROPE = salesFigures((row) => row.region === 'Europe');
const ASIA_PACIFIC = salesFigures((row) => row.region === 'Asia Pacific');

function tileOf(body: { tiles: Tile[] }, id: string): Tile {
  const tile = body.tiles.find((candidate) => candidate.id === id);
  assert.ok(tile, `tile ${id} missing`);
  assert.equal(tile.error, undefined, `tile ${id} failed: ${JSON.stringify(tile.error)}`);
  return tile;
}

function topProducts(figures: ReturnType<typeof salesFigures>, count: number) {
  return [...figures.byProduct.entries()]
    .sort((a, b) => b[1].revenueCents - a[1].revenueCents || a[0].localeCompare(b[0]))
    .slice(0, count)
    .map(([product, totals]) => ({ product, category: totals.category, revenue: totals.revenueCents, units: totals.units, orders: totals.orders }));
}

/** Every tile of the seeded dashboard against the JavaScript reference for the same rows. */
function assertSalesOverview(body: { tiles: Tile[] }, figures: ReturnType<typeof salesFigures>, region: string): void {
  assert.equal(toCents(tileOf(body, 'revenue-total').rows[0]!.revenue), figures.revenueCents);
  assert.equal(tileOf(body, 'orders-total').rows[0]!.orders, figures.orders);
  assert.equal(tileOf(body, 'units-total').rows[0]!.units, figures.units);
  const average = Number(tileOf(body, 'average-order').rows[0]!.average_revenue);
  assert.ok(Math.abs(average - figures.revenueCents / 100 / figures.orders) < 1e-6);

  const byMonth = tileOf(body, 'revenue-by-month');
  assert.deepEqual(
    byMonth.rows.map((row) => [row.month, toCents(row.revenue)]),
    [...figures.byMonth.entries()].sort(([a], [b]) => a.localeCompare(b)),
  );
  assert.equal(byMonth.rowCount, 24);

  const byRegion = tileOf(body, 'revenue-by-region');
  assert.deepEqual(byRegion.rows.map((row) => [row.region, toCents(row.revenue)]), [[region, figures.revenueCents]]);

  const products = tileOf(body, 'top-products');
  assert.deepEqual(
    products.rows.map((row) => ({ product: row.product, category: row.category, revenue: toCents(row.revenue), units: row.units, orders: row.orders })),
    topProducts(figures, 10),
  );
  assert.equal(products.truncated, true, 'there are more than 10 products');
}

describe('embed dashboards over the sample data, with row-level security', () => {
  let ctx: TestContext;
  let globex: TestOrg;
  let europeToken: string;

  const view = (token: string, url: string, origin: string = TEST_ORIGIN) =>
    ctx.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}`, origin } });
  const mint = (attributes: Record<string, unknown>, apiKey?: string) =>
    ctx.mint({ distinctId: 'viewer-1', role: 'explorer', attributes }, {}, apiKey);

  before(async () => {
    ctx = await createTestContext({ sample: true });
    globex = await ctx.addOrg('Globex');
    await seedSampleForOrg(ctx.services, globex.orgId);
    europeToken = await mint({ region: 'Europe' });
  });
  after(() => ctx.close());

  it('shows a Europe token only European rows on every tile of the seeded "Sales overview"', async () => {
    const response = await view(europeToken, '/embed/dashboards/sales');
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(response.headers['cache-control'], 'no-store');
    assert.equal(response.headers['access-control-allow-origin'], TEST_ORIGIN);
    const body = response.json();
    assert.deepEqual(body.dashboard, { id: 'sales', title: 'Sales overview', description: SALES_DASHBOARD.description });
    assert.ok(!Number.isNaN(Date.parse(body.generatedAt)));
    assert.deepEqual(
      body.tiles.map((tile: Tile) => [tile.id, tile.type]),
      SALES_DASHBOARD.tiles.map((tile) => [tile.id, tile.type]),
    );
    for (const tile of body.tiles as Tile[]) {
      assert.deepEqual(Object.keys(tile).sort(), ['columns', 'id', 'layout', 'rowCount', 'rows', 'title', 'truncated', 'type']);
      assert.equal(tile.rowCount, tile.rows.length);
    }
    assertSalesOverview(body, EUROPE, 'Europe');
  });

  it('describes each tile\'s columns for the elements (key, label, type, role, format)', async () => {
    const body = (await view(europeToken, '/embed/dashboards/sales')).json();
    assert.deepEqual(tileOf(body, 'revenue-by-month').columns, [
      { key: 'month', label: 'Month', type: 'date', role: 'dimension', format: 'month' },
      { key: 'revenue', label: 'Revenue', type: 'number', role: 'measure', format: 'currency' },
    ]);
    assert.deepEqual(tileOf(body, 'revenue-total').layout, { x: 0, y: 0, w: 3, h: 2 });
    assert.deepEqual(
      tileOf(body, 'top-products').columns.map((column) => [column.key, column.role, column.format]),
      [['product', 'dimension', 'text'], ['category', 'dimension', 'text'], ['revenue', 'measure', 'currency'], ['units', 'measure', 'integer'], ['orders', 'measure', 'integer']],
    );
    for (const row of tileOf(body, 'revenue-by-month').rows) assert.match(String(row.month), /^\d{4}-\d{2}-01$/);
  });

  it('shows another region its own figures (the filter follows the attribute\'s value)', async () => {
    const body = (await view(await mint({ region: 'Asia Pacific' }), '/embed/dashboards/sales')).json();
    assertSalesOverview(body, ASIA_PACIFIC, 'Asia Pacific');
  });

  it('shows a token without region no rows on any tile', async () => {
    for (const attributes of [{}, { country: undefined, level: 3 }]) {
      const response = await view(await mint(attributes), '/embed/dashboards/sales');
      assert.equal(response.statusCode, 200);
      const body = response.json();
      for (const tile of body.tiles as Tile[]) {
        assert.equal(tile.error, undefined);
        if (tile.type === 'kpi') {
          // An aggregate over no rows: one row holding nothing (count 0, sums null).
          assert.equal(tile.rows.length, 1);
          const value = Object.values(tile.rows[0]!)[0];
          assert.ok(value === null || value === 0, `${tile.id}: ${JSON.stringify(tile.rows)}`);
        } else {
          assert.deepEqual(tile.rows, [], tile.id);
        }
      }
    }
  });

  it('serves one tile at GET /embed/charts/:id with the same filtering', async () => {
    const response = await view(europeToken, '/embed/charts/revenue-by-region');
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(response.headers['cache-control'], 'no-store');
    const body = response.json();
    assert.deepEqual(Object.keys(body).sort(), ['dashboardId', 'generatedAt', 'tile']);
    assert.equal(body.dashboardId, 'sales');
    assert.equal(body.tile.id, 'revenue-by-region');
    assert.deepEqual(body.tile.rows.map((row: Record<string, unknown>) => row.region), ['Europe']);

    const none = (await view(await mint({}), '/embed/charts/revenue-by-month')).json();
    assert.deepEqual(none.tile.rows, []);
  });

  it('shows a raw table of regions and countries holding Europe only', async () => {
    const admin = await ctx.adminHeaders();
    const created = await ctx.inject({
      method: 'POST',
      url: '/api/dashboards',
      headers: admin,
      payload: {
        id: 'geo-check',
        title: 'Where',
        tiles: [
          {
            id: 'geo-table',
            title: 'Places',
            type: 'table',
            layout: { x: 0, y: 0, w: 12, h: 4 },
            query: { table: 'sales', dimensions: [{ column: 'region' }, { column: 'country' }, { column: 'city' }], limit: 500 },
          },
        ],
      },
    });
    assert.equal(created.statusCode, 201, created.body);
    const tile = (await view(europeToken, '/embed/charts/geo-table')).json().tile as Tile;
    const europeanPlaces = new Set(SAMPLE_ROWS.filter((row) => row.region === 'Europe').map((row) => `${row.country}/${row.city}`));
    assert.equal(tile.rows.length, europeanPlaces.size);
    for (const row of tile.rows) {
      assert.equal(row.region, 'Europe');
      assert.ok(europeanPlaces.has(`${row.country}/${row.city}`));
    }
  });

  it('answers 404 for a dashboard or chart of another organization exactly as for an unknown id', async () => {
    const admin = await ctx.adminHeaders();
    const secret = await ctx.inject({
      method: 'POST',
      url: '/api/dashboards',
      headers: admin,
      payload: {
        id: 'acme-secret',
        title: 'Acme only',
        tiles: [{ id: 'acme-secret-kpi', title: 'Total', type: 'kpi', layout: { x: 0, y: 0, w: 3, h: 2 }, query: { table: 'sales', measures: [{ aggregate: 'count' }] } }],
      },
    });
    assert.equal(secret.statusCode, 201, secret.body);
    const globexToken = await mint({ region: 'Europe' }, globex.apiKey);
    // Globex has its own "sales" dashboard with the same tile ids (tile ids are unique per organization only).
    assert.equal((await view(globexToken, '/embed/dashboards/sales')).statusCode, 200);

    const pairs: [string, string][] = [
      ['/embed/dashboards/acme-secret', '/embed/dashboards/acme-secreu'],
      ['/embed/charts/acme-secret-kpi', '/embed/charts/acme-secret-kpj'],
    ];
    for (const [existsElsewhere, unknown] of pairs) {
      const crossOrg = await view(globexToken, existsElsewhere);
      const missing = await view(globexToken, unknown);
      const crossBody = assertContractError(crossOrg, { status: 404, code: 'not_found' });
      const missingBody = assertContractError(missing, { status: 404, code: 'not_found' });
      const lastSegment = (url: string) => url.split('/').pop()!;
      assert.equal(crossBody.error.message.replace(lastSegment(existsElsewhere), 'ID'), missingBody.error.message.replace(lastSegment(unknown), 'ID'));
      assert.deepEqual(Object.keys(crossOrg.headers).sort(), Object.keys(missing.headers).sort());
    }
    assert.equal((await view(europeToken, '/embed/dashboards/acme-secret')).statusCode, 200);
    assertContractError(await view(europeToken, '/embed/dashboards/%27%20OR%201%3D1%20--'), { status: 404, code: 'not_found' });
    assertContractError(await view(europeToken, `/embed/charts/${'x'.repeat(100)}`), { status: 404, code: 'not_found' });
  });

  it('checks the token and the origin like every embed call, and answers CORS preflights', async () => {
    assertContractError(await ctx.inject({ method: 'GET', url: '/embed/dashboards/sales', headers: { origin: TEST_ORIGIN } }), {
      status: 401,
      code: 'invalid_token',
    });
    const foreign = await view(europeToken, '/embed/dashboards/sales', 'https://evil.example');
    assertContractError(foreign, { status: 403, code: 'origin_not_authorized' });
    assert.equal(foreign.headers['access-control-allow-origin'], undefined);

    for (const url of ['/embed/dashboards/sales', '/embed/charts/revenue-total']) {
      const preflight = await ctx.inject({
        method: 'OPTIONS',
        url,
        headers: { origin: TEST_ORIGIN, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
      });
      assert.equal(preflight.statusCode, 204, url);
      assert.equal(preflight.headers['access-control-allow-origin'], TEST_ORIGIN);
      assert.match(String(preflight.headers['access-control-allow-headers']), /Authorization/i);
      const refused = await ctx.inject({ method: 'OPTIONS', url, headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' } });
      assert.equal(refused.headers['access-control-allow-origin'], undefined);
    }
  });

  it('requires the dashboards:view permission', async () => {
    const tokenKey = await ctx.services.apiKeys.tokenKeyFor(ctx.apiKeyId);
    const { token } = await mintEmbedToken({
      key: tokenKey!.key,
      apiKeyId: ctx.apiKeyId,
      issuer: ctx.config.publicUrl,
      org: ctx.orgId,
      distinctId: 'assistant-only',
      role: 'explorer',
      permissions: ['assistant'],
      attributes: { region: 'Europe' },
      lifetimeSeconds: 600,
    });
    for (const url of ['/embed/dashboards/sales', '/embed/charts/revenue-total']) {
      assertContractError(await view(token, url), { status: 403, code: 'forbidden', mentions: /dashboards:view/ });
    }
  });

  it('keeps serving the other tiles when one fails, and tells the viewer nothing internal', async () => {
    await ctx.store.query(
      `update dashboard_tiles set definition = jsonb_set(definition, '{query,measures,0,column}', '"dropped_column"')
       where org_id = $1 and id = 'units-total'`,
      [ctx.orgId],
    );
    try {
      const response = await view(europeToken, '/embed/dashboards/sales');
      assert.equal(response.statusCode, 200);
      const tiles = response.json().tiles as Tile[];
      const broken = tiles.find((tile) => tile.id === 'units-total')!;
      assert.equal(broken.error?.code, 'invalid_request');
      assert.doesNotMatch(broken.error!.message, /dropped_column|sample|select/i);
      assert.deepEqual([broken.rows, broken.rowCount, broken.truncated], [[], 0, false]);
      assert.equal(tiles.filter((tile) => tile.error).length, 1);
      assert.equal(toCents(tileOf({ tiles }, 'revenue-total').rows[0]!.revenue), EUROPE.revenueCents);
    } finally {
      await ctx.services.dashboards.upsert(ctx.orgId, SALES_DASHBOARD);
    }
  });

  it('streams the dashboard as NDJSON when asked: the outline first, then every tile, then done', async () => {
    const response = await ctx.inject({
      method: 'GET',
      url: '/embed/dashboards/sales',
      headers: { authorization: `Bearer ${europeToken}`, origin: TEST_ORIGIN, accept: 'application/x-ndjson' },
    });
    assert.equal(response.statusCode, 200, response.body);
    assert.match(String(response.headers['content-type']), /^application\/x-ndjson/);
    assert.equal(response.headers['cache-control'], 'no-store');
    assert.equal(response.headers['access-control-allow-origin'], TEST_ORIGIN);
    assert.match(String(response.headers.vary), /Accept/);
    assert.ok(response.body.endsWith('\n'));
    const lines = response.body.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);

    const head = lines[0] as { dashboard: unknown; tiles: Tile[]; generatedAt: string };
    assert.deepEqual(head.dashboard, { id: 'sales', title: 'Sales overview', description: SALES_DASHBOARD.description });
    assert.deepEqual(
      head.tiles,
      SALES_DASHBOARD.tiles.map(({ id, title, type, layout }) => ({ id, title, type, layout })),
      'the outline: ids, titles, types and layout, no rows',
    );
    assert.ok(!Number.isNaN(Date.parse(head.generatedAt)));
    assert.deepEqual(lines.at(-1), { done: true });

    const tiles = lines.slice(1, -1).map((line) => {
      assert.deepEqual(Object.keys(line), ['tile']);
      return line.tile as Tile;
    });
    assert.deepEqual(tiles.map((tile) => tile.id).sort(), SALES_DASHBOARD.tiles.map((tile) => tile.id).sort(), 'each tile exactly once');
    assertSalesOverview({ tiles }, EUROPE, 'Europe');
    const whole = (await view(europeToken, '/embed/dashboards/sales')).json() as { tiles: Tile[] };
    for (const tile of whole.tiles) assert.deepEqual(tiles.find((streamed) => streamed.id === tile.id), tile);
  });

  it('answers a streamed request that fails before its first line with the usual status and JSON error', async () => {
    const streamed = (token: string, url: string, origin = TEST_ORIGIN) =>
      ctx.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}`, origin, accept: 'application/x-ndjson' } });
    assertContractError(await streamed(europeToken, '/embed/dashboards/no-such-dashboard'), { status: 404, code: 'not_found' });
    assertContractError(await streamed(europeToken, '/embed/dashboards/sales', 'https://evil.example.net'), { status: 403, code: 'origin_not_authorized' });
    assertContractError(await streamed(`${europeToken}x`, '/embed/dashboards/sales'), { status: 401, code: 'invalid_token' });
  });

  it("reads the KPI tiles' figures in one shared SELECT, each tile with its own keys and columns", async () => {
    const statements: string[] = [];
    const transaction = ctx.store.transaction.bind(ctx.store);
    ctx.store.transaction = (work) =>
      transaction((tx) =>
        work({
          query: (sql, params) => {
            if (/^select/i.test(sql.trim())) statements.push(sql);
            return tx.query(sql, params);
          },
        } as typeof tx),
      );
    try {
      const body = (await view(europeToken, '/embed/dashboards/sales')).json() as { tiles: Tile[] };
      assertSalesOverview(body, EUROPE, 'Europe');
      const kpiTiles = SALES_DASHBOARD.tiles.filter((tile) => tile.type === 'kpi');
      const sampleSelects = statements.filter((sql) => sql.includes('"sample"."sales"'));
      assert.equal(sampleSelects.length, SALES_DASHBOARD.tiles.length - kpiTiles.length + 1, sampleSelects.join('\n'));
      for (const tile of kpiTiles) {
        const shown = tileOf(body, tile.id);
        assert.deepEqual(shown.columns.map((column) => column.key), tile.query.measures!.map((measure) => measure.key));
        assert.deepEqual(Object.keys(shown.rows[0]!), tile.query.measures!.map((measure) => measure.key));
        // The same figures as the tile alone (GET /embed/charts/:id runs it by itself).
        assert.deepEqual((await view(europeToken, `/embed/charts/${tile.id}`)).json().tile.rows, shown.rows);
      }
    } finally {
      ctx.store.transaction = transaction;
    }
  });

  it('keeps a KPI tile that fails in the database apart: the KPIs that share its scan still load', async () => {
    // Metadata that no longer matches the database: "units_text" claims to be a number, but holds text, so
    // sum() fails in the database (after validation passed), and with it the shared SELECT.
    await ctx.store.query('alter table sample.sales add column units_text text');
    await ctx.store.query(
      `insert into dataset_columns (org_id, table_id, name, position, type, label, format) values ($1, 'sales', 'units_text', 99, 'number', 'Units (text)', 'integer')`,
      [ctx.orgId],
    );
    await ctx.store.query(
      `update dashboard_tiles set definition = jsonb_set(definition, '{query,measures,0,column}', '"units_text"')
       where org_id = $1 and id = 'units-total'`,
      [ctx.orgId],
    );
    try {
      const tiles = (await view(europeToken, '/embed/dashboards/sales')).json().tiles as Tile[];
      const broken = tiles.find((tile) => tile.id === 'units-total')!;
      assert.ok(broken.error, 'the tile over the mismatched column fails');
      assert.doesNotMatch(broken.error.message, /units_text|sample|select|function/i);
      assert.deepEqual(tiles.filter((tile) => tile.error).map((tile) => tile.id), ['units-total']);
      assert.equal(toCents(tileOf({ tiles }, 'revenue-total').rows[0]!.revenue), EUROPE.revenueCents);
      assert.equal(tileOf({ tiles }, 'orders-total').rows[0]!.orders, EUROPE.orders);
    } finally {
      await ctx.services.dashboards.upsert(ctx.orgId, SALES_DASHBOARD);
      await ctx.store.query(`delete from dataset_columns where org_id = $1 and name = 'units_text'`, [ctx.orgId]);
      await ctx.store.query('alter table sample.sales drop column units_text');
    }
  });

  it('applies a rule change on the very next request (no result is cached)', async () => {
    const admin = await ctx.adminHeaders();
    const setRules = (payload: Record<string, unknown>) => ctx.inject({ method: 'PUT', url: '/api/tables/sales/rules', headers: admin, payload });
    const orders = async () => (await view(europeToken, '/embed/charts/orders-total')).json().tile.rows[0].orders;
    assert.equal(await orders(), EUROPE.orders);
    assert.equal((await setRules({ mode: 'open', rules: null })).statusCode, 200);
    assert.equal(await orders(), SAMPLE_ROWS.length);
    assert.equal((await setRules({ mode: 'rules', rules: null })).statusCode, 200);
    assert.equal(await orders(), 0);
    assert.equal(
      (await setRules({ mode: 'rules', rules: { combinator: 'and', rules: [{ column: 'region', operator: 'equals', attribute: 'region' }] } })).statusCode,
      200,
    );
    assert.equal(await orders(), EUROPE.orders);
  });

  it('shows no rows of a table that has no access rules until an admin opens it', async () => {
    await ctx.services.datasets.register(ctx.orgId, {
      id: 'sales-unguarded',
      connectionId: 'sample',
      schemaName: 'sample',
      tableName: 'sales',
      label: 'Sales (no rules yet)',
      columns: [{ name: 'region', type: 'string', label: 'Region' }],
    });
    const admin = await ctx.adminHeaders();
    const created = await ctx.inject({
      method: 'POST',
      url: '/api/dashboards',
      headers: admin,
      payload: {
        id: 'unguarded',
        title: 'Unguarded',
        tiles: [{ id: 'unguarded-count', title: 'Rows', type: 'kpi', layout: { x: 0, y: 0, w: 3, h: 2 }, query: { table: 'sales-unguarded', measures: [{ aggregate: 'count', key: 'n' }] } }],
      },
    });
    assert.equal(created.statusCode, 201, created.body);
    const count = async () => (await view(europeToken, '/embed/charts/unguarded-count')).json().tile.rows[0].n;
    assert.equal(await count(), 0);
    const opened = await ctx.inject({ method: 'PUT', url: '/api/tables/sales-unguarded/rules', headers: admin, payload: { mode: 'open' } });
    assert.equal(opened.statusCode, 200, opened.body);
    assert.equal(await count(), SAMPLE_ROWS.length);
  });
});

describe('admin API: dashboards', () => {
  let ctx: TestContext;
  let admin: Record<string, string>;

  const kpi = (id: string, query: Record<string, unknown> = { table: 'sales', measures: [{ aggregate: 'count' }] }) => ({
    id,
    title: `Tile ${id}`,
    type: 'kpi',
    layout: { x: 0, y: 0, w: 3, h: 2 },
    query,
  });
  const api = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown) =>
    ctx.inject({ method, url, headers: admin, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });

  before(async () => {
    ctx = await createTestContext({ sample: true });
    admin = await ctx.adminHeaders();
  });
  after(() => ctx.close());

  it('lists and reads the seeded dashboard', async () => {
    const list = await api('GET', '/api/dashboards');
    assert.equal(list.statusCode, 200);
    const [summary] = list.json().dashboards;
    assert.deepEqual({ ...summary, updatedAt: undefined }, {
      id: 'sales',
      title: 'Sales overview',
      description: SALES_DASHBOARD.description,
      tileCount: SALES_DASHBOARD.tiles.length,
      updatedAt: undefined,
    });
    const one = (await api('GET', '/api/dashboards/sales')).json();
    assert.deepEqual(one.tiles, SALES_DASHBOARD.tiles);
    assertContractError(await api('GET', '/api/dashboards/nope'), { status: 404, code: 'not_found' });
  });

  it('creates, replaces and deletes a dashboard; the embed view follows each change', async () => {
    const token = await ctx.mint({ distinctId: 'u', role: 'explorer', attributes: { region: 'Europe' } });
    const embed = () => ctx.inject({ method: 'GET', url: '/embed/dashboards/ops', headers: { authorization: `Bearer ${token}`, origin: TEST_ORIGIN } });

    const created = await api('POST', '/api/dashboards', { id: 'ops', title: 'Ops', tiles: [kpi('ops-orders')] });
    assert.equal(created.statusCode, 201, created.body);
    assert.equal(created.json().id, 'ops');
    assert.deepEqual((await embed()).json().tiles.map((tile: Tile) => tile.id), ['ops-orders']);
    assertContractError(await api('POST', '/api/dashboards', { id: 'ops', title: 'Again', tiles: [] }), { status: 409, code: 'conflict', field: 'id' });

    const replaced = await api('PUT', '/api/dashboards/ops', {
      title: 'Operations',
      description: 'Replaced',
      tiles: [
        kpi('ops-units', { table: 'sales', measures: [{ aggregate: 'sum', column: 'units', key: 'units' }] }),
        {
          id: 'ops-channels',
          title: 'By channel',
          type: 'bar',
          layout: { x: 3, y: 0, w: 9, h: 4 },
          query: { table: 'sales', dimensions: [{ column: 'channel' }], measures: [{ aggregate: 'count', key: 'orders' }], filters: [{ column: 'product_category', operator: 'equals', value: 'Software' }] },
        },
      ],
    });
    assert.equal(replaced.statusCode, 200, replaced.body);
    const view = (await embed()).json();
    assert.equal(view.dashboard.title, 'Operations');
    assert.deepEqual(view.tiles.map((tile: Tile) => tile.id), ['ops-units', 'ops-channels']);
    const channels = view.tiles[1] as Tile;
    const software = (channel: string) => SAMPLE_ROWS.filter((row) => row.region === 'Europe' && row.productCategory === 'Software' && row.channel === channel).length;
    assert.deepEqual(channels.rows, [{ channel: 'Online', orders: software('Online') }, { channel: 'Retail', orders: software('Retail') }]);
    // The replaced tile is gone, so its id is free again and no longer served.
    const gone = await ctx.inject({ method: 'GET', url: '/embed/charts/ops-orders', headers: { authorization: `Bearer ${token}`, origin: TEST_ORIGIN } });
    assertContractError(gone, { status: 404, code: 'not_found' });

    assertContractError(await api('PUT', '/api/dashboards/ops', { id: 'other', title: 'x' }), { status: 400, code: 'invalid_request', field: 'id' });
    assertContractError(await api('PUT', '/api/dashboards/missing', { title: 'x' }), { status: 404, code: 'not_found' });

    assert.equal((await api('DELETE', '/api/dashboards/ops')).statusCode, 200);
    assertContractError(await embed(), { status: 404, code: 'not_found' });
    assertContractError(await api('DELETE', '/api/dashboards/ops'), { status: 404, code: 'not_found' });
  });

  it('keeps tile ids unique in the organization', async () => {
    const taken = await api('POST', '/api/dashboards', { id: 'dup', title: 'Dup', tiles: [kpi('fresh'), kpi('revenue-total')] });
    assertContractError(taken, { status: 409, code: 'conflict', field: 'tiles[1].id', mentions: /sales/ });
    assertContractError(await api('POST', '/api/dashboards', { id: 'dup', title: 'Dup', tiles: [kpi('same'), kpi('same')] }), {
      status: 400,
      code: 'invalid_request',
      field: 'tiles[1].id',
    });
    assertContractError(await api('GET', '/api/dashboards/dup'), { status: 404, code: 'not_found' });
  });

  it('validates definitions against the table metadata and names the field at fault', async () => {
    const refuse = async (tile: Record<string, unknown>, field: string, extra: Partial<Record<string, unknown>> = {}) =>
      assertContractError(await api('POST', '/api/dashboards', { id: 'bad', title: 'Bad', tiles: [tile], ...extra }), {
        status: 400,
        code: 'invalid_request',
        field,
      });
    const base = kpi('bad-tile');
    await refuse({ ...base, query: { table: 'sales', sql: 'select * from sample.sales' } }, 'tiles[0].query.sql');
    await refuse({ ...base, query: 'select * from sample.sales' }, 'tiles[0].query');
    await refuse({ ...base, query: { table: 'secrets', measures: [{ aggregate: 'count' }] } }, 'tiles[0].query.table');
    await refuse({ ...base, query: { table: 'sample.sales', measures: [{ aggregate: 'count' }] } }, 'tiles[0].query.table');
    await refuse({ ...base, query: { table: 'sales', measures: [{ aggregate: 'sum', column: 'revenue; drop table x' }] } }, 'tiles[0].query.measures[0].column');
    await refuse({ ...base, query: { table: 'sales', measures: [{ aggregate: 'sum', column: 'region' }] } }, 'tiles[0].query.measures[0].aggregate');
    await refuse({ ...base, query: { table: 'sales', measures: [{ aggregate: 'median', column: 'revenue' }] } }, 'tiles[0].query.measures[0].aggregate');
    await refuse({ ...base, query: { table: 'sales', measures: [{ aggregate: 'sum' }] } }, 'tiles[0].query.measures[0].column');
    await refuse({ ...base, query: { table: 'sales', measures: [{ aggregate: 'count', key: 'bad key"' }] } }, 'tiles[0].query.measures[0].key');
    await refuse({ ...base, query: { table: 'sales', measures: [{ aggregate: 'count', format: 'month' }] } }, 'tiles[0].query.measures[0].format');
    await refuse({ ...base, query: { table: 'sales' } }, 'tiles[0].query.measures');
    await refuse({ ...base, query: { table: 'sales', measures: [{ aggregate: 'count' }], limit: 0 } }, 'tiles[0].query.limit');
    await refuse({ ...base, query: { table: 'sales', measures: [{ aggregate: 'count' }], limit: 1e9 } }, 'tiles[0].query.limit');
    await refuse({ ...base, query: { table: 'sales', measures: [{ aggregate: 'count' }], filters: [{ column: 'units', operator: 'equals', value: '5' }] } }, 'tiles[0].query.filters[0].value');
    await refuse({ ...base, query: { table: 'sales', measures: [{ aggregate: 'count' }], filters: [{ column: 'region', operator: 'gt', value: 'A' }] } }, 'tiles[0].query.filters[0].operator');
    await refuse({ ...base, query: { table: 'sales', measures: [{ aggregate: 'count' }], filters: [{ column: 'order_date', operator: 'after', value: '2025-02-30' }] } }, 'tiles[0].query.filters[0].value');
    await refuse({ ...base, query: { table: 'sales', measures: [{ aggregate: 'count' }], filters: [{ column: 'region', operator: 'in', value: [] }] } }, 'tiles[0].query.filters[0].value');
    await refuse({ ...base, query: { table: 'sales', measures: [{ aggregate: 'count', key: 'n' }], sort: [{ key: 'revenue' }] } }, 'tiles[0].query.sort[0].key');
    await refuse({ ...base, query: { table: 'sales', dimensions: [{ column: 'region', granularity: 'month' }], measures: [{ aggregate: 'count' }] } }, 'tiles[0].query.dimensions[0].granularity');
    await refuse({ ...base, query: { table: 'sales', dimensions: [{ column: 'region' }], measures: [{ aggregate: 'count' }] } }, 'tiles[0].query');
    await refuse({ ...base, type: 'bar' }, 'tiles[0].query');
    await refuse({ ...base, type: 'pie' }, 'tiles[0].type');
    await refuse({ ...base, layout: { x: 10, y: 0, w: 3, h: 2 } }, 'tiles[0].layout.w');
    await refuse({ ...base, layout: { x: 0, y: 0, w: 3 } }, 'tiles[0].layout.h');
    await refuse({ ...base, layout: { x: -1, y: 0, w: 3, h: 2 } }, 'tiles[0].layout.x');
    await refuse({ ...base, id: 'Bad Id' }, 'tiles[0].id');
    await refuse({ ...base, extra: true }, 'tiles[0].extra');
    await refuse(base, 'title', { title: '' });
    await refuse(base, 'id', { id: '../etc' });
  });

  it('needs a signed-in admin, and the CSRF token on writes', async () => {
    assertContractError(await ctx.inject({ method: 'GET', url: '/api/dashboards' }), { status: 401, code: 'unauthenticated' });
    const { cookie } = admin;
    assertContractError(
      await ctx.inject({ method: 'POST', url: '/api/dashboards', headers: { cookie: cookie! }, payload: { id: 'x', title: 'x', tiles: [] } }),
      { status: 403, code: 'forbidden' },
    );
  });
});

describe('the OpenAPI document describes what the dataset and dashboard routes answer', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await createTestContext({ sample: true });
  });
  after(() => ctx.close());

  it('matches each answer body to its documented schema and lists each error code', async () => {
    await ctx.app.ready();
    const document = openApiDocumentOf(ctx.app) as unknown as {
      paths: Record<string, Record<string, { responses: Record<string, { description: string; content?: { 'application/json'?: { schema?: Record<string, unknown> } } }> }>>;
      components: { schemas: Record<string, Record<string, unknown>> };
    };
    const admin = await ctx.adminHeaders();
    const embed = { authorization: `Bearer ${await ctx.mint({ distinctId: 'u', role: 'explorer', attributes: { region: 'Europe' } })}`, origin: TEST_ORIGIN };
    const cases: [string, string, 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', string, Record<string, string>, Record<string, unknown>?][] = [
      ['/embed/dashboards/{id}', 'get', 'GET', '/embed/dashboards/sales', embed],
      ['/embed/dashboards/{id}', 'get', 'GET', '/embed/dashboards/nope', embed],
      ['/embed/charts/{id}', 'get', 'GET', '/embed/charts/top-products', embed],
      ['/api/tables', 'get', 'GET', '/api/tables', admin],
      ['/api/tables/{id}', 'get', 'GET', '/api/tables/sales', admin],
      ['/api/tables/{id}', 'patch', 'PATCH', '/api/tables/sales', admin, { label: 'Sales' }],
      ['/api/tables/{id}/columns/{column}', 'patch', 'PATCH', '/api/tables/sales/columns/units', admin, { synonyms: ['quantity'] }],
      ['/api/tables/{id}/rules', 'get', 'GET', '/api/tables/sales/rules', admin],
      ['/api/tables/{id}/rules', 'put', 'PUT', '/api/tables/sales/rules', admin, { mode: 'rules', rules: { combinator: 'and', rules: [{ column: 'region', operator: 'equals', attribute: 'region' }] } }],
      ['/api/tables/{id}/rules', 'put', 'PUT', '/api/tables/sales/rules', admin, { mode: 'maybe' }],
      ['/api/tables/{id}/preview', 'post', 'POST', '/api/tables/sales/preview', admin, { attributes: { region: 'Europe' } }],
      ['/api/dashboards', 'get', 'GET', '/api/dashboards', admin],
      ['/api/dashboards/{id}', 'get', 'GET', '/api/dashboards/sales', admin],
      ['/api/dashboards', 'post', 'POST', '/api/dashboards', admin, { id: 'docs', title: 'Docs', tiles: [] }],
      ['/api/dashboards', 'post', 'POST', '/api/dashboards', admin, { id: 'docs', title: 'Docs', tiles: [] }],
      ['/api/dashboards/{id}', 'put', 'PUT', '/api/dashboards/docs', admin, { title: 'Docs 2' }],
      ['/api/dashboards/{id}', 'delete', 'DELETE', '/api/dashboards/docs', admin],
      ['/api/dashboards/{id}', 'delete', 'DELETE', '/api/dashboards/docs', admin],
    ];
    const problems: string[] = [];
    for (const [path, method, verb, url, headers, payload] of cases) {
      const response = await ctx.inject({ method: verb, url, headers, ...(payload ? { payload } : {}) });
      const documented = document.paths[path]?.[method]?.responses[String(response.statusCode)];
      const name = `${verb} ${url} → ${response.statusCode}`;
      if (!documented) {
        problems.push(`${name}: status not documented`);
        continue;
      }
      const schema = documented.content?.['application/json']?.schema;
      if (schema) problems.push(...schemaMismatches(response.json(), schema, document.components.schemas).map((problem) => `${name}: ${problem}`));
      if (response.statusCode >= 400 && !documented.description.includes(`\`${response.json().error.code}\``)) problems.push(`${name}: error code not listed`);
    }
    assert.deepEqual(problems, []);
  });
});
