import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance, InjectOptions } from 'fastify';
import pg from 'pg';
import { buildApp } from '../src/app.ts';
import { runCommand } from '../src/cli/commands.ts';
import { TcError } from '../src/errors.ts';
import { createServices, type Services } from '../src/services.ts';
import type { SqlValue, Store } from '../src/store/store.ts';
import { assertContractError } from './helpers/assert-error.ts';
import { startFakePostgres, type FakePostgres } from './helpers/fake-postgres.ts';
import { createTestContext, type TestContext } from './helpers/test-app.ts';
import { assertRealPostgresInCi, needsRealPostgres, REAL_POSTGRES } from './helpers/real-postgres.ts';
import { TEST_DATABASE_URL } from './helpers/test-store.ts';

const MASK = '••••••';
const REAL = REAL_POSTGRES;
const needsPostgres = needsRealPostgres;

const assertPostgresInCi = () => assertRealPostgresInCi('the data-connection tests');

const uniquePassword = (label: string) => `${label}-${randomBytes(9).toString('base64url')}`;

/** Every row of every table of the store's schema (and the sample schema), as text. */
async function dumpStore(store: Store): Promise<string> {
  const tables = await store.query<{ schema: string; name: string }>(
    `select table_schema as schema, table_name as name from information_schema.tables
     where table_type = 'BASE TABLE' and (table_schema = current_schema() or table_schema = 'sample')`,
  );
  assert.ok(tables.some((table) => table.name === 'connections'), 'the dump must include the connections table');
  const parts: string[] = [];
  for (const table of tables) {
    const rows = await store.query<{ row: string }>(`select t::text as row from "${table.schema}"."${table.name}" t`);
    parts.push(`${table.schema}.${table.name}:`, ...rows.map((entry) => entry.row));
  }
  return parts.join('\n');
}

function assertNoSecret(text: string, secrets: Iterable<string>, where: string): void {
  for (const secret of secrets) {
    for (const encoded of [secret, Buffer.from(secret).toString('base64'), Buffer.from(secret).toString('base64url'), Buffer.from(secret).toString('hex')]) {
      assert.ok(!text.includes(encoded), `${where} contains a password (${encoded === secret ? 'plaintext' : 'encoded'})`);
    }
  }
}

async function rejectsWith(work: Promise<unknown>, code: string, message?: RegExp): Promise<TcError> {
  let caught: unknown;
  try {
    await work;
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof TcError, `expected a TcError ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  if (message) assert.match(caught.message, message);
  return caught;
}

describe('data connections: admin API, secrets at rest, test and query', () => {
  let ctx: TestContext;
  let headers: Record<string, string>;
  let refusing: FakePostgres;
  let silent: FakePostgres;
  let noTls: FakePostgres;
  const logLines: string[] = [];
  /** Every password these tests store or send: none may appear in the store, a response or a log line. */
  const passwords = new Set<string>();
  const responses: string[] = [];
  const extraApps: FastifyInstance[] = [];

  const api = async (method: InjectOptions['method'], url: string, payload?: unknown, app: { inject: TestContext['inject'] } = ctx, with_ = headers) => {
    const response = await app.inject({ method, url, headers: with_, ...(payload === undefined ? {} : { payload: payload as InjectOptions['payload'] }) });
    responses.push(response.body);
    return response;
  };
  const pw = (label: string) => {
    const value = uniquePassword(label);
    passwords.add(value);
    return value;
  };
  const refusingDraft = (password?: string) => ({
    name: `Refusing ${randomBytes(3).toString('hex')}`,
    host: '127.0.0.1',
    port: refusing.port,
    database: 'warehouse',
    user: 'reader',
    sslMode: 'disable',
    ...(password === undefined ? {} : { password }),
  });
  const storedSecret = async (id: string) =>
    (await ctx.store.query<{ password_secret: string | null }>('select password_secret from connections where id = $1', [id]))[0]?.password_secret;

  before(async () => {
    ctx = await createTestContext({
      config: { logLevel: 'trace' },
      logStream: { write: (line: string) => void logLines.push(line) },
    });
    headers = await ctx.adminHeaders();
    [refusing, silent, noTls] = await Promise.all([startFakePostgres('password-refused'), startFakePostgres('silent'), startFakePostgres('no-tls')]);
  });

  after(async () => {
    for (const app of extraApps) await app.close();
    await ctx.close();
    await Promise.all([refusing.close(), silent.close(), noTls.close()]);
  });

  it('lists the built-in sample database for every organization, read-only', async () => {
    const listed = await api('GET', '/api/connections');
    assert.equal(listed.statusCode, 200);
    const [sample] = listed.json().connections;
    assert.deepEqual(
      { id: sample.id, kind: sample.kind, builtIn: sample.builtIn, passwordSet: sample.passwordSet, password: sample.password },
      { id: 'sample', kind: 'sample', builtIn: true, passwordSet: false, password: null },
    );
    const other = await ctx.addOrg('Globex');
    assert.equal((await ctx.services.connections.list(other.orgId))[0]!.id, 'sample');

    assertContractError(await api('PATCH', '/api/connections/sample', { name: 'Mine' }), { status: 403, code: 'forbidden', mentions: /cannot be edited or removed/ });
    assertContractError(await api('DELETE', '/api/connections/sample'), { status: 403, code: 'forbidden' });
    const tested = await api('POST', '/api/connections/sample/test');
    assert.equal(tested.statusCode, 200);
    assert.equal(tested.json().ok, true);
    assert.match(tested.json().serverVersion, /^\d+/);
  });

  it('creates, reads, updates and removes a connection, masking the password in every response', async () => {
    const password = pw('crud');
    const created = await api('POST', '/api/connections', { ...refusingDraft(password), name: 'Warehouse' });
    assert.equal(created.statusCode, 201, created.body);
    const connection = created.json();
    assert.match(connection.id, /^conn_[0-9a-f]{16}$/);
    assert.deepEqual(
      { ...connection, id: undefined, createdAt: undefined, updatedAt: undefined },
      {
        id: undefined,
        name: 'Warehouse',
        kind: 'postgres',
        builtIn: false,
        host: '127.0.0.1',
        port: refusing.port,
        database: 'warehouse',
        user: 'reader',
        password: MASK,
        passwordSet: true,
        sslMode: 'disable',
        statementTimeoutMs: 30_000,
        maxRows: 10_000,
        createdAt: undefined,
        updatedAt: undefined,
      },
    );

    const listed = (await api('GET', '/api/connections')).json().connections;
    assert.deepEqual(listed.map((entry: { id: string }) => entry.id), ['sample', connection.id]);
    assert.equal(listed[1].password, MASK);
    const fetched = await api('GET', `/api/connections/${connection.id}`);
    assert.deepEqual(fetched.json(), connection);

    const renamed = await api('PATCH', `/api/connections/${connection.id}`, { name: 'Warehouse (replica)', maxRows: 500 });
    assert.equal(renamed.statusCode, 200, renamed.body);
    assert.equal(renamed.json().name, 'Warehouse (replica)');
    assert.equal(renamed.json().maxRows, 500);
    assert.equal(renamed.json().database, 'warehouse');
    assert.equal(renamed.json().password, MASK);

    const cleared = await api('PATCH', `/api/connections/${connection.id}`, { password: null });
    assert.deepEqual([cleared.json().password, cleared.json().passwordSet], [null, false]);
    assert.equal(await storedSecret(connection.id), null);

    const removed = await api('DELETE', `/api/connections/${connection.id}`);
    assert.deepEqual(removed.json(), { removed: connection.id });
    assertContractError(await api('GET', `/api/connections/${connection.id}`), { status: 404, code: 'not_found' });
    assertContractError(await api('DELETE', `/api/connections/${connection.id}`), { status: 404, code: 'not_found' });
  });

  it('keeps the stored password when an update leaves it out or sends the mask back, and replaces it otherwise', async () => {
    const first = pw('first');
    const created = (await api('POST', '/api/connections', refusingDraft(first))).json();
    const sealed = await storedSecret(created.id);
    const received = () => refusing.passwordsReceived.at(-1);

    assert.equal((await api('POST', `/api/connections/${created.id}/test`)).json().reason, 'auth_failed');
    assert.equal(received(), first, 'the decrypted password is what the server receives');

    assert.equal((await api('PATCH', `/api/connections/${created.id}`, { password: MASK, statementTimeoutMs: 2000 })).statusCode, 200);
    // The target fields sent back unchanged (as the console's form does) keep it too.
    const resent = await api('PATCH', `/api/connections/${created.id}`, { host: '127.0.0.1', port: refusing.port, database: 'warehouse', user: 'reader', sslMode: 'disable', password: MASK });
    assert.equal(resent.statusCode, 200, resent.body);
    assert.equal(await storedSecret(created.id), sealed, 'the ciphertext is untouched');
    await api('POST', `/api/connections/${created.id}/test`);
    assert.equal(received(), first);

    const second = pw('second');
    const replaced = await api('PATCH', `/api/connections/${created.id}`, { password: second });
    assert.equal(replaced.json().password, MASK);
    assert.notEqual(await storedSecret(created.id), sealed);
    await api('POST', `/api/connections/${created.id}/test`);
    assert.equal(received(), second);

    await api('PATCH', `/api/connections/${created.id}`, { password: '' });
    const none = (await api('POST', `/api/connections/${created.id}/test`)).json();
    assert.equal(none.ok, false);
    assert.equal(received(), '', 'a cleared password sends nothing of the old one (nor the server\'s PGPASSWORD)');
  });

  it('never sends a saved password to a changed host, port, database, user or sslMode: the edit must carry it again', async () => {
    const saved = pw('pinned');
    const created = (await api('POST', '/api/connections', refusingDraft(saved))).json();
    const sealed = await storedSecret(created.id);
    // A server the editing session controls, listening where the saved password must never go.
    const elsewhere = await startFakePostgres('password-refused');
    try {
      const changes: Record<string, unknown>[] = [
        { port: elsewhere.port },
        { host: 'localhost' },
        { database: 'other' },
        { user: 'someone_else' },
        { sslMode: 'require' },
        { host: 'localhost', port: elsewhere.port, user: 'reader' },
      ];
      for (const change of changes) {
        for (const password of [MASK, undefined]) {
          const body = { ...change, ...(password === undefined ? {} : { password }) };
          const named = Object.keys(change).filter((field) => field !== 'user' || change.user !== 'reader');
          const patched = assertContractError(await api('PATCH', `/api/connections/${created.id}`, body), { status: 400, code: 'invalid_request', field: 'password', mentions: /re-enter the password/i });
          for (const field of named) assert.match(patched.error.message, new RegExp(field), `the message names ${field}`);
          assertContractError(await api('POST', `/api/connections/${created.id}/test`, body), { status: 400, code: 'invalid_request', field: 'password' });
        }
      }
      assert.equal(elsewhere.passwordsReceived.length, 0, 'nothing reached the other server');
      const unchanged = (await api('GET', `/api/connections/${created.id}`)).json();
      assert.deepEqual([unchanged.host, unchanged.port, unchanged.database, unchanged.user, unchanged.sslMode], ['127.0.0.1', refusing.port, 'warehouse', 'reader', 'disable']);
      assert.equal(await storedSecret(created.id), sealed);

      // The CLI goes through the same rule.
      const cli = await runCommand(['connections', 'update', created.id, '--port', String(elsewhere.port), '--org', ctx.orgId], ctx.services);
      assert.equal(cli.exitCode, 1);
      assert.match(cli.stderr, /re-enter the password/i);

      // Entering a password makes the new target acceptable: a test with it, then saving it.
      const fresh = pw('fresh');
      const tested = (await api('POST', `/api/connections/${created.id}/test`, { port: elsewhere.port, password: fresh })).json();
      assert.equal(tested.reason, 'auth_failed');
      assert.deepEqual(elsewhere.passwordsReceived, [fresh]);
      const moved = await api('PATCH', `/api/connections/${created.id}`, { port: elsewhere.port, password: fresh });
      assert.equal(moved.statusCode, 200, moved.body);
      await api('POST', `/api/connections/${created.id}/test`);
      assert.deepEqual(elsewhere.passwordsReceived, [fresh, fresh]);
      assert.ok(!elsewhere.passwordsReceived.includes(saved));

      // A connection without a password has none to leak: its target may change freely.
      const open = (await api('POST', '/api/connections', refusingDraft())).json();
      assert.equal((await api('PATCH', `/api/connections/${open.id}`, { port: elsewhere.port })).statusCode, 200);
    } finally {
      await elsewhere.close();
    }
  });

  it('validates every field with a message naming it', async () => {
    const valid = { name: 'Valid', host: 'db.example.com', database: 'sales', user: 'reader' };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...valid, name: undefined }, 'name'],
      [{ ...valid, name: '  ' }, 'name'],
      [{ ...valid, name: 'Sample database' }, 'name'],
      [{ ...valid, host: undefined }, 'host'],
      [{ ...valid, host: 'http://db.example.com/sales' }, 'host'],
      [{ ...valid, host: '/var/run/postgresql' }, 'host'],
      [{ ...valid, host: 'db example.com' }, 'host'],
      [{ ...valid, port: 0 }, 'port'],
      [{ ...valid, port: 65536 }, 'port'],
      [{ ...valid, port: '5432' }, 'port'],
      [{ ...valid, port: 5432.5 }, 'port'],
      [{ ...valid, database: undefined }, 'database'],
      [{ ...valid, database: 'x'.repeat(64) }, 'database'],
      [{ ...valid, user: '' }, 'user'],
      [{ ...valid, password: MASK }, 'password'],
      [{ ...valid, password: 42 }, 'password'],
      [{ ...valid, sslMode: 'prefer' }, 'sslMode'],
      [{ ...valid, statementTimeoutMs: 99 }, 'statementTimeoutMs'],
      [{ ...valid, statementTimeoutMs: 300_001 }, 'statementTimeoutMs'],
      [{ ...valid, maxRows: 0 }, 'maxRows'],
      [{ ...valid, maxRows: 100_001 }, 'maxRows'],
      [{ ...valid, kind: 'sample' }, 'kind'],
      [{ ...valid, passwd: 'oops' }, 'passwd'],
    ];
    for (const [body, field] of cases) {
      const response = await api('POST', '/api/connections', JSON.parse(JSON.stringify(body)));
      assertContractError(response, { status: 400, code: 'invalid_request', field });
    }
    // Every problem at once, each naming its field.
    const all = assertContractError(await api('POST', '/api/connections', {}), { status: 400, code: 'invalid_request' });
    assert.deepEqual(all.error.details!.map((detail) => detail.field), ['name', 'host', 'database', 'user']);
    // Bounds are inclusive.
    const edge = await api('POST', '/api/connections', { ...valid, name: 'Edge', port: 65535, statementTimeoutMs: 100, maxRows: 100_000 });
    assert.equal(edge.statusCode, 201, edge.body);
    assertContractError(await api('POST', '/api/connections', { ...valid, name: 'Edge' }), { status: 409, code: 'conflict', field: 'name' });
    assertContractError(await api('PATCH', `/api/connections/${edge.json().id}`, { maxRows: -1 }), { status: 400, code: 'invalid_request', field: 'maxRows' });
    assertContractError(await api('PATCH', '/api/connections/conn_0000000000000000', { name: 'x' }), { status: 404, code: 'not_found' });
    assertContractError(await api('POST', '/api/connections', [valid]), { status: 400, code: 'invalid_request', field: 'body' });
    assert.equal(edge.json().sslMode, 'verify-full', 'TLS with a verified certificate by default');
    await api('DELETE', `/api/connections/${edge.json().id}`);
  });

  it('needs a signed-in admin (and CSRF on writes), and never shows another organization\'s connections', async () => {
    assertContractError(await api('GET', '/api/connections', undefined, ctx, {}), { status: 401, code: 'unauthenticated' });
    assertContractError(await api('POST', '/api/connections', refusingDraft(), ctx, { cookie: headers.cookie! }), { status: 403, code: 'forbidden' });

    const other = await ctx.addOrg('Initech');
    const theirs = await ctx.services.connections.create(other.orgId, refusingDraft(pw('theirs')));
    assertContractError(await api('GET', `/api/connections/${theirs.id}`), { status: 404, code: 'not_found' });
    assertContractError(await api('PATCH', `/api/connections/${theirs.id}`, { name: 'Mine' }), { status: 404, code: 'not_found' });
    assertContractError(await api('POST', `/api/connections/${theirs.id}/test`), { status: 404, code: 'not_found' });
    assertContractError(await api('DELETE', `/api/connections/${theirs.id}`), { status: 404, code: 'not_found' });
    assert.ok(!(await api('GET', '/api/connections')).body.includes(theirs.id));
    await rejectsWith(ctx.services.connections.query(ctx.orgId, theirs.id, 'select 1', []), 'not_found');
  });

  it('"Test connection" names the reason: unreachable, timeout, password refused, no TLS', async () => {
    const draft = (overrides: Record<string, unknown>) => api('POST', '/api/connections/test', { host: '127.0.0.1', database: 'd', user: 'u', sslMode: 'disable', ...overrides });

    const refused = (await draft({ port: 1 })).json();
    assert.equal(refused.ok, false);
    assert.equal(refused.reason, 'host_unreachable');
    assert.match(refused.message, /127\.0\.0\.1:1/);

    const started = Date.now();
    const slow = (await draft({ port: silent.port, statementTimeoutMs: 1000 })).json();
    assert.equal(slow.reason, 'timeout', JSON.stringify(slow));
    assert.ok(Date.now() - started < 5000, 'the connect timeout follows the statement timeout');

    const password = pw('draft');
    const auth = (await draft({ port: refusing.port, user: 'reader', password })).json();
    assert.equal(auth.reason, 'auth_failed');
    assert.match(auth.message, /password for user "reader"/);
    assert.equal(refusing.passwordsReceived.at(-1), password);

    const tls = (await draft({ port: noTls.port, sslMode: 'require' })).json();
    assert.equal(tls.reason, 'tls_unsupported');
    assert.match(tls.message, /sslMode/);

    // A draft is validated like a new connection, without a name.
    assertContractError(await api('POST', '/api/connections/test', { host: '127.0.0.1', database: 'd' }), { status: 400, code: 'invalid_request', field: 'user' });

    // Unsaved edits of a saved connection are tested without being saved.
    const saved = (await api('POST', '/api/connections', refusingDraft(pw('saved')))).json();
    const edited = (await api('POST', `/api/connections/${saved.id}/test`, { port: 1, password: pw('edited') })).json();
    assert.equal(edited.reason, 'host_unreachable');
    assert.equal((await api('GET', `/api/connections/${saved.id}`)).json().port, refusing.port);
  });

  it('"Test connection" against the real PostgreSQL: success, database missing, TLS not offered', needsPostgres, async () => {
    assertPostgresInCi();
    const ok = await api('POST', '/api/connections/test', REAL);
    assert.equal(ok.statusCode, 200);
    const result = ok.json();
    assert.equal(result.ok, true, JSON.stringify(result));
    assert.match(result.serverVersion, /^\d+(\.\d+)?/);
    assert.equal(typeof result.latencyMs, 'number');

    const missing = (await api('POST', '/api/connections/test', { ...REAL, database: `missing_${randomBytes(4).toString('hex')}` })).json();
    assert.equal(missing.reason, 'database_missing');
    assert.match(missing.message, /does not exist/);

    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    const sslOn = (await admin.query<{ ssl: string }>('show ssl')).rows[0]!.ssl === 'on';
    await admin.end();
    const tls = (await api('POST', '/api/connections/test', { ...REAL, sslMode: 'verify-full' })).json();
    assert.equal(tls.ok, false);
    assert.equal(tls.reason, sslOn ? 'tls_failed' : 'tls_unsupported');
  });

  describe('queries on a real PostgreSQL connection', needsPostgres, () => {
    const schema = `tc_conn_${process.pid}_${randomBytes(4).toString('hex')}`;
    let admin: pg.Client;
    let connectionId: string;
    let realPassword: string;

    before(async () => {
      assertPostgresInCi();
      admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await admin.connect();
      await admin.query(`create schema ${schema}`);
      await admin.query(`create table ${schema}.orders (id int primary key, region text not null, amount numeric(10, 2) not null, units int8 not null)`);
      await admin.query(`create sequence ${schema}.counter`);
      await admin.query(`insert into ${schema}.orders values (1, 'Europe', 10.50, 1), (2, 'Europe', 4.25, 2), (3, 'Asia', 7.00, 3), (4, 'Asia', 1.00, 4), (5, 'Americas', 2.00, 5)`);
      realPassword = pw('real');
      const created = await api('POST', '/api/connections', { ...REAL, name: 'Real warehouse', password: realPassword, maxRows: 3, statementTimeoutMs: 500 });
      assert.equal(created.statusCode, 201, created.body);
      connectionId = created.json().id;
    });

    after(async () => {
      await admin?.query(`drop schema if exists ${schema} cascade`);
      await admin?.end();
    });

    it('runs a parameterised SELECT and returns numbers for numeric and int8', async () => {
      const rows = await ctx.services.connections.query(
        ctx.orgId,
        connectionId,
        `select region, sum(amount) as revenue, sum(units) as units from ${schema}.orders where region = $1 group by region;`,
        ['Europe'],
      );
      assert.deepEqual(rows, [{ region: 'Europe', revenue: 14.75, units: 3 }]);
      // A value with quotes is data, never SQL.
      assert.deepEqual(await ctx.services.connections.query(ctx.orgId, connectionId, `select count(*) as n from ${schema}.orders where region = $1`, ["' or 1=1 --"]), [{ n: 0 }]);
    });

    it('refuses a result larger than maxRows instead of truncating it', async () => {
      await rejectsWith(ctx.services.connections.query(ctx.orgId, connectionId, `select * from ${schema}.orders`, []), 'row_limit_exceeded', /more than 3 rows/);
      assert.equal((await ctx.services.connections.query(ctx.orgId, connectionId, `select * from ${schema}.orders order by id limit 3`, [])).length, 3);
    });

    it('is read-only: writes, data-modifying CTEs and stacked statements fail and change nothing', async () => {
      await rejectsWith(ctx.services.connections.query(ctx.orgId, connectionId, `select nextval('${schema}.counter')`, []), 'forbidden', /read-only/);
      await rejectsWith(
        ctx.services.connections.query(ctx.orgId, connectionId, `with gone as (delete from ${schema}.orders returning *) select * from gone`, []),
        'connection_failed',
      );
      await rejectsWith(ctx.services.connections.query(ctx.orgId, connectionId, `select 1; delete from ${schema}.orders`, []), 'connection_failed');
      // A trailing comment or semicolon does not break the wrapper.
      assert.deepEqual(await ctx.services.connections.query(ctx.orgId, connectionId, 'select 1 as one -- the end', []), [{ one: 1 }]);
      assert.deepEqual(await ctx.services.connections.query(ctx.orgId, connectionId, 'select 1 as one;\n', []), [{ one: 1 }]);
      assert.equal((await admin.query(`select count(*)::int as n from ${schema}.orders`)).rows[0].n, 5);
      assert.equal((await admin.query(`select last_value::int as n, is_called from ${schema}.counter`)).rows[0].is_called, false);
    });

    it('stops a query at the statement timeout', async () => {
      await rejectsWith(ctx.services.connections.query(ctx.orgId, connectionId, 'select pg_sleep(3)', []), 'query_timeout', /500 ms/);
      // The pool is still usable afterwards.
      assert.equal((await ctx.services.connections.query(ctx.orgId, connectionId, 'select 1 as one', [])).length, 1);
    });

    it('applies an edit to the very next query (the pool is replaced) and forgets a removed connection', async () => {
      await api('PATCH', `/api/connections/${connectionId}`, { maxRows: 10 });
      assert.equal((await ctx.services.connections.query(ctx.orgId, connectionId, `select * from ${schema}.orders`, [])).length, 5);
      await api('PATCH', `/api/connections/${connectionId}`, { database: `missing_${randomBytes(3).toString('hex')}`, password: realPassword });
      await rejectsWith(ctx.services.connections.query(ctx.orgId, connectionId, 'select 1', []), 'connection_failed', /database_missing/);
      await api('DELETE', `/api/connections/${connectionId}`);
      await rejectsWith(ctx.services.connections.query(ctx.orgId, connectionId, 'select 1', []), 'not_found');
    });
  });

  it('runs sample-database queries read-only on the platform store, with the row limit', async () => {
    assert.deepEqual(await ctx.services.connections.query(ctx.orgId, 'sample', 'select $1::int + 1 as n', [41]), [{ n: 42 }]);
    await rejectsWith(ctx.services.connections.query(ctx.orgId, 'sample', 'select generate_series(1, 100001) as n', []), 'row_limit_exceeded');
    const [{ schema }] = await ctx.store.query<{ schema: string }>('select current_schema() as schema');
    await ctx.store.exec(`create sequence "${schema}".tc_sample_write_probe`);
    await rejectsWith(ctx.services.connections.query(ctx.orgId, 'sample', `select nextval('"${schema}".tc_sample_write_probe')`, []), 'forbidden');
    await rejectsWith(ctx.services.connections.query(ctx.orgId, 'sample', `delete from "${schema}".connections`, []), 'connection_failed');
  });

  it('a ciphertext moved to another connection does not decrypt: a clear error, nothing sent', async () => {
    const alpha = (await api('POST', '/api/connections', refusingDraft(pw('alpha')))).json();
    const bravo = (await api('POST', '/api/connections', refusingDraft(pw('bravo')))).json();
    const [alphaSecret, bravoSecret] = [await storedSecret(alpha.id), await storedSecret(bravo.id)];
    await ctx.store.query('update connections set password_secret = $1 where id = $2', [bravoSecret!, alpha.id]);
    await ctx.store.query('update connections set password_secret = $1 where id = $2', [alphaSecret!, bravo.id]);
    const sent = refusing.passwordsReceived.length;

    for (const id of [alpha.id, bravo.id]) {
      const result = (await api('POST', `/api/connections/${id}/test`)).json();
      assert.equal(result.ok, false);
      assert.equal(result.reason, 'secret_unavailable');
      assert.match(result.message, /cannot be decrypted: .*altered or copied from another connection/);
      assert.match(result.message, /Enter the password again/);
      await rejectsWith(ctx.services.connections.query(ctx.orgId, id, 'select 1', []), 'secret_unavailable', /cannot be decrypted/);
    }
    assert.equal(refusing.passwordsReceived.length, sent, 'no password was sent');
    // The listing still works and says a secret is set.
    assert.equal((await api('GET', `/api/connections/${alpha.id}`)).json().passwordSet, true);
    // Entering the password again repairs it.
    const fresh = pw('alpha-again');
    await api('PATCH', `/api/connections/${alpha.id}`, { password: fresh });
    await api('POST', `/api/connections/${alpha.id}/test`);
    assert.equal(refusing.passwordsReceived.at(-1), fresh);
    await api('DELETE', `/api/connections/${bravo.id}`);
  });

  describe('key rotation', () => {
    const v2 = { version: 'v2', key: randomBytes(32) };
    let rotatedServices: Services;
    let rotatedApp: FastifyInstance;
    let rotatedHeaders: Record<string, string>;

    /** A second instance over the same store whose keyring is [v2, v1]. */
    async function instanceWith(keys: Services['config']['secretKeys'], store: Store = ctx.store) {
      const config = { ...ctx.config, secretKeys: keys };
      const services = createServices(config, store);
      const app = await buildApp({ config, store, services, logStream: { write: (line: string) => void logLines.push(line) } });
      extraApps.push(app);
      const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: config.adminEmail, password: config.adminPassword } });
      const cookie = login.cookies.find((c) => c.name === 'tc_admin')!;
      return { services, app, headers: { cookie: `tc_admin=${cookie.value}`, 'x-csrf-token': login.json().csrfToken as string } };
    }

    before(async () => {
      ({ services: rotatedServices, app: rotatedApp, headers: rotatedHeaders } = await instanceWith([v2, ...ctx.config.secretKeys]));
    });

    it('re-encrypts a v1 secret under v2 when it is used, and the v1-only instance then names the unknown version', async () => {
      const password = pw('rotate-on-access');
      const created = (await api('POST', '/api/connections', refusingDraft(password))).json();
      assert.match((await storedSecret(created.id))!, /^v1:/);

      const tested = await api('POST', `/api/connections/${created.id}/test`, undefined, rotatedApp, rotatedHeaders);
      assert.equal(tested.json().reason, 'auth_failed');
      assert.equal(refusing.passwordsReceived.at(-1), password);
      const rewritten = (await storedSecret(created.id))!;
      assert.match(rewritten, /^v2:/);
      assert.ok(!rewritten.includes(password));

      // Listing does not decrypt (and so does not rotate); using it again is stable.
      await api('POST', `/api/connections/${created.id}/test`, undefined, rotatedApp, rotatedHeaders);
      assert.equal(await storedSecret(created.id), rewritten);

      // The old instance lacks v2: a clear error naming the version, not a crash.
      const stale = await api('POST', `/api/connections/${created.id}/test`);
      assert.equal(stale.statusCode, 200);
      assert.deepEqual([stale.json().ok, stale.json().reason], [false, 'secret_unavailable']);
      assert.match(stale.json().message, /key version v2, which is not in TC_SECRET_KEYS \(v1\).*Add that key back/);
      await rejectsWith(ctx.services.connections.query(ctx.orgId, created.id, 'select 1', []), 'secret_unavailable', /v2/);
      assert.equal((await api('GET', `/api/connections/${created.id}`)).statusCode, 200);
    });

    it('lazy re-encryption never overwrites a concurrent edit of the password', async () => {
      const created = (await api('POST', '/api/connections', refusingDraft(pw('before-edit')))).json();
      const concurrent = pw('concurrent-edit');
      let intercepted = false;
      // A store that lets an admin's edit land between the rotation's read and its conditional write.
      const racing: Store = {
        ...ctx.store,
        async query<Row extends object>(sql: string, params?: readonly SqlValue[]) {
          if (!intercepted && sql.startsWith('update connections set password_secret')) {
            intercepted = true;
            await ctx.services.connections.update(ctx.orgId, created.id, { password: concurrent });
          }
          return ctx.store.query<Row>(sql, params);
        },
      };
      const { services } = await instanceWith([v2, ...ctx.config.secretKeys], racing);
      await services.connections.test(ctx.orgId, { connectionId: created.id });
      assert.ok(intercepted, 'the lazy rotation tried to write');
      await services.connections.close();
      await api('POST', `/api/connections/${created.id}/test`);
      assert.equal(refusing.passwordsReceived.at(-1), concurrent, 'the concurrent edit survived');
    });

    it('`secrets rotate` re-encrypts every stored secret and prints counts; failures are counted and exit non-zero', async () => {
      const other = await ctx.addOrg('Umbrella');
      await ctx.services.connections.create(other.orgId, refusingDraft(pw('other-org')));
      const v1Count = (await ctx.store.query<{ n: number }>("select count(*)::int as n from connections where password_secret like 'v1:%'"))[0]!.n;
      const v2Count = (await ctx.store.query<{ n: number }>("select count(*)::int as n from connections where password_secret like 'v2:%'"))[0]!.n;
      assert.ok(v1Count >= 2 && v2Count >= 1);

      const first = await runCommand(['secrets', 'rotate', '--json'], rotatedServices);
      assert.equal(first.exitCode, 0, first.stderr);
      assert.deepEqual(JSON.parse(first.stdout), { rotated: v1Count, alreadyCurrent: v2Count, failed: 0, failures: [] });
      assert.equal((await ctx.store.query<{ n: number }>("select count(*)::int as n from connections where password_secret like 'v1:%'"))[0]!.n, 0);

      const again = await runCommand(['secrets', 'rotate'], rotatedServices);
      assert.equal(again.exitCode, 0);
      assert.match(again.stdout, new RegExp(`Re-encrypted under v2: 0 rotated, ${v1Count + v2Count} already current, 0 failed\\.`));

      // Every rotated secret still opens: the other organization's connection sends its password.
      const [theirs] = (await rotatedServices.connections.list(other.orgId)).filter((entry) => !entry.builtIn);
      assert.equal((await rotatedServices.connections.test(other.orgId, { connectionId: theirs!.id })).ok, false);
      assert.match(refusing.passwordsReceived.at(-1)!, /^other-org-/);

      // An instance that lost v2 cannot rotate them: counted, named, exit 1 — and nothing is rewritten.
      const secretsNow = () => ctx.store.query('select id, password_secret from connections order by id');
      const before = await secretsNow();
      const lost = await runCommand(['secrets', 'rotate'], ctx.services);
      assert.equal(lost.exitCode, 1);
      assert.match(lost.stdout, new RegExp(`0 rotated, 0 already current, ${v1Count + v2Count} failed`));
      assert.match(lost.stdout, /key version v2, which is not in TC_SECRET_KEYS/);
      assert.deepEqual(await secretsNow(), before);
    });
  });

  it('CLI commands (run as the control channel runs them): add, update, test a draft, remove — masked throughout', async () => {
    const run = async (...argv: string[]) => {
      const result = await runCommand([...argv, '--org', ctx.orgId], ctx.services);
      responses.push(result.stdout, result.stderr);
      return result;
    };
    const password = pw('cli');
    const added = await run('connections', 'add', '--name', 'From CLI', '--host', '127.0.0.1', '--port', String(refusing.port), '--database', 'd', '--user', 'reader', '--ssl-mode', 'disable', '--password', password, '--max-rows', '50', '--json');
    assert.equal(added.exitCode, 0, added.stderr);
    const created = JSON.parse(added.stdout);
    assert.deepEqual([created.password, created.maxRows], [MASK, 50]);

    const renamed = await run('connections', 'update', created.id, '--name', 'From CLI (renamed)');
    assert.equal(renamed.exitCode, 0, renamed.stderr);
    assert.match(renamed.stdout, /Updated connection conn_\w+ "From CLI \(renamed\)" \(reader@127\.0\.0\.1:\d+\/d, sslMode disable, password ••••••\)/);
    assert.equal((await run('connections', 'test', created.id)).exitCode, 1);
    assert.equal(refusing.passwordsReceived.at(-1), password, 'a rename keeps the password');

    const cleared = await run('connections', 'update', created.id, '--clear-password', '--json');
    assert.equal(JSON.parse(cleared.stdout).passwordSet, false);
    const both = await run('connections', 'update', created.id, '--clear-password', '--password', 'x');
    assert.equal(both.exitCode, 2);
    assert.match(both.stderr, /either --password.*or --clear-password/);
    // Only the CLI process can read stdin; a forwarded --password-stdin is explained, not ignored.
    const forwarded = await run('connections', 'update', created.id, '--password-stdin');
    assert.equal(forwarded.exitCode, 2);
    assert.match(forwarded.stderr, /--password-stdin is read by the tc-embed command itself/);

    const draft = await run('connections', 'test', '--host', '127.0.0.1', '--port', '1', '--database', 'd', '--user', 'u', '--ssl-mode', 'disable');
    assert.equal(draft.exitCode, 1);
    assert.match(draft.stdout, /^Connection failed \(host_unreachable\)/);
    const badFlag = await run('connections', 'add', '--name', 'Bad', '--host', 'h', '--database', 'd', '--user', 'u', '--max-rows', 'lots');
    assert.equal(badFlag.exitCode, 1);
    assert.match(badFlag.stderr, /^tc-embed: maxRows \(rows a query may return\) must be a whole number/);

    const removed = await run('connections', 'remove', created.id);
    assert.equal(removed.exitCode, 0);
    assert.equal((await run('connections', 'remove', created.id)).exitCode, 1);
    assert.equal((await run('connections', 'remove')).exitCode, 2);
  });

  it('no password appears in the store, in any response, or in any log line', async () => {
    assert.ok(passwords.size >= 10, 'the tests above stored and sent many passwords');
    const dump = await dumpStore(ctx.store);
    assertNoSecret(dump, passwords, 'the store');
    const secrets = await ctx.store.query<{ password_secret: string }>('select password_secret from connections where password_secret is not null');
    assert.ok(secrets.length > 0);
    for (const { password_secret: value } of secrets) assert.match(value, /^v\d+:[\w-]{16}:[\w-]*:[\w-]{22}$/);

    assertNoSecret(responses.join('\n'), passwords, 'an API response');
    assert.ok(logLines.length > 20, 'logs were captured at trace level');
    assertNoSecret(logLines.join(''), passwords, 'the logs');

    const listed = await runCommand(['connections', 'list', '--org', ctx.orgId], ctx.services);
    assert.equal(listed.exitCode, 0);
    assert.match(listed.stdout, /••••••/);
    assertNoSecret(listed.stdout, passwords, 'the CLI output');
  });
});
