import type { SqlValue } from '../store/store.ts';

/** Id of the built-in sample database: the platform store's own `sample` schema. */
export const SAMPLE_CONNECTION_ID = 'sample';

/**
 * Runs one parameterised, read-only SELECT on a data connection of an organization — the built-in sample
 * database or a PostgreSQL connection — with the connection's statement timeout and row limit enforced.
 * Implemented by connections/service.ts; used by the dashboard and assistant query executors.
 */
export interface ConnectionQueryRunner {
  query<Row extends object = Record<string, unknown>>(
    orgId: string,
    connectionId: string,
    sql: string,
    params: readonly SqlValue[],
  ): Promise<Row[]>;
}
