import pg from 'pg';
import type { Queryable, SqlValue, Store } from './store.ts';

const INT8_OID = 20;
const NUMERIC_OID = 1700;

/** Same value types as the PGlite store: int8 and numeric as numbers (data connections use it too). */
export const typeParsers = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID || oid === NUMERIC_OID) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

export interface PostgresStoreOptions {
  connectionString: string;
  /** Schema to use as search_path (tests isolate themselves in a schema of their own). */
  schema?: string;
  maxConnections?: number;
}

export async function openPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: 5000,
    types: typeParsers,
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
  });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', () => {});

  const asQueryable = (runner: pg.Pool | pg.PoolClient): Queryable => ({
    async query<Row extends object>(sql: string, params: readonly SqlValue[] = []) {
      const result = await runner.query(sql, params as unknown[]);
      return result.rows as Row[];
    },
  });
  const root = asQueryable(pool);

  if (options.schema) await pool.query(`create schema if not exists "${options.schema.replaceAll('"', '')}"`);
  else await pool.query('select 1');

  return {
    kind: 'postgres',
    query: root.query,
    async transaction(work) {
      const client = await pool.connect();
      try {
        await client.query('begin');
        const result = await work(asQueryable(client));
        await client.query('commit');
        return result;
      } catch (error) {
        await client.query('rollback').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    async exec(sql) {
      await pool.query(sql);
    },
    async close() {
      await pool.end();
    },
  };
}
