import { COLUMN_TYPES } from '../datasets/types.ts';
import type { JsonSchema, RouteDocs } from '../openapi/route-docs.ts';
import { TABLE } from './dataset-route-docs.ts';

/** OpenAPI documentation of registering a data connection's tables as datasets (routes/admin-tables.ts). */

const ADMIN: Pick<RouteDocs, 'tag' | 'security'> = { tag: 'Admin API', security: ['adminSession'] };

const AVAILABLE_TABLE: JsonSchema = {
  type: 'object',
  required: ['schema', 'name', 'kind', 'columns', 'registeredAs'],
  properties: {
    schema: { type: 'string' },
    name: { type: 'string' },
    kind: { enum: ['table', 'view'] },
    columns: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'dataType', 'type'],
        properties: {
          name: { type: 'string' },
          dataType: { type: 'string', description: 'The PostgreSQL type.' },
          type: { enum: [...COLUMN_TYPES, null], description: 'The dataset type it maps to; null when it cannot be used.' },
          unsupported: { type: 'string', description: 'Why the column cannot be registered (present only then).' },
        },
      },
    },
    registeredAs: { type: 'array', items: { type: 'string' }, description: 'Ids of dataset tables already registered for it.' },
  },
};

export const LIST_CONNECTION_TABLES_DOCS: RouteDocs = {
  ...ADMIN,
  operationId: 'listConnectionTables',
  summary: "List the tables and views of a connection's database",
  description:
    "Read from information_schema through the connection's read-only query path (host allowlist, statement timeout, maxRows); " +
    'system schemas are left out, and only what the connection\'s user may access is listed (the built-in sample database: its `sample` schema). ' +
    'At most 500 tables; `truncated` says there are more. A connection that cannot be reached is `connection_failed` with the reason "Test connection" gives.',
  params: { id: { description: 'The connection id ("sample" for the built-in sample database).', schema: { type: 'string' }, example: 'sample' } },
  responses: {
    200: {
      description: 'The tables, with their columns and types.',
      schema: { type: 'object', required: ['connectionId', 'tables', 'truncated'], properties: { connectionId: { type: 'string' }, tables: { type: 'array', items: AVAILABLE_TABLE }, truncated: { type: 'boolean' } } },
      example: {
        connectionId: 'conn_0123456789abcdef',
        truncated: false,
        tables: [
          {
            schema: 'public',
            name: 'orders',
            kind: 'table',
            registeredAs: [],
            columns: [
              { name: 'region', dataType: 'text', type: 'string' },
              { name: 'amount', dataType: 'numeric', type: 'number' },
              { name: 'tags', dataType: 'ARRAY', type: null, unsupported: 'type ARRAY is not supported' },
            ],
          },
        ],
      },
    },
  },
  errors: ['not_found', 'connection_failed', 'query_timeout', 'row_limit_exceeded', 'secret_unavailable'],
};

export const REGISTER_TABLE_DOCS: RouteDocs = {
  ...ADMIN,
  operationId: 'registerTable',
  summary: "Register a table of a data connection as a dataset table",
  description:
    "The columns are read from the connection's database and their PostgreSQL types mapped (numbers, text, booleans, dates and timestamps); " +
    'other types are left out and listed in `skippedColumns`. Labels default to readable forms of the names and can be edited afterwards. ' +
    'The id defaults to the table name (or schema_table when taken). No rows are visible to embed tokens until access rules are set (PUT /api/tables/{id}/rules). ' +
    'A table already registered is `conflict` naming `table`; an id in use is `conflict` naming `id`.',
  body: {
    schema: {
      type: 'object',
      required: ['connectionId', 'schema', 'table'],
      properties: {
        connectionId: { type: 'string' },
        schema: { type: 'string' },
        table: { type: 'string' },
        id: { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]{0,63}$' },
        label: { type: 'string', maxLength: 120 },
        description: { type: 'string', maxLength: 2000 },
        columns: {
          type: 'array',
          minItems: 1,
          description: 'Only these columns (default: every usable one); a name, or `{name, label}`.',
          items: { oneOf: [{ type: 'string' }, { type: 'object', required: ['name'], properties: { name: { type: 'string' }, label: { type: 'string' } } }] },
        },
      },
    },
    example: { connectionId: 'conn_0123456789abcdef', schema: 'public', table: 'orders', label: 'Orders' },
  },
  responses: {
    201: {
      description: 'The registered table.',
      schema: {
        ...TABLE,
        required: [...(TABLE.required as string[]), 'skippedColumns'],
        properties: {
          ...(TABLE.properties as object),
          skippedColumns: {
            type: 'array',
            items: { type: 'object', required: ['name', 'dataType', 'reason'], properties: { name: { type: 'string' }, dataType: { type: 'string' }, reason: { type: 'string' } } },
          },
        },
      },
    },
  },
  errors: ['invalid_request', 'not_found', 'conflict', 'connection_failed', 'query_timeout', 'secret_unavailable'],
};

export const DELETE_TABLE_DOCS: RouteDocs = {
  ...ADMIN,
  operationId: 'deleteTable',
  summary: 'Remove a dataset table, its column metadata and access rules',
  description: "The connection's database is not touched. A table that dashboard tiles query is refused (`conflict`, naming the dashboards).",
  params: { id: { description: 'Id of the table.', schema: { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]{0,63}$' }, example: 'orders' } },
  responses: { 200: { description: 'Removed.', schema: { type: 'object', required: ['removed'], properties: { removed: { type: 'string' } } } } },
  errors: ['not_found', 'conflict'],
};
