import { join } from 'node:path';
import type { Config } from '../config.ts';
import { acquireDataDirLock, type DataDirLock } from './data-dir-lock.ts';
import { checkKeyFingerprints } from './key-fingerprints.ts';
import { migrate } from './migrations.ts';
import { openPgliteStore } from './pglite-store.ts';
import { openPostgresStore } from './postgres-store.ts';
import type { Store } from './store.ts';

export interface OpenedStore {
  store: Store;
  /** Held while this process owns the embedded store's data dir. */
  lock: DataDirLock | undefined;
  migrationsApplied: string[];
}

/** Migrates, then checks that this instance holds the database's keys; closes the store when either fails. */
async function prepare(store: Store, config: Config): Promise<string[]> {
  try {
    const { applied } = await migrate(store);
    await checkKeyFingerprints(store, config);
    return applied;
  } catch (error) {
    await store.close().catch(() => {});
    throw error;
  }
}

/** PostgreSQL when DATABASE_URL is set, else PGlite in `<dataDir>/pgdata` (owned by one process at a time). */
export async function openConfiguredStore(config: Config, purpose: string): Promise<OpenedStore> {
  if (config.databaseUrl) {
    const store = await openPostgresStore({ connectionString: config.databaseUrl, queryTimeoutMs: config.databaseQueryTimeoutMs });
    return { store, lock: undefined, migrationsApplied: await prepare(store, config) };
  }
  const lock = acquireDataDirLock(config.dataDir, purpose);
  try {
    const store = await openPgliteStore({ dataDir: join(config.dataDir, 'pgdata') });
    return { store, lock, migrationsApplied: await prepare(store, config) };
  } catch (error) {
    lock.release();
    throw error;
  }
}
