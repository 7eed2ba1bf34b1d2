import type { ColumnType, DatasetTable } from './access-rules.ts';
import { api } from './client.ts';

/** A connection's tables and views as GET /api/connections/:id/tables lists them, and registering one. */

export interface AvailableColumn {
  name: string;
  /** The PostgreSQL type. */
  dataType: string;
  /** The dataset type it maps to; null when the column cannot be used. */
  type: ColumnType | null;
  unsupported?: string;
}

export interface AvailableTable {
  schema: string;
  name: string;
  kind: 'table' | 'view';
  columns: AvailableColumn[];
  /** Ids of dataset tables already registered for it. */
  registeredAs: string[];
}

export interface AvailableTables {
  connectionId: string;
  tables: AvailableTable[];
  truncated: boolean;
}

export interface RegisteredTable extends DatasetTable {
  skippedColumns: { name: string; dataType: string; reason: string }[];
}

export function listAvailableTables(connectionId: string): Promise<AvailableTables> {
  return api.get<AvailableTables>(`/api/connections/${encodeURIComponent(connectionId)}/tables`);
}

export function registerTable(connectionId: string, schema: string, table: string): Promise<RegisteredTable> {
  return api.post<RegisteredTable>('/api/tables', { connectionId, schema, table });
}

export function removeTable(tableId: string): Promise<{ removed: string }> {
  return api.delete<{ removed: string }>(`/api/tables/${encodeURIComponent(tableId)}`);
}
