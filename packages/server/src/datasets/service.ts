import { SAMPLE_CONNECTION_ID } from '../connections/query-runner.ts';
import { TcError, invalidRequest, notFound } from '../errors.ts';
import { SAMPLE_SCHEMA } from '../sample/sample-data.ts';
import { SQL_IDENTIFIER } from '../sql/params.ts';
import type { Store } from '../store/store.ts';
import { expectArray, expectObject, expectOneOf, expectString } from '../validation/input.ts';
import {
  COLUMN_FORMATS,
  COLUMN_TYPES,
  DEFAULT_FORMAT,
  FORMATS_BY_TYPE,
  RESOURCE_ID,
  type ColumnFormat,
  type ColumnType,
  type DatasetColumn,
  type DatasetTable,
  type DatasetTableDefinition,
} from './types.ts';

interface TableRow {
  id: string;
  connection_id: string;
  schema_name: string;
  table_name: string;
  label: string;
  description: string;
  updated_at: Date;
}

interface ColumnRow {
  table_id: string;
  name: string;
  type: ColumnType;
  label: string;
  description: string;
  synonyms: string[];
  format: ColumnFormat;
}

const MAX_LABEL = 120;
const MAX_DESCRIPTION = 2000;
const MAX_SYNONYMS = 20;
const MAX_SYNONYM = 80;

function toTable(row: TableRow, columns: ColumnRow[]): DatasetTable {
  return {
    id: row.id,
    connectionId: row.connection_id,
    schemaName: row.schema_name,
    tableName: row.table_name,
    label: row.label,
    description: row.description,
    columns: columns.map((column) => ({
      name: column.name,
      type: column.type,
      label: column.label,
      description: column.description,
      synonyms: column.synonyms,
      format: column.format,
    })),
    updatedAt: row.updated_at.toISOString(),
  };
}

/**
 * The built-in sample connection runs on the platform store itself, so a table on it must live in the sample
 * schema: never a way to read the platform's own tables (API keys, sessions) through a dashboard.
 */
export function isPermittedLocation(table: Pick<DatasetTable, 'connectionId' | 'schemaName'>): boolean {
  return table.connectionId !== SAMPLE_CONNECTION_ID || table.schemaName === SAMPLE_SCHEMA;
}

const tableIdTaken = (id: string) =>
  new TcError('conflict', `A table with id "${id}" already exists in this organization; choose another id.`, [{ field: 'id', message: 'already exists' }]);

function parseSynonyms(value: unknown, field: string): string[] {
  const items = expectArray(value, field, MAX_SYNONYMS);
  const synonyms = items.map((item, i) => expectString(item, `${field}[${i}]`, { min: 0, max: MAX_SYNONYM }).trim());
  return [...new Set(synonyms.filter((synonym) => synonym !== ''))];
}

function parseFormat(value: unknown, field: string, type: ColumnType): ColumnFormat {
  const format = expectOneOf(value, field, COLUMN_FORMATS);
  if (!FORMATS_BY_TYPE[type].includes(format)) {
    throw invalidRequest(field, `${field} "${format}" does not suit a ${type} column; use ${FORMATS_BY_TYPE[type].join(' or ')}.`);
  }
  return format;
}

/**
 * The tables and columns each organization exposes: where they live (connection, schema, table) and how people
 * name them (labels, descriptions, synonyms). Admins edit the wording; the structure is registered by the
 * sample seed or a connection's table discovery.
 */
export class DatasetService {
  constructor(private readonly store: Store) {}

  async list(orgId: string): Promise<DatasetTable[]> {
    const [tables, columns] = await Promise.all([
      this.store.query<TableRow>(
        `select id, connection_id, schema_name, table_name, label, description, updated_at
         from dataset_tables where org_id = $1 order by id`,
        [orgId],
      ),
      this.store.query<ColumnRow>(
        `select table_id, name, type, label, description, synonyms, format
         from dataset_columns where org_id = $1 order by table_id, position`,
        [orgId],
      ),
    ]);
    return tables.map((table) => toTable(table, columns.filter((column) => column.table_id === table.id)));
  }

  async find(orgId: string, tableId: string): Promise<DatasetTable | undefined> {
    const [tables, columns] = await Promise.all([
      this.store.query<TableRow>(
        `select id, connection_id, schema_name, table_name, label, description, updated_at
         from dataset_tables where org_id = $1 and id = $2`,
        [orgId, tableId],
      ),
      this.store.query<ColumnRow>(
        `select table_id, name, type, label, description, synonyms, format
         from dataset_columns where org_id = $1 and table_id = $2 order by position`,
        [orgId, tableId],
      ),
    ]);
    return tables[0] ? toTable(tables[0], columns) : undefined;
  }

  async get(orgId: string, tableId: string): Promise<DatasetTable> {
    const table = await this.find(orgId, tableId);
    if (!table) throw notFound(`Table "${tableId.slice(0, 64)}"`);
    return table;
  }

  /**
   * Creates or replaces a table's structure; existing wording of columns that remain is kept. With
   * `createOnly`, an id already in use is a conflict instead (POST /api/tables never replaces a table).
   */
  async register(orgId: string, definition: DatasetTableDefinition, options: { createOnly?: boolean } = {}): Promise<DatasetTable> {
    if (!RESOURCE_ID.test(definition.id)) throw invalidRequest('id', 'A table id is lowercase letters, digits, "-" or "_".');
    for (const [field, value] of [['schemaName', definition.schemaName], ['tableName', definition.tableName]] as const) {
      if (!SQL_IDENTIFIER.test(value)) throw invalidRequest(field, `${field} must be a plain SQL identifier.`);
    }
    if (!isPermittedLocation(definition)) {
      throw invalidRequest('schemaName', `Tables of the built-in sample connection live in the "${SAMPLE_SCHEMA}" schema.`);
    }
    definition.columns.forEach((column, i) => {
      if (!SQL_IDENTIFIER.test(column.name)) throw invalidRequest(`columns[${i}].name`, 'A column name must be a plain SQL identifier.');
      if (!COLUMN_TYPES.includes(column.type)) throw invalidRequest(`columns[${i}].type`, `type must be one of ${COLUMN_TYPES.join(', ')}.`);
    });
    await this.store.transaction(async (tx) => {
      const [written] = await tx.query(
        `insert into dataset_tables (org_id, id, connection_id, schema_name, table_name, label, description)
         values ($1, $2, $3, $4, $5, $6, $7)
         on conflict (org_id, id) do ${options.createOnly ? 'nothing' : `update set connection_id = excluded.connection_id, schema_name = excluded.schema_name,
           table_name = excluded.table_name, updated_at = now()`}
         returning id`,
        [orgId, definition.id, definition.connectionId, definition.schemaName, definition.tableName, definition.label, definition.description ?? ''],
      );
      if (!written) throw tableIdTaken(definition.id);
      await tx.query('delete from dataset_columns where org_id = $1 and table_id = $2 and not (name = any($3::text[]))', [
        orgId,
        definition.id,
        definition.columns.map((column) => column.name),
      ]);
      for (const [position, column] of definition.columns.entries()) {
        await tx.query(
          `insert into dataset_columns (org_id, table_id, name, position, type, label, description, synonyms, format)
           values ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9)
           on conflict (org_id, table_id, name) do update set position = excluded.position, type = excluded.type,
             format = case when excluded.type = dataset_columns.type then dataset_columns.format else excluded.format end`,
          [
            orgId,
            definition.id,
            column.name,
            position,
            column.type,
            column.label,
            column.description ?? '',
            JSON.stringify(column.synonyms ?? []),
            column.format ?? DEFAULT_FORMAT[column.type],
          ],
        );
      }
    });
    return this.get(orgId, definition.id);
  }

  /** The tables registered for one place of one connection (normally none or one). */
  async findByLocation(orgId: string, connectionId: string, schemaName: string, tableName: string): Promise<string[]> {
    const rows = await this.store.query<{ id: string }>(
      'select id from dataset_tables where org_id = $1 and connection_id = $2 and schema_name = $3 and table_name = $4 order by id',
      [orgId, connectionId, schemaName, tableName],
    );
    return rows.map((row) => row.id);
  }

  /**
   * DELETE /api/tables/:id — the table, its columns and its access rules. A table that dashboard tiles query is
   * refused, naming the dashboards: removing it would break them for every embed user.
   */
  async remove(orgId: string, tableId: string): Promise<{ removed: string }> {
    await this.store.transaction(async (tx) => {
      const users = await tx.query<{ dashboard_id: string }>(
        `select distinct dashboard_id from dashboard_tiles where org_id = $1 and definition -> 'query' ->> 'table' = $2 order by dashboard_id`,
        [orgId, tableId],
      );
      if (users.length > 0) {
        const names = users.map((row) => `"${row.dashboard_id}"`).join(', ');
        throw new TcError('conflict', `Table "${tableId}" is used by dashboard ${names}; remove those tiles or dashboards first.`, [
          { field: 'id', message: `used by dashboard ${names}` },
        ]);
      }
      const rows = await tx.query('delete from dataset_tables where org_id = $1 and id = $2 returning id', [orgId, tableId]);
      if (rows.length === 0) throw notFound(`Table "${tableId.slice(0, 64)}"`);
    });
    return { removed: tableId };
  }

  /** PATCH /api/tables/:id — label and description. */
  async updateTable(orgId: string, tableId: string, body: unknown): Promise<DatasetTable> {
    const patch = expectObject(body ?? {}, 'body', ['label', 'description']);
    const label = patch.label === undefined ? undefined : expectString(patch.label, 'label', { max: MAX_LABEL });
    const description =
      patch.description === undefined ? undefined : expectString(patch.description, 'description', { min: 0, max: MAX_DESCRIPTION });
    const rows = await this.store.query(
      `update dataset_tables set label = coalesce($3, label), description = coalesce($4, description), updated_at = now()
       where org_id = $1 and id = $2 returning id`,
      [orgId, tableId, label ?? null, description ?? null],
    );
    if (rows.length === 0) throw notFound(`Table "${tableId.slice(0, 64)}"`);
    return this.get(orgId, tableId);
  }

  /** PATCH /api/tables/:id/columns/:name — label, description, synonyms, format. */
  async updateColumn(orgId: string, tableId: string, columnName: string, body: unknown): Promise<DatasetColumn> {
    const table = await this.get(orgId, tableId);
    const column = table.columns.find((candidate) => candidate.name === columnName);
    if (!column) throw notFound(`Column "${columnName.slice(0, 64)}" of table "${tableId}"`);
    const patch = expectObject(body ?? {}, 'body', ['label', 'description', 'synonyms', 'format']);
    const updated: DatasetColumn = {
      ...column,
      ...(patch.label !== undefined ? { label: expectString(patch.label, 'label', { max: MAX_LABEL }) } : {}),
      ...(patch.description !== undefined
        ? { description: expectString(patch.description, 'description', { min: 0, max: MAX_DESCRIPTION }) }
        : {}),
      ...(patch.synonyms !== undefined ? { synonyms: parseSynonyms(patch.synonyms, 'synonyms') } : {}),
      ...(patch.format !== undefined ? { format: parseFormat(patch.format, 'format', column.type) } : {}),
    };
    await this.store.transaction(async (tx) => {
      await tx.query(
        `update dataset_columns set label = $4, description = $5, synonyms = $6::jsonb, format = $7
         where org_id = $1 and table_id = $2 and name = $3`,
        [orgId, tableId, columnName, updated.label, updated.description, JSON.stringify(updated.synonyms), updated.format],
      );
      await tx.query('update dataset_tables set updated_at = now() where org_id = $1 and id = $2', [orgId, tableId]);
    });
    return updated;
  }
}
