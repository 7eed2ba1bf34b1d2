import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { migrate } from '../../src/store/migrations.ts';
import { ensureSampleData, SAMPLE_DATASET_FINGERPRINT } from '../../src/sample/sample-data.ts';
import { MIGRATIONS } from '../../src/store/migrations/index.ts';
import { openPgliteStore } from '../../src/store/pglite-store.ts';
import { openPostgresStore } from '../../src/store/postgres-store.ts';
import type { Store } from '../../src/store/store.ts';

/**
 * Test stores. TC_TEST_STORE=postgres runs the suite against PostgreSQL (each store in a schema of its own,
 * dropped on close); otherwise PGlite, restored from a migrated template built once per machine and migration
 * set (a new PGlite cluster costs seconds, restoring one under one).
 *
 * With `sample: true` the store also holds the sample dataset (schema `sample`): on PGlite a second template
 * has it built in (its fingerprint follows the generator); on PostgreSQL every test store shares one `sample`
 * schema, loaded once per generator version (sample-data.ts serialises concurrent loaders).
 */
export const TEST_STORE_KIND = process.env.TC_TEST_STORE === 'postgres' ? 'postgres' : 'pglite';
export const TEST_DATABASE_URL = process.env.TC_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestStoreOptions {
  sample?: boolean;
}

function templatePath(sample: boolean): string {
  const fingerprint = createHash('sha256')
    .update(JSON.stringify(MIGRATIONS))
    .update(sample ? SAMPLE_DATASET_FINGERPRINT : 'no sample')
    .update(readFileSync(new URL('../../../../node_modules/@electric-sql/pglite/package.json', import.meta.url)))
    .digest('hex')
    .slice(0, 16);
  return join(tmpdir(), `tc-embed-pglite-template-${fingerprint}.tgz`);
}

async function pgliteTemplate(sample: boolean): Promise<Blob> {
  const path = templatePath(sample);
  if (!existsSync(path)) {
    const store = await openPgliteStore();
    await migrate(store);
    if (sample) await ensureSampleData(store);
    await store.exec('checkpoint');
    const dump = await store.dump();
    await store.close();
    const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
    writeFileSync(temporary, Buffer.from(await dump.arrayBuffer()));
    renameSync(temporary, path); // atomic: concurrent test files never read half a template
  }
  return new Blob([readFileSync(path)]);
}

export async function openTestStore(options: TestStoreOptions = {}): Promise<Store> {
  const sample = options.sample === true;
  if (TEST_STORE_KIND === 'pglite') return openPgliteStore({ loadDataDir: await pgliteTemplate(sample) });
  const schema = `t_${process.pid}_${randomBytes(4).toString('hex')}`;
  const store = await openPostgresStore({ connectionString: TEST_DATABASE_URL, schema, maxConnections: 4 });
  await migrate(store);
  if (sample) await ensureSampleData(store);
  return {
    ...store,
    async close() {
      await store.close();
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      await client.query(`drop schema if exists "${schema}" cascade`);
      await client.end();
    },
  };
}
