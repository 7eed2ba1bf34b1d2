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
  /**
   * How long one query may go unanswered before it fails as the store being unavailable (503), so that a
   * database that stops answering without dropping its connections cannot hang requests. Default 5000 ms.
   */
  queryTimeoutMs?: number;
}

export const DEFAULT_QUERY_TIMEOUT_MS = 5000;
// setTimeout's ceiling: "no bound" for the statements below that legitimately wait on another instance.
const UNBOUNDED_MS = 2 ** 31 - 1;
// A wait for an advisory lock is bounded by the holder (another instance migrating or loading the sample data).
const LOCK_WAIT = /pg_advisory_(xact_)?lock\(/i;
// A transaction that sets its own statement timeout (dashboard queries on the sample store): the server enforces
// that one; the client waits that long plus its usual bound before calling the database stuck.
const LOCAL_STATEMENT_TIMEOUT = /^\s*set\s+local\s+statement_timeout\s*=\s*(\d+)\s*$/i;

/** The error a stuck store's query fails with; ETIMEDOUT is a store-unavailable code (503, not 500). */
class StoreTimeoutError extends Error {
  readonly code = 'ETIMEDOUT';
  constructor(timeoutMs: number) {
    super(`The PostgreSQL store did not answer within ${timeoutMs} ms.`);
  }
}

function isReadTimeout(error: unknown): boolean {
  return error instanceof Error && error.message === 'Query read timeout';
}

export async function openPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  const queryTimeoutMs = options.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS;
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.maxConnections ?? 10,
    // Waiting for a connection (a new one, or a free one from a pool whose clients are all stuck) has the same bound.
    connectionTimeoutMillis: queryTimeoutMs,
    // TCP keepalive: a connection whose peer vanished (host down, network cut) is noticed and dropped.
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    types: typeParsers,
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
  });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', () => {});

  /** One statement with a client-side bound; a timed-out client is unusable (its answer may still arrive). */
  async function run<Row extends object>(runner: pg.Pool | pg.PoolClient, sql: string, params: readonly SqlValue[], timeoutMs: number): Promise<Row[]> {
    try {
      // query_timeout per query is read by pg's client but missing from @types/pg's QueryConfig.
      const config: pg.QueryConfig & { query_timeout: number } = { text: sql, values: params as unknown[], query_timeout: timeoutMs };
      const result = await runner.query(config);
      return result.rows as Row[];
    } catch (error) {
      if (isReadTimeout(error)) throw new StoreTimeoutError(timeoutMs);
      throw error;
    }
  }
  const timeoutFor = (sql: string, transactionTimeoutMs: number) => (LOCK_WAIT.test(sql) ? UNBOUNDED_MS : transactionTimeoutMs);

  const query = <Row extends object>(sql: string, params: readonly SqlValue[] = []) =>
    run<Row>(pool, sql, params, timeoutFor(sql, queryTimeoutMs));

  if (options.schema) await run(pool, `create schema if not exists "${options.schema.replaceAll('"', '')}"`, [], queryTimeoutMs);
  else await run(pool, 'select 1', [], queryTimeoutMs);

  return {
    kind: 'postgres',
    query,
    async transaction(work) {
      const client = await pool.connect();
      let broken: Error | undefined;
      let timeoutMs = queryTimeoutMs;
      const tx: Queryable = {
        async query<Row extends object>(sql: string, params: readonly SqlValue[] = []) {
          const rows = await run<Row>(client, sql, params, timeoutFor(sql, timeoutMs));
          const local = LOCAL_STATEMENT_TIMEOUT.exec(sql);
          if (local) timeoutMs = Number(local[1]) + queryTimeoutMs;
          return rows;
        },
      };
      try {
        await run(client, 'begin', [], queryTimeoutMs);
        const result = await work(tx);
        await run(client, 'commit', [], timeoutMs);
        return result;
      } catch (error) {
        if (error instanceof StoreTimeoutError) broken = error;
        else await run(client, 'rollback', [], queryTimeoutMs).catch((rollbackError: Error) => {
          broken = rollbackError;
        });
        throw error;
      } finally {
        // Passing an error makes the pool discard the client instead of handing a stuck connection to the next caller.
        client.release(broken);
      }
    },
    async exec(sql) {
      await run(pool, sql, [], queryTimeoutMs);
    },
    async close() {
      await pool.end();
    },
  };
}
