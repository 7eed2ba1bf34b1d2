import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { sampleValue } from '../packages/server/test/helpers/prometheus.ts';
import { createScratchDatabase, POSTGRES_URL, postgresAvailability } from './helpers/postgres.ts';
import { startServerProcess, type ServerProcess } from './helpers/server-process.ts';

const availability = await postgresAvailability();

async function relayMetrics(server: ServerProcess): Promise<{ connected: number | undefined; reconnects: number | undefined }> {
  // Loopback without proxy headers: /metrics answers without a token.
  const response = await fetch(`${server.url}/metrics`);
  assert.equal(response.status, 200);
  const body = await response.text();
  return { connected: sampleValue(body, 'tc_change_relay_connected'), reconnects: sampleValue(body, 'tc_change_relay_reconnects_total') };
}

async function until(what: string, limitMs: number, probe: () => Promise<boolean>): Promise<void> {
  const started = Date.now();
  while (!(await probe())) {
    if (Date.now() - started > limitMs) assert.fail(`${what}: not within ${limitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('change relay metrics on PostgreSQL', { skip: availability.available ? false : availability.reason }, () => {
  let database: Awaited<ReturnType<typeof createScratchDatabase>>;
  let databaseName: string;
  let server: ServerProcess;
  let admin: pg.Client;

  before(async () => {
    database = await createScratchDatabase();
    databaseName = new URL(database.url).pathname.slice(1);
    server = await startServerProcess({
      DATABASE_URL: database.url,
      TC_MASTER_KEY: randomBytes(32).toString('base64'),
      TC_SECRET_KEYS: `v1:${randomBytes(32).toString('base64')}`,
      TC_ADMIN_PASSWORD: 'relay-metrics-password',
    });
    admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
  });
  after(async () => {
    await server?.stop();
    if (admin) {
      await admin.query(`alter database ${databaseName} with allow_connections true`).catch(() => {});
      await admin.end();
    }
    await database?.drop();
  });

  it('reads connected 1 and no reconnects once started', async () => {
    assert.deepEqual(await relayMetrics(server), { connected: 1, reconnects: 0 });
  });

  it('reads 0 while the LISTEN session is gone, then 1 with one reconnect once it is back', async () => {
    // Refuse new sessions first, so the relay stays down long enough to be seen down (it retries every second).
    await admin.query(`alter database ${databaseName} with allow_connections false`);
    const terminated = await admin.query(
      `select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and application_name like 'tc-embed change relay%'`,
      [databaseName],
    );
    assert.equal(terminated.rowCount, 1, 'one LISTEN session');
    await until('the gauge reads 0', 5000, async () => (await relayMetrics(server)).connected === 0);
    assert.equal((await relayMetrics(server)).reconnects, 0, 'failed attempts are not reconnects');

    await admin.query(`alter database ${databaseName} with allow_connections true`);
    await until('the gauge reads 1 again', 10_000, async () => (await relayMetrics(server)).connected === 1);
    assert.deepEqual(await relayMetrics(server), { connected: 1, reconnects: 1 });
    // The process still serves: /readyz goes through the store's own pool.
    assert.equal((await fetch(`${server.url}/readyz`)).status, 200);
  });
});

describe('change relay metrics without PostgreSQL', () => {
  it('are not exposed by an instance on its embedded store (there is no relay)', async () => {
    const server = await startServerProcess({});
    try {
      assert.deepEqual(await relayMetrics(server), { connected: undefined, reconnects: undefined });
    } finally {
      await server.stop();
    }
  });
});
