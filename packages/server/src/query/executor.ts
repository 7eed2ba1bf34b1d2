import type { ConnectionQueryRunner } from '../connections/query-runner.ts';
import { isPermittedLocation, type DatasetService } from '../datasets/service.ts';
import type { DatasetTable } from '../datasets/types.ts';
import { compileRowFilter, type TokenAttributes } from '../rls/compile.ts';
import type { TableAccessPolicy } from '../rls/rules.ts';
import type { AccessRuleService } from '../rls/service.ts';
import { TcError } from '../errors.ts';
import { isPlainObject } from '../validation/input.ts';
import { compileDatasetQuery } from './compile.ts';
import type { QueryResult } from './types.ts';
import { resolveDatasetQuery, resultColumns } from './validate.ts';

/**
 * Runs dataset queries for one caller (an embed token's organization and attributes) — the only way rows
 * leave a data connection. Each query is resolved against the table's metadata, filtered by the table's access
 * policy compiled for these attributes, and run through the connection's read-only runner. Results are never
 * cached; within one scope only the metadata and policy lookups are shared, so a dashboard's tiles on one table
 * read them once.
 */
export class QueryScope {
  private readonly tables = new Map<string, Promise<DatasetTable | undefined>>();
  private readonly policies = new Map<string, Promise<TableAccessPolicy>>();
  private readonly attributes: TokenAttributes;

  constructor(
    private readonly orgId: string,
    attributes: unknown,
    private readonly datasets: DatasetService,
    private readonly accessRules: AccessRuleService,
    private readonly runner: ConnectionQueryRunner,
  ) {
    this.attributes = isPlainObject(attributes) ? attributes : {};
  }

  private table(tableId: string): Promise<DatasetTable | undefined> {
    let table = this.tables.get(tableId);
    if (!table) {
      table = this.datasets.find(this.orgId, tableId);
      this.tables.set(tableId, table);
    }
    return table;
  }

  private policy(tableId: string): Promise<TableAccessPolicy> {
    let policy = this.policies.get(tableId);
    if (!policy) {
      policy = this.accessRules.policyFor(this.orgId, tableId);
      this.policies.set(tableId, policy);
    }
    return policy;
  }

  /** Runs one query; `field` names it in validation errors (e.g. a tile's `tiles[2].query`). */
  async run(query: unknown, field = 'query'): Promise<QueryResult> {
    const resolved = await resolveDatasetQuery(query, (tableId) => this.table(tableId), field);
    if (!isPermittedLocation(resolved.table)) throw new TcError('forbidden', `Table "${resolved.table.id}" is not in a queryable location.`);
    const policy = await this.policy(resolved.table.id);
    const columnTypes = new Map(resolved.table.columns.map((column) => [column.name, column.type]));
    const compiled = compileDatasetQuery(resolved, (params) => compileRowFilter(policy, columnTypes, this.attributes, params));
    const rows = await this.runner.query<Record<string, unknown>>(this.orgId, resolved.table.connectionId, compiled.sql, compiled.params);
    const truncated = rows.length > resolved.limit;
    const visible = truncated ? rows.slice(0, resolved.limit) : rows;
    return { columns: resultColumns(resolved), rows: visible, rowCount: visible.length, truncated };
  }

  /** How many rows of a table these attributes may see (the admin's rule preview). */
  async countRows(tableId: string): Promise<number> {
    const result = await this.run({ table: tableId, measures: [{ aggregate: 'count', key: 'row_count' }] }, 'table');
    return Number(result.rows[0]?.row_count ?? 0);
  }
}

export class DatasetQueryExecutor {
  constructor(
    private readonly datasets: DatasetService,
    private readonly accessRules: AccessRuleService,
    private readonly runner: ConnectionQueryRunner,
  ) {}

  /** A scope for one request of one caller; discard it with the request. */
  scope(orgId: string, attributes: unknown): QueryScope {
    return new QueryScope(orgId, attributes, this.datasets, this.accessRules, this.runner);
  }
}
