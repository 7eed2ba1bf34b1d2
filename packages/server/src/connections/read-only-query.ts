import type pg from 'pg';
import { TcError } from '../errors.ts';
import type { Queryable, SqlValue } from '../store/store.ts';
import { classifyConnectFailure, sqlStateOf } from './connect-errors.ts';
import type { ConnectionSettings } from './validation.ts';

/**
 * How every data-connection query runs: in a READ ONLY transaction, wrapped as a subquery so only one SELECT (or
 * WITH … SELECT) can run and at most maxRows + 1 rows ever leave the database. A result larger than maxRows is
 * refused, not truncated: a silently cut result would draw a wrong chart. The dashboard layer adds its own LIMIT.
 */
export function limitedSql(sql: string, maxRows: number): string {
  if (!Number.isInteger(maxRows) || maxRows < 1) throw new RangeError('maxRows must be a positive integer');
  const body = sql.replace(/[\s;]+$/, '');
  // The newline keeps a trailing `--` comment from swallowing the closing parenthesis.
  return `select * from (\n${body}\n) as tc_limited limit ${maxRows + 1}`;
}

export function rowLimitExceeded(connectionName: string, maxRows: number): TcError {
  return new TcError(
    'row_limit_exceeded',
    `The query on connection "${connectionName}" returned more than ${maxRows} rows (its maxRows); aggregate or limit it, or raise maxRows.`,
  );
}

/** Server-reported errors that mean "the connection broke", as opposed to "this query failed". */
function isConnectionLevel(state: string): boolean {
  return state.startsWith('08') || state.startsWith('28') || state === '3D000' || state.startsWith('57P') || state === '53300';
}

/**
 * What a failed data-connection query becomes: a timeout, a refused write, a failed query or a broken
 * connection, each naming the connection. Returns undefined for errors that are not the target's (the caller
 * rethrows those as they are).
 */
export function toQueryError(error: unknown, connectionName: string, settings: ConnectionSettings | undefined): TcError | undefined {
  if (error instanceof TcError) return error;
  const state = sqlStateOf(error);
  const message = String((error as { message?: unknown } | null)?.message ?? error);
  if (state === '57014' || message === 'Query read timeout') {
    const limit = settings ? ` of ${settings.statementTimeoutMs} ms` : '';
    return new TcError('query_timeout', `The query on connection "${connectionName}" ran longer than its statement timeout${limit}; narrow it or raise statementTimeoutMs.`);
  }
  if (state === '25006') return new TcError('forbidden', `Connection "${connectionName}" is read-only: the query tried to write.`);
  if (state && !isConnectionLevel(state)) {
    return new TcError('connection_failed', `The query failed on connection "${connectionName}": ${message} (SQLSTATE ${state}).`);
  }
  if (!settings) return undefined;
  // Embed users see this message: the reason, not the target's host and port ("Test connection" shows those).
  const failure = classifyConnectFailure(error, settings);
  return new TcError('connection_failed', `Connection "${connectionName}" is unavailable (${failure.reason}); an admin can run "Test connection" on it for details.`);
}

/** One query on a pooled target connection in a READ ONLY transaction; the connection is discarded if it broke. */
export async function queryTarget<Row extends object>(
  pool: pg.Pool,
  sql: string,
  params: readonly SqlValue[],
  maxRows: number,
): Promise<Row[]> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('begin transaction read only');
    const result = await client.query(limitedSql(sql, maxRows), params as unknown[]);
    await client.query('commit');
    return result.rows as Row[];
  } catch (error) {
    await client.query('rollback').catch((rollbackError: Error) => {
      broken = rollbackError;
    });
    throw error;
  } finally {
    client.release(broken);
  }
}

/**
 * The same on the platform store (the built-in sample database), confined to the `sample` schema's names.
 * PostgreSQL stores enforce the statement timeout; PGlite (single-threaded WebAssembly) cannot interrupt a query.
 */
export async function querySampleStore<Row extends object>(
  store: { transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> },
  sql: string,
  params: readonly SqlValue[],
  limits: { statementTimeoutMs: number; maxRows: number },
): Promise<Row[]> {
  return store.transaction(async (tx) => {
    await tx.query('set transaction read only');
    await tx.query(`set local statement_timeout = ${Math.trunc(limits.statementTimeoutMs)}`);
    await tx.query('set local search_path = sample');
    return tx.query<Row>(limitedSql(sql, limits.maxRows), params);
  });
}
