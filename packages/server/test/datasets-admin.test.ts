import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SALES_REGION_RULE, SALES_TABLE } from '../src/sample/sales-metadata.ts';
import { assertContractError } from './helpers/assert-error.ts';
import { SAMPLE_ROWS } from './helpers/sample-reference.ts';
import { createTestContext, TEST_ORIGIN, type TestContext } from './helpers/test-app.ts';
import { TcError } from '../src/errors.ts';

const count = (keep: (row: (typeof SAMPLE_ROWS)[number]) => boolean) => SAMPLE_ROWS.filter(keep).length;

describe('admin API: tables, columns, access rules and the rule preview', () => {
  let ctx: TestContext;
  let admin: Record<string, string>;

  const api = (method: 'GET' | 'PATCH' | 'PUT' | 'POST', url: string, payload?: unknown) =>
    ctx.inject({ method, url, headers: admin, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });
  const putRules = (payload: unknown) => api('PUT', '/api/tables/sales/rules', payload);
  const preview = async (attributes: Record<string, unknown>) => {
    const response = await api('POST', '/api/tables/sales/preview', { attributes });
    assert.equal(response.statusCode, 200, response.body);
    assert.deepEqual(Object.keys(response.json()), ['rowCount']);
    return response.json().rowCount as number;
  };

  before(async () => {
    ctx = await createTestContext({ sample: true });
    admin = await ctx.adminHeaders();
  });
  after(() => ctx.close());

  it('lists the sample table with its columns, types, labels, descriptions and synonyms', async () => {
    const response = await api('GET', '/api/tables');
    assert.equal(response.statusCode, 200);
    const [sales] = response.json().tables;
    assert.equal(sales.id, 'sales');
    assert.equal(sales.connectionId, 'sample');
    assert.deepEqual(
      sales.columns.map((column: { name: string; type: string }) => [column.name, column.type]),
      SALES_TABLE.columns.map((column) => [column.name, column.type]),
    );
    const revenue = sales.columns.find((column: { name: string }) => column.name === 'revenue');
    assert.deepEqual(revenue, {
      name: 'revenue',
      type: 'number',
      label: 'Revenue',
      description: 'Amount invoiced after discount, in US dollars.',
      synonyms: ['sales', 'turnover', 'income'],
      format: 'currency',
    });
    assert.deepEqual((await api('GET', '/api/tables/sales')).json(), sales);
    assertContractError(await api('GET', '/api/tables/nope'), { status: 404, code: 'not_found' });
  });

  it('lets the admin edit the wording of tables and columns, and checks each field', async () => {
    const table = await api('PATCH', '/api/tables/sales', { label: 'Orders', description: 'Every order line.' });
    assert.equal(table.statusCode, 200, table.body);
    assert.equal(table.json().label, 'Orders');
    assert.equal(table.json().description, 'Every order line.');

    const column = await api('PATCH', '/api/tables/sales/columns/revenue', {
      label: 'Net revenue',
      synonyms: ['turnover', ' sales amount ', 'turnover', ''],
      format: 'number',
    });
    assert.equal(column.statusCode, 200, column.body);
    assert.deepEqual(column.json().synonyms, ['turnover', 'sales amount']);
    const reread = (await api('GET', '/api/tables/sales')).json().columns.find((c: { name: string }) => c.name === 'revenue');
    assert.deepEqual([reread.label, reread.format, reread.synonyms], ['Net revenue', 'number', ['turnover', 'sales amount']]);

    assertContractError(await api('PATCH', '/api/tables/sales', { label: '' }), { status: 400, code: 'invalid_request', field: 'label' });
    assertContractError(await api('PATCH', '/api/tables/sales', { schemaName: 'public' }), { status: 400, code: 'invalid_request', field: 'body.schemaName' });
    assertContractError(await api('PATCH', '/api/tables/sales/columns/revenue', { format: 'month' }), { status: 400, code: 'invalid_request', field: 'format' });
    assertContractError(await api('PATCH', '/api/tables/sales/columns/revenue', { synonyms: 'turnover' }), { status: 400, code: 'invalid_request', field: 'synonyms' });
    assertContractError(await api('PATCH', '/api/tables/sales/columns/revenue', { synonyms: [42] }), { status: 400, code: 'invalid_request', field: 'synonyms[0]' });
    assertContractError(await api('PATCH', '/api/tables/sales/columns/revenue', { type: 'string' }), { status: 400, code: 'invalid_request', field: 'body.type' });
    assertContractError(await api('PATCH', '/api/tables/sales/columns/nope', { label: 'x' }), { status: 404, code: 'not_found' });
    assertContractError(await api('PATCH', '/api/tables/nope', { label: 'x' }), { status: 404, code: 'not_found' });
  });

  it('reads and replaces the whole rule tree of a table', async () => {
    const seeded = (await api('GET', '/api/tables/sales/rules')).json();
    assert.deepEqual({ ...seeded, updatedAt: undefined }, { tableId: 'sales', mode: 'rules', rules: SALES_REGION_RULE, updatedAt: undefined });

    const rules = {
      combinator: 'or',
      rules: [
        { column: 'region', operator: 'equals', attribute: 'region' },
        { combinator: 'and', rules: [{ column: 'country', operator: 'in', attribute: 'countries' }, { column: 'units', operator: 'gte', attribute: 'level' }] },
      ],
    };
    const saved = await putRules({ mode: 'rules', rules });
    assert.equal(saved.statusCode, 200, saved.body);
    assert.deepEqual(saved.json().rules, rules);
    assert.deepEqual((await api('GET', '/api/tables/sales/rules')).json().rules, rules);
    assert.equal(await preview({ countries: ['Japan'], level: 3 }), count((row) => row.country === 'Japan' && row.units >= 3));
    assert.equal(await preview({ region: 'Europe', countries: ['Japan'], level: 3 }), count((row) => row.region === 'Europe' || (row.country === 'Japan' && row.units >= 3)));

    assert.equal((await putRules({ mode: 'open' })).json().mode, 'open');
    assert.equal(await preview({}), SAMPLE_ROWS.length);
    assert.deepEqual((await putRules({ mode: 'rules', rules: null })).json().rules, null);
    assert.equal(await preview({ region: 'Europe' }), 0);
    assert.equal((await putRules({ mode: 'rules', rules: SALES_REGION_RULE })).statusCode, 200);
  });

  it('previews how many rows a user with given attributes sees, with the saved rules', async () => {
    assert.equal(await preview({ region: 'Europe' }), count((row) => row.region === 'Europe'));
    assert.equal(await preview({ region: 'Latin America' }), count((row) => row.region === 'Latin America'));
    assert.equal(await preview({ region: "Europe' OR 1=1 --" }), 0);
    assert.equal(await preview({}), 0);
    assertContractError(await api('POST', '/api/tables/sales/preview', { attributes: { region: ['Europe'] } }), {
      status: 400,
      code: 'invalid_request',
      field: 'attributes.region',
    });
    assertContractError(await api('POST', '/api/tables/sales/preview', { attributes: { department: 'x' } }), {
      status: 400,
      code: 'invalid_request',
      field: 'attributes.department',
    });
    assertContractError(await api('POST', '/api/tables/sales/preview', { attributes: 'region=Europe' }), { status: 400, code: 'invalid_request', field: 'attributes' });
    assertContractError(await api('POST', '/api/tables/nope/preview', { attributes: {} }), { status: 404, code: 'not_found' });
  });

  it('refuses rules that cannot work, naming the field: operator, column, attribute and its type, shape', async () => {
    const refuse = async (payload: unknown, field: string) => assertContractError(await putRules(payload), { status: 400, code: 'invalid_request', field });
    const one = (condition: Record<string, unknown>) => ({ mode: 'rules', rules: { combinator: 'and', rules: [condition] } });
    await refuse(one({ column: 'region', operator: 'gt', attribute: 'region' }), 'rules.rules[0].operator');
    await refuse(one({ column: 'order_date', operator: 'in', attribute: 'since' }), 'rules.rules[0].operator');
    await refuse(one({ column: 'region', operator: 'like', attribute: 'region' }), 'rules.rules[0].operator');
    await refuse(one({ column: 'region; drop table x', operator: 'equals', attribute: 'region' }), 'rules.rules[0].column');
    await refuse(one({ column: 'region', operator: 'equals', attribute: 'department' }), 'rules.rules[0].attribute');
    await refuse(one({ column: 'region', operator: 'equals', attribute: 'level' }), 'rules.rules[0].attribute');
    await refuse(one({ column: 'region', operator: 'equals', attribute: 'countries' }), 'rules.rules[0].attribute');
    await refuse(one({ column: 'units', operator: 'gt', attribute: 'region' }), 'rules.rules[0].attribute');
    await refuse(one({ column: 'order_date', operator: 'before', attribute: 'region' }), 'rules.rules[0].attribute');
    await refuse(one({ column: 'region', operator: 'equals', attribute: 'region', value: 'Europe' }), 'rules.rules[0].value');
    await refuse(one({ column: 'region', operator: 'equals' }), 'rules.rules[0].attribute');
    await refuse({ mode: 'rules', rules: { combinator: 'xor', rules: [] } }, 'rules.combinator');
    await refuse({ mode: 'rules', rules: { combinator: 'and', rules: [] } }, 'rules.rules');
    await refuse({ mode: 'sometimes' }, 'mode');
    await refuse({ mode: 'open', rules: SALES_REGION_RULE }, 'rules');
    await refuse({ mode: 'rules', rules: SALES_REGION_RULE, sql: '1=1' }, 'body.sql');
    let deep: Record<string, unknown> = { column: 'region', operator: 'equals', attribute: 'region' };
    for (let i = 0; i < 5; i++) deep = { combinator: 'and', rules: [deep] };
    await refuse({ mode: 'rules', rules: deep }, 'rules.rules[0].rules[0].rules[0].rules[0]');
    assertContractError(await api('PUT', '/api/tables/nope/rules', { mode: 'open' }), { status: 404, code: 'not_found' });
    // Nothing was saved by any refused request.
    assert.deepEqual((await api('GET', '/api/tables/sales/rules')).json().rules, SALES_REGION_RULE);
  });

  it('accepts every operator the contract lists for each column type, with a compatible attribute', async () => {
    const accepted: [string, string, string][] = [
      ['region', 'equals', 'region'], ['region', 'not_equals', 'region'], ['region', 'in', 'countries'], ['region', 'not_in', 'countries'],
      ['region', 'in', 'region'], ['region', 'is_set', 'level'], ['region', 'is_not_set', 'beta'],
      ['units', 'equals', 'level'], ['units', 'not_equals', 'level'], ['units', 'in', 'countries'], ['units', 'not_in', 'level'],
      ['units', 'gt', 'level'], ['units', 'gte', 'level'], ['units', 'lt', 'level'], ['units', 'lte', 'level'], ['units', 'is_set', 'region'],
      ['order_date', 'equals', 'since'], ['order_date', 'before', 'since'], ['order_date', 'after', 'since'],
    ];
    for (const [column, operator, attribute] of accepted) {
      const response = await putRules({ mode: 'rules', rules: { combinator: 'and', rules: [{ column, operator, attribute }] } });
      assert.equal(response.statusCode, 200, `${column} ${operator} ${attribute}: ${response.body}`);
    }
    assert.equal((await putRules({ mode: 'rules', rules: SALES_REGION_RULE })).statusCode, 200);
  });

  it('never lets a table of the built-in sample connection point at the platform\'s own tables', async () => {
    await assert.rejects(
      ctx.services.datasets.register(ctx.orgId, {
        id: 'keys',
        connectionId: 'sample',
        schemaName: 'public',
        tableName: 'api_keys',
        label: 'Keys',
        columns: [{ name: 'secret_sha256', type: 'string', label: 'Hash' }],
      }),
      (error: unknown) => error instanceof TcError && error.code === 'invalid_request' && error.details?.[0]?.field === 'schemaName',
    );
    // Even metadata written around the service (a bad migration, a hand edit) is refused when queried.
    await ctx.store.query(
      `insert into dataset_tables (org_id, id, connection_id, schema_name, table_name, label) values ($1, 'keys', 'sample', 'public', 'api_keys', 'Keys')`,
      [ctx.orgId],
    );
    await ctx.store.query(
      `insert into dataset_columns (org_id, table_id, name, position, type, label, format) values ($1, 'keys', 'secret_sha256', 0, 'string', 'Hash', 'text')`,
      [ctx.orgId],
    );
    assert.equal((await api('PUT', '/api/tables/keys/rules', { mode: 'open' })).statusCode, 200);
    const created = await api('POST', '/api/dashboards', {
      id: 'keys',
      title: 'Keys',
      tiles: [{ id: 'keys-table', title: 'Keys', type: 'table', layout: { x: 0, y: 0, w: 12, h: 4 }, query: { table: 'keys', dimensions: [{ column: 'secret_sha256' }] } }],
    });
    assert.equal(created.statusCode, 201, created.body);
    const token = await ctx.mint({ distinctId: 'u', role: 'explorer', attributes: {} });
    const chart = await ctx.inject({ method: 'GET', url: '/embed/charts/keys-table', headers: { authorization: `Bearer ${token}`, origin: TEST_ORIGIN } });
    assert.equal(chart.statusCode, 200);
    assert.deepEqual(chart.json().tile.rows, []);
    assert.equal(chart.json().tile.error.code, 'internal_error');
    assert.equal((await api('POST', '/api/tables/keys/preview', { attributes: {} })).statusCode, 403);
  });
});
