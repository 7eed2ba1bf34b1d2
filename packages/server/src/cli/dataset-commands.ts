import { readFileSync, statSync } from 'node:fs';
import { TableRegistration } from '../datasets/registration.ts';
import { describePolicy } from '../rls/rules.ts';
import type { Handler } from './commands.ts';
import type { CommandKit } from './connection-commands.ts';

export const DATASET_OPTIONS = {
  file: { type: 'string' },
  connection: { type: 'string' },
  schema: { type: 'string' },
  table: { type: 'string' },
  label: { type: 'string' },
  id: { type: 'string' },
} as const;

export const DATASET_USAGE = `  tables list                             list dataset tables and their access mode
  tables available --connection ID        list the tables and views of a connection's database
  tables add --connection ID --schema S --table T [--label L] [--id ID]
                                          register a table of a connection (columns read from the database)
  tables remove TABLE                     remove a table, its metadata and rules (not while dashboards use it)
  rules list TABLE                        show a table's row-level access rules
  rules set TABLE --file rules.json       replace a table's rules: {"mode": "rules", "rules": {"combinator": "and", "rules": […]}}
  dashboards list | show ID               list dashboards, or print one's definition (JSON, importable)
  dashboards import --file dash.json      create a dashboard, or replace the one with the same id`;

const MAX_FILE_BYTES = 1024 * 1024;
type Values = Parameters<Handler>[0]['values'];

function readJsonFile(values: Values, example: string, kit: CommandKit): unknown {
  const path = values.file;
  if (typeof path !== 'string' || path === '') throw new kit.UsageError(`--file is required: ${example}`);
  let text: string;
  try {
    if (statSync(path).size > MAX_FILE_BYTES) throw new kit.UsageError(`--file ${path} is larger than 1 MB.`);
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (error instanceof kit.UsageError) throw error;
    throw new kit.UsageError(`cannot read --file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new kit.UsageError(`--file ${path} is not valid JSON: ${(error as Error).message}.`);
  }
}

/** `tables`, `rules` and `dashboards` commands: the same services as the admin API. */
export function registerDatasetCommands(kit: CommandKit): void {
  const requireId = (value: string | undefined, what: string, example: string): string => {
    if (value === undefined || value === '') throw new kit.UsageError(`The ${what} is required: ${example}`);
    return value;
  };

  kit.register('tables list', async ({ services, orgId }) => {
    const org = await orgId();
    const tables = await services.datasets.list(org);
    const rows = await Promise.all(
      tables.map(async (table) => {
        const policy = await services.accessRules.policyFor(org, table.id);
        const access = policy.mode === 'open' ? 'open' : policy.rules ? 'rules' : 'no rules (no rows)';
        return { id: table.id, label: table.label, connection: table.connectionId, columns: table.columns.length, access };
      }),
    );
    return { json: tables, text: kit.table(rows, ['id', 'label', 'connection', 'columns', 'access']) };
  });

  const ADD_EXAMPLE = 'tc-embed tables add --connection ID --schema SCHEMA --table TABLE [--label LABEL]';
  const requireOption = (values: Values, name: 'connection' | 'schema' | 'table', example: string): string => {
    const value = values[name];
    if (typeof value !== 'string' || value === '') throw new kit.UsageError(`--${name} is required: ${example}`);
    return value;
  };

  kit.register('tables available', async ({ services, orgId, values }) => {
    const connectionId = requireOption(values, 'connection', 'tc-embed tables available --connection ID');
    const result = await new TableRegistration(services.connections, services.datasets).available(await orgId(), connectionId);
    const rows = result.tables.map((table) => ({
      schema: table.schema,
      name: table.name,
      kind: table.kind,
      columns: table.columns.length,
      registered: table.registeredAs.join(', ') || '-',
    }));
    const more = result.truncated ? '\n(more tables exist than are listed)' : '';
    return { json: result, text: rows.length === 0 ? 'No tables found (or the connection user may read none).' : `${kit.table(rows, ['schema', 'name', 'kind', 'columns', 'registered'])}${more}` };
  });

  kit.register('tables add', async ({ services, orgId, values }) => {
    const body = {
      connectionId: requireOption(values, 'connection', ADD_EXAMPLE),
      schema: requireOption(values, 'schema', ADD_EXAMPLE),
      table: requireOption(values, 'table', ADD_EXAMPLE),
      ...(typeof values.label === 'string' ? { label: values.label } : {}),
      ...(typeof values.id === 'string' ? { id: values.id } : {}),
    };
    const table = await new TableRegistration(services.connections, services.datasets).add(await orgId(), body);
    const skipped = table.skippedColumns.length === 0 ? '' : `\nskipped: ${table.skippedColumns.map((column) => `${column.name} (${column.dataType})`).join(', ')}`;
    return {
      json: table,
      text:
        `Registered table ${table.id} "${table.label}" (${table.columns.length} columns) from ${table.schemaName}.${table.tableName}.${skipped}\n` +
        `No rows are visible to embed users until you set its rules: tc-embed rules set ${table.id} --file rules.json`,
    };
  });

  kit.register('tables remove', async ({ services, orgId, positionals }) => {
    const tableId = requireId(positionals[0], 'table id', 'tc-embed tables remove TABLE');
    const removed = await new TableRegistration(services.connections, services.datasets).remove(await orgId(), tableId);
    return { json: removed, text: `Removed table ${tableId}, its column metadata and access rules.` };
  });

  kit.register('rules list', async ({ services, orgId, positionals }) => {
    const tableId = requireId(positionals[0], 'table id', 'tc-embed rules list TABLE');
    const policy = await services.accessRules.get(await orgId(), tableId);
    return { json: policy, text: `${tableId}: ${describePolicy(policy)}` };
  });

  kit.register('rules set', async ({ services, orgId, positionals, values }) => {
    const tableId = requireId(positionals[0], 'table id', 'tc-embed rules set TABLE --file rules.json');
    const body = readJsonFile(values, `tc-embed rules set ${tableId} --file rules.json`, kit);
    const policy = await services.accessRules.set(await orgId(), tableId, body);
    return { json: policy, text: `Saved the access rules of ${tableId}.\n${tableId}: ${describePolicy(policy)}` };
  });

  kit.register('dashboards list', async ({ services, orgId }) => {
    const dashboards = await services.dashboards.list(await orgId());
    return { json: dashboards, text: kit.table(dashboards as unknown as Record<string, unknown>[], ['id', 'title', 'tileCount', 'updatedAt']) };
  });

  kit.register('dashboards show', async ({ services, orgId, positionals }) => {
    const id = requireId(positionals[0], 'dashboard id', 'tc-embed dashboards show ID');
    const { id: dashboardId, title, description, tiles } = await services.dashboards.get(await orgId(), id);
    // Exactly the importable definition, so `show > file` then `import --file file` round-trips.
    const definition = { id: dashboardId, title, description, tiles };
    return { json: definition, text: JSON.stringify(definition, null, 2) };
  });

  kit.register('dashboards import', async ({ services, orgId, values }) => {
    const body = readJsonFile(values, 'tc-embed dashboards import --file dash.json', kit);
    const { dashboard, created } = await services.dashboards.upsert(await orgId(), body);
    const verb = created ? 'Created' : 'Replaced';
    return { json: dashboard, text: `${verb} dashboard ${dashboard.id} "${dashboard.title}" (${dashboard.tiles.length} tiles).` };
  });
}
