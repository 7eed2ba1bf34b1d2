import { TcError } from '../errors.ts';
import { SAMPLE_SCHEMA } from '../sample/sample-data.ts';
import type { SqlValue } from '../store/store.ts';
import { SAMPLE_CONNECTION_ID, type ConnectionQueryRunner } from './query-runner.ts';
import type { ConnectionService } from './service.ts';

/** A column of a target table as information_schema describes it. */
export interface TargetColumnInfo {
  name: string;
  /** information_schema `data_type`, e.g. `numeric`, `text`, `USER-DEFINED`. */
  dataType: string;
  /** The underlying type's name, e.g. `int4`, `citext`, an enum's name. */
  udtName: string;
}

export interface TargetTableInfo {
  schema: string;
  name: string;
  kind: 'table' | 'view';
  columns: TargetColumnInfo[];
}

/** At most this many tables are listed; a database with more says `truncated`. */
export const MAX_LISTED_TABLES = 500;

interface TableRow {
  schema: string;
  name: string;
  table_type: string;
  columns: TargetColumnInfo[] | string;
}

/**
 * One row per table or view with its columns aggregated, so even a wide database stays far below the
 * connection's maxRows. System schemas are left out; information_schema lists only what the connection's user
 * has some privilege on.
 */
function catalogSql(where: string, limit: number): string {
  return `select t.table_schema as schema, t.table_name as name, t.table_type,
      json_agg(json_build_object('name', c.column_name, 'dataType', c.data_type, 'udtName', c.udt_name) order by c.ordinal_position) as columns
    from information_schema.tables t
    join information_schema.columns c on c.table_schema = t.table_schema and c.table_name = t.table_name
    where t.table_type in ('BASE TABLE', 'VIEW', 'FOREIGN', 'FOREIGN TABLE')
      and t.table_schema not in ('pg_catalog', 'information_schema') and t.table_schema not like 'pg\\_%'
      ${where}
    group by t.table_schema, t.table_name, t.table_type
    order by t.table_schema, t.table_name
    limit ${Math.trunc(limit)}`;
}

function toInfo(row: TableRow): TargetTableInfo {
  // PGlite and pg both parse json; the string branch keeps a driver without that parser working.
  const columns = typeof row.columns === 'string' ? (JSON.parse(row.columns) as TargetColumnInfo[]) : row.columns;
  return { schema: row.schema, name: row.name, kind: row.table_type === 'VIEW' ? 'view' : 'table', columns };
}

/**
 * Reads a data connection's catalog through its read-only query path (host allowlist, READ ONLY transaction,
 * statement timeout, maxRows). A failure to reach the target is re-described with "Test connection"'s reason
 * and advice: only admins call this, and they need to know what to fix.
 */
export class ConnectionIntrospector {
  constructor(private readonly connections: Pick<ConnectionService, 'get' | 'test'> & ConnectionQueryRunner) {}

  async listTables(orgId: string, connectionId: string): Promise<{ tables: TargetTableInfo[]; truncated: boolean }> {
    const connection = await this.connections.get(orgId, connectionId);
    // One more than we show tells whether there are more, without ever exceeding the connection's maxRows.
    const limit = Math.min(MAX_LISTED_TABLES + 1, connection.maxRows);
    const rows = await this.#catalog(orgId, connectionId, '', [], limit);
    const truncated = rows.length > MAX_LISTED_TABLES || (limit === connection.maxRows && rows.length === limit);
    return { tables: rows.slice(0, MAX_LISTED_TABLES).map(toInfo), truncated };
  }

  async describeTable(orgId: string, connectionId: string, schema: string, table: string): Promise<TargetTableInfo | undefined> {
    await this.connections.get(orgId, connectionId);
    const rows = await this.#catalog(orgId, connectionId, 'and t.table_schema = $1 and t.table_name = $2', [schema, table], 1);
    return rows[0] ? toInfo(rows[0]) : undefined;
  }

  async #catalog(orgId: string, connectionId: string, where: string, params: SqlValue[], limit: number): Promise<TableRow[]> {
    // The built-in connection is the platform store itself: only its sample schema is a data source.
    const confined = connectionId === SAMPLE_CONNECTION_ID ? `and t.table_schema = '${SAMPLE_SCHEMA}'` : '';
    try {
      return await this.connections.query<TableRow>(orgId, connectionId, catalogSql(`${confined} ${where}`, limit), params);
    } catch (error) {
      throw await this.#explain(orgId, connectionId, error);
    }
  }

  async #explain(orgId: string, connectionId: string, error: unknown): Promise<unknown> {
    if (!(error instanceof TcError) || error.code !== 'connection_failed') return error;
    const probe = await this.connections.test(orgId, { connectionId }).catch(() => undefined);
    if (!probe || probe.ok) return error;
    return new TcError('connection_failed', `Cannot read the tables of this connection (${probe.reason}): ${probe.message}`, [
      { field: 'connectionId', message: probe.reason },
    ]);
  }
}
