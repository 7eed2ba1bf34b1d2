import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { migrate } from '../packages/server/src/store/migrations.ts';
import { MIGRATIONS } from '../packages/server/src/store/migrations/index.ts';
import { openPostgresStore } from '../packages/server/src/store/postgres-store.ts';
import { createScratchDatabase, postgresAvailability } from './helpers/postgres.ts';
import { startServerProcess, type ServerProcess } from './helpers/server-process.ts';

const availability = await postgresAvailability();

describe('instances starting together on an empty PostgreSQL database', { skip: availability.available ? false : availability.reason }, () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  });

  it('several stores migrating one fresh database at once all succeed, and the migrations run once', async () => {
    // Repeated: the collision on the bookkeeping table's creation is a narrow race.
    for (let round = 0; round < 5; round++) {
      const database = await createScratchDatabase();
      cleanups.push(() => database.drop());
      const stores = await Promise.all(Array.from({ length: 4 }, () => openPostgresStore({ connectionString: database.url, maxConnections: 2 })));
      try {
        const results = await Promise.all(stores.map((store) => migrate(store)));
        const appliedBy = results.map((result) => result.applied.length);
        assert.equal(appliedBy.filter((count) => count === MIGRATIONS.length).length, 1, `one store applies them all: ${appliedBy}`);
        assert.equal(appliedBy.filter((count) => count === 0).length, stores.length - 1, `the others find nothing to do: ${appliedBy}`);
        const rows = await stores[0]!.query<{ count: number }>('select count(*)::int as count from schema_migrations');
        assert.equal(rows[0]!.count, MIGRATIONS.length);
      } finally {
        await Promise.all(stores.map((store) => store.close()));
      }
    }
  });

  it('two server processes started at the same moment both come up and serve', async () => {
    const database = await createScratchDatabase();
    cleanups.push(() => database.drop());
    const shared = {
      DATABASE_URL: database.url,
      TC_MASTER_KEY: randomBytes(32).toString('base64'),
      TC_SECRET_KEYS: `v1:${randomBytes(32).toString('base64')}`,
      TC_ADMIN_PASSWORD: 'concurrent-start-password',
    };
    const servers: ServerProcess[] = await Promise.all([startServerProcess(shared, 60_000), startServerProcess(shared, 60_000)]);
    cleanups.push(() => Promise.all(servers.map((server) => server.stop())));
    for (const server of servers) {
      const ready = await fetch(`${server.url}/readyz`);
      assert.equal(ready.status, 200, `${await ready.text()}\n${server.output()}`);
      const login = await fetch(`${server.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'admin@example.com', password: shared.TC_ADMIN_PASSWORD }),
      });
      assert.equal(login.status, 200, await login.text());
    }
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ count: number }>('select count(*)::int as count from schema_migrations');
      assert.equal(rows[0]!.count, MIGRATIONS.length);
    } finally {
      await client.end();
    }
  });
});
