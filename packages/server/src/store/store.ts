/**
 * The one SQL interface the server uses. Both backends (PGlite embedded, PostgreSQL via `pg`) speak the same
 * PostgreSQL dialect with `$1` placeholders, so every query in the codebase runs unchanged on either.
 */

export type SqlValue = string | number | boolean | null | Date | Uint8Array | readonly string[];

export interface Queryable {
  query<Row extends object = Record<string, unknown>>(sql: string, params?: readonly SqlValue[]): Promise<Row[]>;
}

export interface Store extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Runs `work` in one transaction; rolls back when it throws. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Runs several statements of trusted, constant SQL (migrations). */
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}
