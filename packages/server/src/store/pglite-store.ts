import { PGlite, types } from '@electric-sql/pglite';
import type { Queryable, SqlValue, Store } from './store.ts';

/** int8 and numeric come back as JavaScript numbers on both backends, so callers never see backend drift. */
const PARSERS = {
  [types.INT8]: (value: string) => Number(value),
  [types.NUMERIC]: (value: string) => Number(value),
};

export interface PgliteStoreOptions {
  /** A directory for a persistent database; omitted for an in-memory one. */
  dataDir?: string;
  /** A dumped data directory (tarball) to start from: much faster than initialising a new cluster. */
  loadDataDir?: Blob;
}

export async function openPgliteStore(options: PgliteStoreOptions = {}): Promise<Store & { dump(): Promise<Blob> }> {
  // Options-only form: the (dataDir, options) form ignores loadDataDir.
  const db = new PGlite({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    parsers: PARSERS,
    ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
  });
  await db.waitReady;

  const asQueryable = (runner: Pick<PGlite, 'query'>): Queryable => ({
    async query<Row extends object>(sql: string, params: readonly SqlValue[] = []) {
      // PGlite runs on this thread and resolves in microtasks: yield first, so timers and sockets get a turn
      // between queries instead of starving while several requests' queries chain back to back.
      await new Promise((resolve) => setImmediate(resolve));
      const result = await runner.query<Row>(sql, params as unknown[]);
      return result.rows;
    },
  });
  const root = asQueryable(db);

  return {
    kind: 'pglite',
    query: root.query,
    async transaction(work) {
      return db.transaction(async (tx) => work(asQueryable(tx)));
    },
    async exec(sql) {
      await db.exec(sql);
    },
    async close() {
      if (!db.closed) await db.close();
    },
    async dump() {
      return db.dumpDataDir('gzip');
    },
  };
}
