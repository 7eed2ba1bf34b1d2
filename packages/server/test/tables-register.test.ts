import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { InjectOptions } from 'fastify';
import pg from 'pg';
import { runCommand } from '../src/cli/commands.ts';
import { ask } from './helpers/assistant-client.ts';
import { assertContractError } from './helpers/assert-error.ts';
import { startFakePostgres, type FakePostgres } from './helpers/fake-postgres.ts';
import { createTestContext, TEST_ORIGIN, type TestContext } from './helpers/test-app.ts';
import { assertRealPostgresInCi, needsRealPostgres, REAL_POSTGRES } from './helpers/real-postgres.ts';
import { TEST_DATABASE_URL } from './helpers/test-store.ts';

const REAL = REAL_POSTGRES;
const needsPostgres = needsRealPostgres;

describe('registering tables of a data connection', () => {
  let ctx: TestContext;
  let headers: Record<string, string>;
  let refusing: FakePostgres;

  const api = (method: InjectOptions['method'], url: string, payload?: unknown) =>
    ctx.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as InjectOptions['payload'] }) });
  const cli = (...args: string[]) => runCommand(args, ctx.services);

  before(async () => {
    ctx = await createTestContext();
    headers = await ctx.adminHeaders();
    refusing = await startFakePostgres('password-refused');
  });

  after(async () => {
    await ctx.close();
    await refusing.close();
  });

  it('needs a signed-in admin', async () => {
    const anonymous = await ctx.inject({ method: 'GET', url: '/api/connections/sample/tables' });
    assertContractError(anonymous, { status: 401, code: 'unauthenticated' });
    const noCsrf = await ctx.inject({ method: 'POST', url: '/api/tables', headers: { cookie: headers.cookie! }, payload: { connectionId: 'sample', schema: 'sample', table: 'sales' } });
    assert.equal(noCsrf.statusCode, 403, noCsrf.body);
  });

  it('never lists or registers the platform store\'s own tables through the built-in sample connection', async () => {
    const listed = await api('GET', '/api/connections/sample/tables');
    assert.equal(listed.statusCode, 200, listed.body);
    for (const table of listed.json().tables) assert.equal(table.schema, 'sample', `listed ${table.schema}.${table.name}`);
    assert.ok(!listed.body.includes('api_keys') && !listed.body.includes('connections'), listed.body);
    const schema = (await ctx.store.query<{ schema: string }>('select current_schema() as schema'))[0]!.schema;
    for (const attempt of [
      { connectionId: 'sample', schema, table: 'api_keys' },
      { connectionId: 'sample', schema: 'public', table: 'connections' },
      { connectionId: 'sample', schema: 'pg_catalog', table: 'pg_authid' },
    ]) {
      assertContractError(await api('POST', '/api/tables', attempt), { status: 404, code: 'not_found', field: 'table' });
    }
    assert.equal((await api('GET', '/api/tables')).json().tables.length, 0);
  });

  it('validates the body, naming each field', async () => {
    const cases: [unknown, number, string, string][] = [
      [{ schema: 'public', table: 'orders' }, 400, 'invalid_request', 'connectionId'],
      [{ connectionId: 'sample', table: 'orders' }, 400, 'invalid_request', 'schema'],
      [{ connectionId: 'sample', schema: 'public' }, 400, 'invalid_request', 'table'],
      [{ connectionId: 'sample', schema: 'public', table: 'a"; drop table x; --' }, 400, 'invalid_request', 'table'],
      [{ connectionId: 'sample', schema: 'pub lic', table: 'orders' }, 400, 'invalid_request', 'schema'],
      [{ connectionId: 'sample', schema: 'sample', table: 'sales', id: 'Not An Id' }, 400, 'invalid_request', 'id'],
      [{ connectionId: 'sample', schema: 'sample', table: 'sales', label: 42 }, 400, 'invalid_request', 'label'],
      [{ connectionId: 'sample', schema: 'sample', table: 'sales', extra: true }, 400, 'invalid_request', 'body.extra'],
    ];
    for (const [body, status, code, field] of cases) {
      assertContractError(await api('POST', '/api/tables', body), { status, code, field });
    }
    const unknown = await api('POST', '/api/tables', { connectionId: 'conn_0000000000000000', schema: 'public', table: 'orders' });
    assertContractError(unknown, { status: 404, code: 'not_found', mentions: /conn_0000000000000000/ });
    assertContractError(await api('GET', '/api/connections/conn_0000000000000000/tables'), { status: 404, code: 'not_found' });
    assertContractError(await api('DELETE', '/api/tables/nope'), { status: 404, code: 'not_found' });
  });

  it('says why a connection\'s tables cannot be read, with "Test connection"\'s reason', async () => {
    const created = await api('POST', '/api/connections', {
      name: 'Refusing',
      host: '127.0.0.1',
      port: refusing.port,
      database: 'warehouse',
      user: 'reader',
      password: 'wrong-password',
      sslMode: 'disable',
    });
    assert.equal(created.statusCode, 201, created.body);
    const listed = await api('GET', `/api/connections/${created.json().id}/tables`);
    assertContractError(listed, { status: 502, code: 'connection_failed', mentions: /auth_failed.*refused the password/ });
    assert.ok(!listed.body.includes('wrong-password'));
    const registered = await api('POST', '/api/tables', { connectionId: created.json().id, schema: 'public', table: 'orders' });
    assertContractError(registered, { status: 502, code: 'connection_failed', mentions: /auth_failed/ });
  });

  describe('end to end on the real PostgreSQL service', needsPostgres, () => {
    const schema = `tc_reg_${process.pid}_${randomBytes(4).toString('hex')}`;
    let admin: pg.Client;
    let connectionId: string;

    const viewAs = async (attributes: Record<string, unknown>) => {
      const token = await ctx.mint({ distinctId: 'viewer-1', role: 'explorer', attributes });
      const response = await ctx.inject({ method: 'GET', url: '/embed/dashboards/orders-board', headers: { authorization: `Bearer ${token}`, origin: TEST_ORIGIN } });
      assert.equal(response.statusCode, 200, response.body);
      const tile = response.json().tiles.find((candidate: { id: string }) => candidate.id === 'orders-by-region');
      assert.equal(tile.error, undefined, JSON.stringify(tile.error));
      return { token, rows: tile.rows as { region: string; amount: number; orders: number }[] };
    };

    before(async () => {
      assertRealPostgresInCi('this end-to-end test');
      admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await admin.connect();
      await admin.query(`create schema ${schema}`);
      await admin.query(
        `create table ${schema}.orders (id integer primary key, region text not null, amount numeric(10, 2) not null, created date not null, paid boolean not null, tags text[], "Odd Name" text)`,
      );
      await admin.query(`create view ${schema}.europe_orders as select * from ${schema}.orders where region = 'Europe'`);
      await admin.query(
        `insert into ${schema}.orders values
           (1, 'Europe', 10.50, '2026-01-02', true, '{a}', 'x'), (2, 'Europe', 4.25, '2026-01-03', false, null, null),
           (3, 'Asia', 7.00, '2026-01-04', true, null, null), (4, 'Asia', 1.00, '2026-01-05', true, null, null),
           (5, 'Americas', 2.00, '2026-01-06', false, null, null)`,
      );
      const created = await api('POST', '/api/connections', { ...REAL, name: 'Warehouse' });
      assert.equal(created.statusCode, 201, created.body);
      connectionId = created.json().id;
    });

    after(async () => {
      await admin?.query(`drop schema if exists ${schema} cascade`);
      await admin?.end();
    });

    it('lists the tables and views with their PostgreSQL types mapped to dataset types', async () => {
      const response = await api('GET', `/api/connections/${connectionId}/tables`);
      assert.equal(response.statusCode, 200, response.body);
      const body = response.json();
      assert.equal(body.connectionId, connectionId);
      const mine = body.tables.filter((table: { schema: string }) => table.schema === schema);
      assert.deepEqual(
        mine.map((table: { name: string; kind: string; registeredAs: string[] }) => [table.name, table.kind, table.registeredAs]),
        [
          ['europe_orders', 'view', []],
          ['orders', 'table', []],
        ],
      );
      assert.ok(!body.tables.some((table: { schema: string }) => ['pg_catalog', 'information_schema'].includes(table.schema)));
      assert.deepEqual(mine[1].columns, [
        { name: 'id', dataType: 'integer', type: 'number' },
        { name: 'region', dataType: 'text', type: 'string' },
        { name: 'amount', dataType: 'numeric', type: 'number' },
        { name: 'created', dataType: 'date', type: 'date' },
        { name: 'paid', dataType: 'boolean', type: 'boolean' },
        { name: 'tags', dataType: 'ARRAY', type: null, unsupported: 'type ARRAY is not supported' },
        { name: 'Odd Name', dataType: 'text', type: null, unsupported: 'its name is not a plain SQL identifier (letters, digits, "_")' },
      ]);
    });

    it('registers a table: columns introspected, labels from names, duplicates and unknown tables refused', async () => {
      const response = await api('POST', '/api/tables', { connectionId, schema, table: 'orders' });
      assert.equal(response.statusCode, 201, response.body);
      const table = response.json();
      assert.equal(table.id, 'orders');
      assert.equal(table.label, 'Orders');
      assert.equal(table.connectionId, connectionId);
      assert.deepEqual(
        table.columns.map((column: { name: string; type: string; label: string; format: string }) => [column.name, column.type, column.label, column.format]),
        [
          ['id', 'number', 'Id', 'integer'],
          ['region', 'string', 'Region', 'text'],
          ['amount', 'number', 'Amount', 'number'],
          ['created', 'date', 'Created', 'date'],
          ['paid', 'boolean', 'Paid', 'text'],
        ],
      );
      assert.deepEqual(table.skippedColumns.map((column: { name: string }) => column.name), ['tags', 'Odd Name']);
      const { skippedColumns: _skipped, ...stored } = table;
      assert.deepEqual((await api('GET', '/api/tables/orders')).json(), stored);

      assertContractError(await api('POST', '/api/tables', { connectionId, schema, table: 'orders', id: 'orders_again' }), {
        status: 409,
        code: 'conflict',
        field: 'table',
        mentions: /already registered as table "orders"/,
      });
      assertContractError(await api('POST', '/api/tables', { connectionId, schema, table: 'missing' }), { status: 404, code: 'not_found', field: 'table' });
      assertContractError(await api('POST', '/api/tables', { connectionId, schema, table: 'europe_orders', id: 'orders' }), { status: 409, code: 'conflict', field: 'id' });
      assertContractError(await api('POST', '/api/tables', { connectionId, schema, table: 'europe_orders', columns: ['region', 'nope'] }), {
        status: 400,
        code: 'invalid_request',
        field: 'columns[1]',
      });
      assertContractError(await api('POST', '/api/tables', { connectionId, schema, table: 'europe_orders', columns: ['tags'] }), {
        status: 400,
        code: 'invalid_request',
        field: 'columns[0]',
        mentions: /ARRAY is not supported/,
      });

      // A view, with chosen columns and labels; the list now says what is registered.
      const view = await api('POST', '/api/tables', { connectionId, schema, table: 'europe_orders', label: 'European orders', columns: ['region', { name: 'amount', label: 'Value' }] });
      assert.equal(view.statusCode, 201, view.body);
      assert.deepEqual(view.json().columns.map((column: { name: string; label: string }) => [column.name, column.label]), [['region', 'Region'], ['amount', 'Value']]);
      const listed = (await api('GET', `/api/connections/${connectionId}/tables`)).json();
      const registeredAs = Object.fromEntries(listed.tables.filter((t: { schema: string }) => t.schema === schema).map((t: { name: string; registeredAs: string[] }) => [t.name, t.registeredAs]));
      assert.deepEqual(registeredAs, { europe_orders: ['europe_orders'], orders: ['orders'] });
      assert.deepEqual((await api('DELETE', '/api/tables/europe_orders')).json(), { removed: 'europe_orders' });
    });

    it('serves only the rows the access rules allow to embed tokens (dashboard, assistant and preview)', async () => {
      const dashboard = await api('POST', '/api/dashboards', {
        id: 'orders-board',
        title: 'Orders',
        tiles: [
          {
            id: 'orders-by-region',
            title: 'Orders by region',
            type: 'table',
            layout: { x: 0, y: 0, w: 12, h: 4 },
            query: { table: 'orders', dimensions: [{ column: 'region' }], measures: [{ key: 'amount', aggregate: 'sum', column: 'amount' }, { key: 'orders', aggregate: 'count' }], sort: [{ key: 'region' }] },
          },
        ],
      });
      assert.equal(dashboard.statusCode, 201, dashboard.body);

      // A newly registered table shows no rows until an admin writes its rules.
      assert.deepEqual((await viewAs({ region: 'Europe' })).rows, []);

      const rules = await api('PUT', '/api/tables/orders/rules', { mode: 'rules', rules: { combinator: 'and', rules: [{ column: 'region', operator: 'equals', attribute: 'region' }] } });
      assert.equal(rules.statusCode, 200, rules.body);

      const europe = await viewAs({ region: 'Europe' });
      assert.deepEqual(europe.rows, [{ region: 'Europe', amount: 14.75, orders: 2 }]);
      assert.deepEqual((await viewAs({ region: 'Asia' })).rows, [{ region: 'Asia', amount: 8, orders: 2 }]);
      assert.deepEqual((await viewAs({})).rows, [], 'a token without the attribute sees nothing');
      assert.deepEqual((await viewAs({ region: "Europe' or '1'='1" })).rows, []);

      // The assistant answers over the registered table through the same rules.
      const answer = await ask(ctx, europe.token, 'total amount by region');
      assert.equal(answer.response.statusCode, 200, answer.response.body);
      assert.equal(answer.error, undefined, JSON.stringify(answer.error));
      assert.equal(answer.result?.query.table, 'orders');
      assert.deepEqual(answer.result!.rows.map((row) => Object.values(row).find((value) => typeof value === 'string')), ['Europe']);
      const anonymous = await ask(ctx, (await viewAs({})).token, 'total amount by region');
      assert.equal(anonymous.result?.rows.length ?? 0, 0);

      const preview = async (attributes: Record<string, unknown>) => (await api('POST', '/api/tables/orders/preview', { attributes })).json().rowCount;
      assert.equal(await preview({ region: 'Europe' }), 2);
      assert.equal(await preview({ region: 'Americas' }), 1);
      assert.equal(await preview({}), 0);
    });

    it('refuses to remove a table a dashboard uses, then removes it with its rules', async () => {
      assertContractError(await api('DELETE', '/api/tables/orders'), { status: 409, code: 'conflict', mentions: /dashboard "orders-board"/ });
      assert.equal((await api('DELETE', '/api/dashboards/orders-board')).statusCode, 200);
      assert.deepEqual((await api('DELETE', '/api/tables/orders')).json(), { removed: 'orders' });
      assertContractError(await api('GET', '/api/tables/orders'), { status: 404, code: 'not_found' });
      assertContractError(await api('GET', '/api/tables/orders/rules'), { status: 404, code: 'not_found' });
      const rows = await ctx.store.query('select 1 from table_access_rules where org_id = $1 and table_id = $2', [ctx.orgId, 'orders']);
      assert.equal(rows.length, 0);
    });

    it('CLI: tables add, list and remove, with --json and clear errors', async () => {
      const added = await cli('tables', 'add', '--connection', connectionId, '--schema', schema, '--table', 'orders', '--label', 'Shop orders');
      assert.equal(added.exitCode, 0, added.stderr);
      assert.match(added.stdout, /^Registered table orders "Shop orders" \(5 columns\) from .*orders\./);
      assert.match(added.stdout, /skipped: tags \(ARRAY\), Odd Name/);
      assert.match(added.stdout, /tc-embed rules set orders/);

      const listed = await cli('tables', 'list', '--json');
      assert.equal(listed.exitCode, 0, listed.stderr);
      assert.deepEqual(JSON.parse(listed.stdout).map((table: { id: string; label: string }) => [table.id, table.label]), [['orders', 'Shop orders']]);

      const available = await cli('tables', 'available', '--connection', connectionId);
      assert.equal(available.exitCode, 0, available.stderr);
      assert.match(available.stdout, new RegExp(`${schema}\\s+orders\\s+table\\s+7\\s+orders`));
      assert.match(available.stdout, new RegExp(`${schema}\\s+europe_orders\\s+view`));

      const again = await cli('tables', 'add', '--connection', connectionId, '--schema', schema, '--table', 'orders', '--id', 'orders2', '--json');
      assert.equal(again.exitCode, 1);
      assert.equal(again.stdout, '');
      assert.equal(JSON.parse(again.stderr).error.code, 'conflict');

      const missing = await cli('tables', 'add', '--connection', connectionId, '--schema', schema);
      assert.equal(missing.exitCode, 2);
      assert.match(missing.stderr, /^tc-embed: --table is required: tc-embed tables add --connection ID --schema SCHEMA --table TABLE/);

      const removed = await cli('tables', 'remove', 'orders', '--json');
      assert.equal(removed.exitCode, 0, removed.stderr);
      assert.deepEqual(JSON.parse(removed.stdout), { removed: 'orders' });
      const gone = await cli('tables', 'remove', 'orders');
      assert.equal(gone.exitCode, 1);
      assert.match(gone.stderr, /^tc-embed: Table "orders" was not found\.\n$/);
    });
  });
});
