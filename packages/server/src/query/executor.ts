import type { ConnectionQueryRunner } from '../connections/query-runner.ts';
import { isPermittedLocation, type DatasetService } from '../datasets/service.ts';
import type { DatasetTable } from '../datasets/types.ts';
import { compileRowFilter, type TokenAttributes } from '../rls/compile.ts';
import type { TableAccessPolicy } from '../rls/rules.ts';
import type { AccessRuleService } from '../rls/service.ts';
import { TcError } from '../errors.ts';
import { isPlainObject } from '../validation/input.ts';
import { compileDatasetQuery } from './compile.ts';
import type { QueryResult, ResolvedQuery } from './types.ts';
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
    return this.execute(await this.prepare(query, field));
  }

  /**
   * Starts several queries, each with its own outcome (one failing never fails another), and resolves once all
   * have started, with one promise per query that settles when that query does (never rejects): a dashboard
   * streams each tile as it is ready. Whole-table aggregates — measures without dimensions, e.g. a dashboard's KPI
   * tiles — on one table with the same filters share one scan: a single SELECT of all their measures, started
   * first. Should that shared SELECT fail, each runs alone, so the failure stays with the query that caused it.
   */
  async startAll(queries: readonly { query: unknown; field: string }[]): Promise<Promise<PromiseSettledResult<QueryResult>>[]> {
    const prepared = await Promise.allSettled(queries.map(({ query, field }) => this.prepare(query, field)));
    const scans = new Map<string, number[]>();
    prepared.forEach((outcome, index) => {
      if (outcome.status !== 'fulfilled' || !isWholeTableAggregate(outcome.value.resolved)) return;
      const scan = `${outcome.value.resolved.table.id}\u0000${JSON.stringify(outcome.value.resolved.filters)}`;
      scans.set(scan, [...(scans.get(scan) ?? []), index]);
    });
    const results: (Promise<QueryResult> | undefined)[] = prepared.map(() => undefined);
    for (const members of scans.values()) {
      if (members.length < 2) continue;
      const shared = this.executeShared(members.map((index) => (prepared[index] as PromiseFulfilledResult<PreparedQuery>).value));
      members.forEach((index, position) => (results[index] = shared[position]));
    }
    return prepared.map((outcome, index) =>
      settle(results[index] ?? (outcome.status === 'fulfilled' ? this.execute(outcome.value) : Promise.reject(outcome.reason as Error))),
    );
  }

  /** Resolves a query against the metadata and compiles it with the caller's row filter; runs nothing. */
  private async prepare(query: unknown, field: string): Promise<PreparedQuery> {
    const resolved = await resolveDatasetQuery(query, (tableId) => this.table(tableId), field);
    if (!isPermittedLocation(resolved.table)) throw new TcError('forbidden', `Table "${resolved.table.id}" is not in a queryable location.`);
    const policy = await this.policy(resolved.table.id);
    return { resolved, policy };
  }

  private async execute({ resolved, policy }: PreparedQuery): Promise<QueryResult> {
    const columnTypes = new Map(resolved.table.columns.map((column) => [column.name, column.type]));
    const compiled = compileDatasetQuery(resolved, (params) => compileRowFilter(policy, columnTypes, this.attributes, params));
    const rows = await this.runner.query<Record<string, unknown>>(this.orgId, resolved.table.connectionId, compiled.sql, compiled.params);
    const truncated = rows.length > resolved.limit;
    const visible = truncated ? rows.slice(0, resolved.limit) : rows;
    return { columns: resultColumns(resolved), rows: visible, rowCount: visible.length, truncated };
  }

  /** Whole-table aggregates of one table and filters, as one SELECT; each gets back its own keys. */
  private executeShared(members: PreparedQuery[]): Promise<QueryResult>[] {
    const first = members[0]!;
    const measures = members.flatMap(({ resolved }, member) => resolved.measures.map((measure, i) => ({ ...measure, key: `m${member}_${i}` })));
    const combined = this.execute({ policy: first.policy, resolved: { ...first.resolved, measures, sort: [], limit: 1 } });
    return members.map((prepared, member) =>
      combined.then(
        ({ rows: [row = {}] }) => ({
          columns: resultColumns(prepared.resolved),
          // An aggregate without GROUP BY is always exactly one row, even over no rows at all.
          rows: [Object.fromEntries(prepared.resolved.measures.map((measure, i) => [measure.key, row[`m${member}_${i}`] ?? null]))],
          rowCount: 1,
          truncated: false,
        }),
        () => this.execute(prepared),
      ),
    );
  }

  /** How many rows of a table these attributes may see (the admin's rule preview). */
  async countRows(tableId: string): Promise<number> {
    const result = await this.run({ table: tableId, measures: [{ aggregate: 'count', key: 'row_count' }] }, 'table');
    return Number(result.rows[0]?.row_count ?? 0);
  }
}

interface PreparedQuery {
  resolved: ResolvedQuery;
  policy: TableAccessPolicy;
}

/** The promise's outcome as a value: a promise that never rejects, so no rejection goes unhandled while it waits. */
function settle<T>(promise: Promise<T>): Promise<PromiseSettledResult<T>> {
  return promise.then(
    (value) => ({ status: 'fulfilled', value }),
    (reason: unknown) => ({ status: 'rejected', reason }),
  );
}

/** Measures only: one row over the table's (filtered) rows, so several can share one SELECT. */
function isWholeTableAggregate(query: ResolvedQuery): boolean {
  return query.dimensions.length === 0 && query.measures.length > 0;
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
