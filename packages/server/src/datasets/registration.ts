import { ConnectionIntrospector, type TargetTableInfo } from '../connections/introspect.ts';
import type { ConnectionService } from '../connections/service.ts';
import { TcError, invalidRequest } from '../errors.ts';
import { SQL_IDENTIFIER } from '../sql/params.ts';
import { expectArray, expectObject, expectString, isPlainObject } from '../validation/input.ts';
import { datasetTypeOf, defaultFormatOf, labelFromName, unsupportedReason } from './postgres-types.ts';
import type { DatasetService } from './service.ts';
import { RESOURCE_ID, type ColumnType, type DatasetTable, type DatasetTableDefinition } from './types.ts';

/** A column of a connection's table, with the dataset type it would get (null: cannot be registered). */
export interface AvailableColumn {
  name: string;
  /** The PostgreSQL type, as the database names it. */
  dataType: string;
  type: ColumnType | null;
  /** Why the column cannot be registered; absent when it can. */
  unsupported?: string;
}

/** A table or view of a connection's database, and whether (as which dataset tables) it is registered. */
export interface AvailableTable {
  schema: string;
  name: string;
  kind: 'table' | 'view';
  columns: AvailableColumn[];
  registeredAs: string[];
}

export interface RegisteredTable extends DatasetTable {
  /** Columns of the database table left out because their type (or name) cannot be used. */
  skippedColumns: { name: string; dataType: string; reason: string }[];
}

const MAX_LABEL = 120;
const MAX_DESCRIPTION = 2000;
const MAX_COLUMNS = 500;

function describeColumns(info: TargetTableInfo): AvailableColumn[] {
  return info.columns.map((column) => {
    const reason = unsupportedReason(column.name, column.dataType, column.udtName);
    const dataType = column.dataType === 'USER-DEFINED' ? column.udtName : column.dataType;
    return { name: column.name, dataType, type: reason ? null : datasetTypeOf(column.dataType, column.udtName), ...(reason ? { unsupported: reason } : {}) };
  });
}

/** `Order_Lines` → `order_lines`: an id derived from a name, or undefined when nothing usable remains. */
function idFrom(name: string): string | undefined {
  const id = name.toLowerCase().replace(/[^a-z0-9_-]+/g, '_').replace(/^[_-]+/, '').slice(0, 64);
  return RESOURCE_ID.test(id) ? id : undefined;
}

/** Which columns to expose: every usable one, or the ones the body names (each must exist and be usable). */
function chooseColumns(value: unknown, available: AvailableColumn[]): { name: string; type: ColumnType; dataType: string; label?: string }[] {
  if (value === undefined) {
    return available.filter((column) => column.type !== null).map((column) => ({ name: column.name, type: column.type!, dataType: column.dataType }));
  }
  const items = expectArray(value, 'columns', MAX_COLUMNS, 1);
  const seen = new Set<string>();
  return items.map((item, i) => {
    const field = `columns[${i}]`;
    const entry = isPlainObject(item) ? expectObject(item, field, ['name', 'label']) : { name: item };
    const name = expectString(entry.name, isPlainObject(item) ? `${field}.name` : field, { max: 63 });
    const column = available.find((candidate) => candidate.name === name);
    if (!column) throw invalidRequest(field, `${field}: the table has no column "${name}".`);
    if (column.type === null) throw invalidRequest(field, `${field}: column "${name}" cannot be used: ${column.unsupported}.`);
    if (seen.has(name)) throw invalidRequest(field, `${field}: column "${name}" is listed twice.`);
    seen.add(name);
    const label = entry.label === undefined ? undefined : expectString(entry.label, `${field}.label`, { max: MAX_LABEL });
    return { name, type: column.type, dataType: column.dataType, ...(label ? { label } : {}) };
  });
}

/**
 * Registering tables of a data connection as datasets: list what the connection's database holds, register one
 * (columns introspected, types mapped, labels defaulted from names, no rows visible until access rules are set),
 * and remove one. The admin API and the CLI both call this.
 */
export class TableRegistration {
  readonly #introspector: ConnectionIntrospector;

  constructor(
    connections: ConnectionService,
    private readonly datasets: DatasetService,
  ) {
    this.#introspector = new ConnectionIntrospector(connections);
  }

  /** GET /api/connections/:id/tables */
  async available(orgId: string, connectionId: string): Promise<{ connectionId: string; tables: AvailableTable[]; truncated: boolean }> {
    const [{ tables, truncated }, registered] = await Promise.all([this.#introspector.listTables(orgId, connectionId), this.datasets.list(orgId)]);
    return {
      connectionId,
      truncated,
      tables: tables.map((info) => ({
        schema: info.schema,
        name: info.name,
        kind: info.kind,
        columns: describeColumns(info),
        registeredAs: registered
          .filter((table) => table.connectionId === connectionId && table.schemaName === info.schema && table.tableName === info.name)
          .map((table) => table.id),
      })),
    };
  }

  /** POST /api/tables: `{connectionId, schema, table, id?, label?, description?, columns?}`. */
  async add(orgId: string, body: unknown): Promise<RegisteredTable> {
    const input = expectObject(body ?? {}, 'body', ['connectionId', 'schema', 'table', 'id', 'label', 'description', 'columns']);
    const connectionId = expectString(input.connectionId, 'connectionId', { max: 100 });
    const schema = expectString(input.schema, 'schema', { max: 63 });
    const tableName = expectString(input.table, 'table', { max: 63 });
    const label = input.label === undefined ? labelFromName(tableName) : expectString(input.label, 'label', { max: MAX_LABEL });
    const description = input.description === undefined ? '' : expectString(input.description, 'description', { min: 0, max: MAX_DESCRIPTION });
    const requestedId =
      input.id === undefined ? undefined : expectString(input.id, 'id', { max: 64, pattern: RESOURCE_ID, hint: 'lowercase letters, digits, "-" or "_"' });

    for (const [field, value] of [['schema', schema], ['table', tableName]] as const) {
      if (!SQL_IDENTIFIER.test(value)) throw invalidRequest(field, `${field} "${value}" is not a plain SQL identifier (letters, digits, "_"), which dataset tables need.`);
    }
    const info = await this.#introspector.describeTable(orgId, connectionId, schema, tableName);
    if (!info) {
      throw new TcError('not_found', `The connection has no table or view "${schema}"."${tableName}" (or its user may not read it).`, [
        { field: 'table', message: 'not found in the connection' },
      ]);
    }
    const existing = await this.datasets.findByLocation(orgId, connectionId, schema, tableName);
    if (existing.length > 0) {
      throw new TcError('conflict', `"${schema}"."${tableName}" of this connection is already registered as table "${existing[0]}".`, [
        { field: 'table', message: `already registered as "${existing[0]}"` },
      ]);
    }
    const available = describeColumns(info);
    const columns = chooseColumns(input.columns, available);
    if (columns.length === 0) {
      throw invalidRequest('table', `"${schema}"."${tableName}" has no column of a supported type (numbers, text, booleans, dates, timestamps).`);
    }
    const id = requestedId ?? (await this.#freeId(orgId, schema, tableName));
    const definition: DatasetTableDefinition = {
      id,
      connectionId,
      schemaName: schema,
      tableName,
      label,
      description,
      columns: columns.map((column) => {
        const format = defaultFormatOf(column.dataType);
        return { name: column.name, type: column.type, label: column.label ?? labelFromName(column.name), ...(format ? { format } : {}) };
      }),
    };
    const table = await this.datasets.register(orgId, definition, { createOnly: true });
    const chosen = new Set(columns.map((column) => column.name));
    return {
      ...table,
      skippedColumns: available
        .filter((column) => !chosen.has(column.name))
        .map((column) => ({ name: column.name, dataType: column.dataType, reason: column.unsupported ?? 'not selected' })),
    };
  }

  /** DELETE /api/tables/:id */
  remove(orgId: string, tableId: string): Promise<{ removed: string }> {
    return this.datasets.remove(orgId, tableId);
  }

  /** The table's name as id, or schema_table when that is taken; the caller passes `id` to choose otherwise. */
  async #freeId(orgId: string, schema: string, tableName: string): Promise<string> {
    const candidates = [idFrom(tableName), idFrom(`${schema}_${tableName}`)].filter((id): id is string => id !== undefined);
    for (const id of candidates) {
      if (!(await this.datasets.find(orgId, id))) return id;
    }
    throw new TcError('conflict', `No free table id could be derived from "${schema}"."${tableName}"; pass an "id".`, [
      { field: 'id', message: 'required: the default ids are taken' },
    ]);
  }
}
