import { join } from 'node:path';
import type { Config } from '../config.ts';
import { acquireDataDirLock, type DataDirLock } from './data-dir-lock.ts';
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

/** PostgreSQL when DATABASE_URL is set, else PGlite in `<dataDir>/pgdata` (owned by one process at a time). */
export async function openConfiguredStore(config: Config, purpose: string): Promise<OpenedStore> {
  if (config.databaseUrl) {
    const store = await openPostgresStore({ connectionString: config.databaseUrl, queryTimeoutMs: config.databaseQueryTimeoutMs });
    const { applied } = await migrate(store);
    return { store, lock: undefined, migrationsApplied: applied };
  }
  const lock = acquireDataDirLock(config.dataDir, purpose);
  try {
    const store = await openPgliteStore({ dataDir: join(config.dataDir, 'pgdata') });
    const { applied } = await migrate(store);
    return { store, lock, migrationsApplied: applied };
  } catch (error) {
    lock.release();
    throw error;
  }
}
