import { COLUMN_FORMATS, COLUMN_TYPES } from '../datasets/types.ts';
import { TILE_TYPES } from '../dashboards/definition.ts';
import type { DocumentedParameter, JsonSchema, RouteDocs } from '../openapi/route-docs.ts';
import { AGGREGATES, FILTER_OPERATORS, GRANULARITIES, MAX_LIMIT } from '../query/types.ts';
import { ACCESS_MODES, RULE_OPERATORS } from '../rls/rules.ts';

/** OpenAPI documentation of the dataset, rules and dashboard routes (embed-dashboards, admin-tables, admin-dashboards). */

const RESOURCE_ID_SCHEMA: JsonSchema = { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]{0,63}$' };
const idParam = (what: string, example: string): Record<string, DocumentedParameter> => ({
  id: { description: `Id of the ${what}.`, schema: RESOURCE_ID_SCHEMA, example },
});

const DATASET_QUERY: JsonSchema = {
  type: 'object',
  description: 'A query described as data (never SQL), checked against the table metadata.',
  required: ['table'],
  properties: {
    table: { type: 'string', description: 'Id of a table of the organization (GET /api/tables).' },
    measures: {
      type: 'array',
      maxItems: 10,
      items: {
        type: 'object',
        required: ['aggregate'],
        properties: {
          key: { type: 'string', description: 'Name of the value in each row; default `<aggregate>_<column>` or `count`.' },
          aggregate: { enum: [...AGGREGATES] },
          column: { type: 'string', description: 'Required except for `count` (which then counts rows).' },
          label: { type: 'string' },
          format: { enum: [...COLUMN_FORMATS] },
        },
      },
    },
    dimensions: {
      type: 'array',
      maxItems: 3,
      items: {
        type: 'object',
        required: ['column'],
        properties: {
          key: { type: 'string' },
          column: { type: 'string' },
          granularity: { enum: [...GRANULARITIES], description: 'Date columns only.' },
          label: { type: 'string' },
          format: { enum: [...COLUMN_FORMATS] },
        },
      },
    },
    filters: {
      type: 'array',
      maxItems: 20,
      items: {
        type: 'object',
        required: ['column', 'operator'],
        properties: { column: { type: 'string' }, operator: { enum: [...FILTER_OPERATORS] }, value: { description: "A value of the column's type; an array for `in` / `not_in`." } },
      },
    },
    sort: { type: 'array', maxItems: 5, items: { type: 'object', required: ['key'], properties: { key: { type: 'string' }, direction: { enum: ['asc', 'desc'] } } } },
    limit: { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: 1000 },
  },
};

const LAYOUT: JsonSchema = {
  type: 'object',
  description: 'Position on a 12-column grid.',
  required: ['x', 'y', 'w', 'h'],
  properties: { x: { type: 'integer', minimum: 0, maximum: 11 }, y: { type: 'integer', minimum: 0 }, w: { type: 'integer', minimum: 1, maximum: 12 }, h: { type: 'integer', minimum: 1, maximum: 24 } },
};

const TILE_DEFINITION: JsonSchema = {
  type: 'object',
  required: ['id', 'title', 'type', 'layout', 'query'],
  properties: {
    id: { ...RESOURCE_ID_SCHEMA, description: 'Unique in the organization: GET /embed/charts/{id} serves the tile alone.' },
    title: { type: 'string' },
    type: { enum: [...TILE_TYPES], description: 'kpi: one measure, no dimension; bar and line: one dimension, one or more measures; table: any.' },
    layout: LAYOUT,
    query: DATASET_QUERY,
  },
};

const DASHBOARD_DEFINITION: JsonSchema = {
  type: 'object',
  required: ['id', 'title'],
  properties: {
    id: RESOURCE_ID_SCHEMA,
    title: { type: 'string', maxLength: 200 },
    description: { type: 'string', maxLength: 2000 },
    tiles: { type: 'array', maxItems: 40, items: TILE_DEFINITION },
  },
};

const STORED_DASHBOARD: JsonSchema = {
  ...DASHBOARD_DEFINITION,
  required: ['id', 'title', 'description', 'tiles', 'createdAt', 'updatedAt'],
  properties: { ...(DASHBOARD_DEFINITION.properties as object), createdAt: { type: 'string' }, updatedAt: { type: 'string' } },
};

const TILE_VIEW: JsonSchema = {
  type: 'object',
  required: ['id', 'title', 'type', 'layout', 'columns', 'rows', 'rowCount', 'truncated'],
  properties: {
    id: { type: 'string' },
    title: { type: 'string' },
    type: { enum: [...TILE_TYPES] },
    layout: LAYOUT,
    columns: {
      type: 'array',
      items: {
        type: 'object',
        required: ['key', 'label', 'type', 'role', 'format'],
        properties: {
          key: { type: 'string' },
          label: { type: 'string' },
          type: { enum: ['string', 'number', 'date'] },
          role: { enum: ['dimension', 'measure'] },
          format: { enum: [...COLUMN_FORMATS] },
        },
      },
    },
    rows: { type: 'array', items: { type: 'object', description: 'Values by column key; dates as YYYY-MM-DD.' } },
    rowCount: { type: 'integer' },
    truncated: { type: 'boolean', description: 'More rows matched than the query limit.' },
    error: {
      type: 'object',
      description: 'Present when this tile failed; the other tiles are unaffected.',
      required: ['code', 'message'],
      properties: { code: { type: 'string' }, message: { type: 'string' } },
    },
  },
};

const COLUMN: JsonSchema = {
  type: 'object',
  required: ['name', 'type', 'label', 'description', 'synonyms', 'format'],
  properties: {
    name: { type: 'string' },
    type: { enum: [...COLUMN_TYPES] },
    label: { type: 'string' },
    description: { type: 'string' },
    synonyms: { type: 'array', items: { type: 'string' }, description: 'Other words users say for this column (the assistant reads them).' },
    format: { enum: [...COLUMN_FORMATS] },
  },
};

export const TABLE: JsonSchema = {
  type: 'object',
  required: ['id', 'connectionId', 'schemaName', 'tableName', 'label', 'description', 'columns', 'updatedAt'],
  properties: {
    id: { type: 'string' },
    connectionId: { type: 'string', description: '`sample` for the built-in sample database.' },
    schemaName: { type: 'string' },
    tableName: { type: 'string' },
    label: { type: 'string' },
    description: { type: 'string' },
    columns: { type: 'array', items: COLUMN },
    updatedAt: { type: 'string' },
  },
};

const RULE_GROUP: JsonSchema = {
  type: 'object',
  description:
    'An AND / OR group. Each item is a condition `{column, operator, attribute}` or a nested group (at most 4 levels, 50 conditions). ' +
    'Operators — string columns: equals, not_equals, in, not_in, is_set, is_not_set; number columns: those and gt, gte, lt, lte; ' +
    'boolean: equals, not_equals; date: equals, before, after. A condition whose attribute is missing from the token matches no row.',
  required: ['combinator', 'rules'],
  properties: {
    combinator: { enum: ['and', 'or'] },
    rules: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        properties: { column: { type: 'string' }, operator: { enum: [...RULE_OPERATORS] }, attribute: { type: 'string' }, combinator: { enum: ['and', 'or'] }, rules: { type: 'array' } },
      },
    },
  },
};

const POLICY_BODY: JsonSchema = {
  type: 'object',
  properties: {
    mode: { enum: [...ACCESS_MODES], default: 'rules', description: '`open`: every row to every token. `rules`: the rows the rules match (none without rules).' },
    rules: { oneOf: [RULE_GROUP, { type: 'null' }] },
  },
};

const POLICY: JsonSchema = {
  type: 'object',
  required: ['tableId', 'mode', 'rules', 'updatedAt'],
  properties: { tableId: { type: 'string' }, ...(POLICY_BODY.properties as object), updatedAt: { type: ['string', 'null'], description: 'null while no policy was ever set (no rows are visible).' } },
};

const REGION_RULE_EXAMPLE = { combinator: 'and', rules: [{ column: 'region', operator: 'equals', attribute: 'region' }] };
const KPI_TILE_EXAMPLE = {
  id: 'revenue-total',
  title: 'Revenue',
  type: 'kpi',
  layout: { x: 0, y: 0, w: 3, h: 2 },
  query: { table: 'sales', measures: [{ key: 'revenue', aggregate: 'sum', column: 'revenue' }] },
};
const TILE_VIEW_EXAMPLE = {
  id: 'revenue-by-region',
  title: 'Revenue by region',
  type: 'bar',
  layout: { x: 8, y: 2, w: 4, h: 4 },
  columns: [
    { key: 'region', label: 'Region', type: 'string', role: 'dimension', format: 'text' },
    { key: 'revenue', label: 'Revenue', type: 'number', role: 'measure', format: 'currency' },
  ],
  rows: [{ region: 'Europe', revenue: 13561917.15 }],
  rowCount: 1,
  truncated: false,
};

export const EMBED_DASHBOARD_DOCS: RouteDocs = {
  tag: 'Embed API',
  operationId: 'getEmbedDashboard',
  summary: "A dashboard and each tile's rows, row-level security applied",
  description:
    "Needs the `dashboards:view` permission. Every tile's query passes through the table's access rules for the token's attributes; " +
    "nothing is cached. A dashboard of another organization answers 404 exactly like an unknown id. A tile that fails carries `error` and the others still render. " +
    "With `Accept: application/x-ndjson` (what `<tc-dashboard>` sends) the answer is progressive, one JSON document per line: first `{dashboard, tiles, generatedAt}` with each tile's " +
    "`id`, `title`, `type` and `layout` but no rows, then `{\"tile\": …}` per tile (the shape below) as soon as its query completes, then `{\"done\": true}`; errors found before the first line keep their usual status and JSON body.",
  security: ['embedToken'],
  params: idParam('dashboard', 'sales'),
  responses: {
    200: {
      description: "The dashboard's definition and each tile's rows.",
      schema: { type: 'object', required: ['dashboard', 'tiles', 'generatedAt'], properties: { dashboard: { type: 'object', required: ['id', 'title', 'description'], properties: { id: { type: 'string' }, title: { type: 'string' }, description: { type: 'string' } } }, tiles: { type: 'array', items: TILE_VIEW }, generatedAt: { type: 'string' } } },
      example: { dashboard: { id: 'sales', title: 'Sales overview', description: '' }, tiles: [TILE_VIEW_EXAMPLE], generatedAt: '2026-01-31T12:00:00.000Z' },
    },
  },
  errors: ['forbidden', 'not_found'],
};

export const EMBED_CHART_DOCS: RouteDocs = {
  tag: 'Embed API',
  operationId: 'getEmbedChart',
  summary: "One tile (chart) and its rows, row-level security applied",
  description: 'The same tile as in its dashboard, found by its id (unique in the organization). Needs `dashboards:view`.',
  security: ['embedToken'],
  params: idParam('tile', 'revenue-by-region'),
  responses: {
    200: {
      description: 'The tile, with the id of the dashboard it belongs to.',
      schema: { type: 'object', required: ['dashboardId', 'tile', 'generatedAt'], properties: { dashboardId: { type: 'string' }, tile: TILE_VIEW, generatedAt: { type: 'string' } } },
      example: { dashboardId: 'sales', tile: TILE_VIEW_EXAMPLE, generatedAt: '2026-01-31T12:00:00.000Z' },
    },
  },
  errors: ['forbidden', 'not_found'],
};

const ADMIN: Pick<RouteDocs, 'tag' | 'security'> = { tag: 'Admin API', security: ['adminSession'] };
const TABLE_PARAMS = idParam('table', 'sales');

export const LIST_TABLES_DOCS: RouteDocs = {
  ...ADMIN,
  operationId: 'listTables',
  summary: 'List dataset tables with their columns',
  responses: { 200: { description: 'Every table the organization exposes.', schema: { type: 'object', required: ['tables'], properties: { tables: { type: 'array', items: TABLE } } } } },
};

export const GET_TABLE_DOCS: RouteDocs = {
  ...ADMIN,
  operationId: 'getTable',
  summary: 'Read a table and its columns',
  params: TABLE_PARAMS,
  responses: { 200: { description: 'The table.', schema: TABLE } },
  errors: ['not_found'],
};

export const PATCH_TABLE_DOCS: RouteDocs = {
  ...ADMIN,
  operationId: 'updateTable',
  summary: "Edit a table's label and description",
  params: TABLE_PARAMS,
  body: { schema: { type: 'object', properties: { label: { type: 'string', maxLength: 120 }, description: { type: 'string', maxLength: 2000 } } }, example: { label: 'Orders' } },
  responses: { 200: { description: 'The table after the change.', schema: TABLE } },
  errors: ['not_found'],
};

export const PATCH_COLUMN_DOCS: RouteDocs = {
  ...ADMIN,
  operationId: 'updateTableColumn',
  summary: "Edit a column's label, description, synonyms or display format",
  params: { ...TABLE_PARAMS, column: { description: 'Name of the column.', schema: { type: 'string' }, example: 'revenue' } },
  body: {
    schema: { type: 'object', properties: { label: { type: 'string' }, description: { type: 'string' }, synonyms: { type: 'array', maxItems: 20, items: { type: 'string', maxLength: 80 } }, format: { enum: [...COLUMN_FORMATS] } } },
    example: { synonyms: ['turnover', 'sales'], format: 'currency' },
  },
  responses: { 200: { description: 'The column after the change.', schema: COLUMN } },
  errors: ['not_found'],
};

export const GET_RULES_DOCS: RouteDocs = {
  ...ADMIN,
  operationId: 'getTableRules',
  summary: "Read a table's row-level access rules",
  params: TABLE_PARAMS,
  responses: { 200: { description: 'The policy (mode "rules" with no rules while none was ever set).', schema: POLICY, example: { tableId: 'sales', mode: 'rules', rules: REGION_RULE_EXAMPLE, updatedAt: '2026-01-31T12:00:00.000Z' } } },
  errors: ['not_found'],
};

export const PUT_RULES_DOCS: RouteDocs = {
  ...ADMIN,
  operationId: 'setTableRules',
  summary: "Replace a table's whole rule tree",
  description: 'Each operator must suit its column type; each attribute must be registered, with a compatible type.',
  params: TABLE_PARAMS,
  body: { schema: POLICY_BODY, example: { mode: 'rules', rules: REGION_RULE_EXAMPLE } },
  responses: { 200: { description: 'The saved policy.', schema: POLICY } },
  errors: ['not_found'],
};

export const PREVIEW_RULES_DOCS: RouteDocs = {
  ...ADMIN,
  operationId: 'previewTableRules',
  summary: 'How many rows a user with these attributes sees',
  description: 'Runs the saved rules exactly as for an embed token carrying `attributes` (checked against the registered attribute types).',
  params: TABLE_PARAMS,
  body: { schema: { type: 'object', properties: { attributes: { type: 'object' } } }, example: { attributes: { region: 'Europe' } } },
  responses: { 200: { description: 'The number of visible rows.', schema: { type: 'object', required: ['rowCount'], properties: { rowCount: { type: 'integer' } } }, example: { rowCount: 18155 } } },
  errors: ['not_found', 'query_timeout', 'connection_failed', 'secret_unavailable'],
};

const DASHBOARD_PARAMS = idParam('dashboard', 'sales');

export const LIST_DASHBOARDS_DOCS: RouteDocs = {
  ...ADMIN,
  operationId: 'listDashboards',
  summary: 'List dashboards',
  responses: {
    200: {
      description: 'Every dashboard of the organization.',
      schema: {
        type: 'object',
        required: ['dashboards'],
        properties: {
          dashboards: {
            type: 'array',
            items: { type: 'object', required: ['id', 'title', 'description', 'tileCount', 'updatedAt'], properties: { id: { type: 'string' }, title: { type: 'string' }, description: { type: 'string' }, tileCount: { type: 'integer' }, updatedAt: { type: 'string' } } },
          },
        },
      },
    },
  },
};

export const GET_DASHBOARD_DOCS: RouteDocs = {
  ...ADMIN,
  operationId: 'getDashboard',
  summary: "Read a dashboard's definition",
  params: DASHBOARD_PARAMS,
  responses: { 200: { description: 'The definition.', schema: STORED_DASHBOARD } },
  errors: ['not_found'],
};

export const CREATE_DASHBOARD_DOCS: RouteDocs = {
  ...ADMIN,
  operationId: 'createDashboard',
  summary: 'Create a dashboard',
  description: "Every tile's query is checked against the table metadata; tile ids must be unique in the organization.",
  body: { schema: DASHBOARD_DEFINITION, example: { id: 'ops', title: 'Operations', tiles: [{ ...KPI_TILE_EXAMPLE, id: 'ops-revenue' }] } },
  responses: { 201: { description: 'The created dashboard.', schema: STORED_DASHBOARD } },
  errors: ['conflict'],
};

export const REPLACE_DASHBOARD_DOCS: RouteDocs = {
  ...ADMIN,
  operationId: 'replaceDashboard',
  summary: "Replace a dashboard's title, description and tiles",
  params: DASHBOARD_PARAMS,
  body: { schema: { ...DASHBOARD_DEFINITION, required: ['title'] }, example: { title: 'Sales overview', tiles: [KPI_TILE_EXAMPLE] } },
  responses: { 200: { description: 'The dashboard after the change.', schema: STORED_DASHBOARD } },
  errors: ['not_found', 'conflict'],
};

export const DELETE_DASHBOARD_DOCS: RouteDocs = {
  ...ADMIN,
  operationId: 'deleteDashboard',
  summary: 'Delete a dashboard and its tiles',
  params: DASHBOARD_PARAMS,
  responses: { 200: { description: 'Deleted.', schema: { type: 'object', required: ['removed'], properties: { removed: { type: 'string' } } } } },
  errors: ['not_found'],
};
