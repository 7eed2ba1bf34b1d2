import type { ColumnFormat, DatasetColumn, DatasetTable } from '../datasets/types.ts';
import type { ComparisonOperator } from '../sql/comparison.ts';
import type { SqlValue } from '../store/store.ts';

/**
 * A dataset query described as data — what a tile shows, and what the assistant will produce from a question.
 * Never SQL: it names a table and columns from the organization's metadata, and query/compile.ts writes the SQL.
 *
 * @example
 * { table: 'sales', measures: [{ key: 'revenue', aggregate: 'sum', column: 'revenue' }],
 *   dimensions: [{ key: 'month', column: 'order_date', granularity: 'month' }],
 *   filters: [{ column: 'channel', operator: 'equals', value: 'Online' }], sort: [{ key: 'month' }], limit: 24 }
 */
export interface DatasetQuery {
  table: string;
  measures?: QueryMeasure[];
  dimensions?: QueryDimension[];
  filters?: QueryFilter[];
  sort?: QuerySort[];
  limit?: number;
}

export const AGGREGATES = ['sum', 'avg', 'count', 'min', 'max'] as const;
export type Aggregate = (typeof AGGREGATES)[number];

export const GRANULARITIES = ['day', 'week', 'month', 'quarter', 'year'] as const;
export type Granularity = (typeof GRANULARITIES)[number];

export const FILTER_OPERATORS = [
  'equals',
  'not_equals',
  'in',
  'not_in',
  'gt',
  'gte',
  'lt',
  'lte',
  'before',
  'after',
  'contains',
  'is_null',
  'is_not_null',
] as const;
export type FilterOperator = (typeof FILTER_OPERATORS)[number];

export interface QueryMeasure {
  /** Name of the value in each result row; defaults to `<aggregate>_<column>` (or `count`). */
  key?: string;
  aggregate: Aggregate;
  /** Optional for `count` (counts rows). */
  column?: string;
  label?: string;
  format?: ColumnFormat;
}

export interface QueryDimension {
  key?: string;
  column: string;
  /** Date columns only: truncate to this period; rows then carry the period's first day. */
  granularity?: Granularity;
  label?: string;
  format?: ColumnFormat;
}

export interface QueryFilter {
  column: string;
  operator: FilterOperator;
  /** A value of the column's type; an array for `in` / `not_in`; none for `is_null` / `is_not_null`. */
  value?: unknown;
}

export interface QuerySort {
  /** A measure's or dimension's key. */
  key: string;
  direction?: 'asc' | 'desc';
}

export const DEFAULT_LIMIT = 1000;
export const MAX_LIMIT = 5000;

/** What the compiler needs: a query checked against the table's metadata, with keys, labels and formats settled. */
export interface ResolvedDimension {
  key: string;
  column: DatasetColumn;
  granularity: Granularity | undefined;
  label: string;
  type: ResultColumn['type'];
  format: ColumnFormat;
}

export interface ResolvedMeasure {
  key: string;
  aggregate: Aggregate;
  column: DatasetColumn | undefined;
  label: string;
  type: 'number' | 'date';
  format: ColumnFormat;
}

export type ResolvedFilter =
  | { column: DatasetColumn; operator: ComparisonOperator; operand: SqlValue | readonly string[] }
  | { column: DatasetColumn; operator: 'contains'; operand: string }
  | { column: DatasetColumn; operator: 'is_null' | 'is_not_null' };

export interface ResolvedQuery {
  table: DatasetTable;
  dimensions: ResolvedDimension[];
  measures: ResolvedMeasure[];
  filters: ResolvedFilter[];
  sort: { key: string; direction: 'asc' | 'desc' }[];
  limit: number;
}

/** One column of a result, as the elements render it. */
export interface ResultColumn {
  key: string;
  label: string;
  /** Booleans are grouped as the strings "true" / "false". */
  type: 'string' | 'number' | 'date';
  role: 'dimension' | 'measure';
  format: ColumnFormat;
}

export interface QueryResult {
  columns: ResultColumn[];
  rows: Record<string, unknown>[];
  rowCount: number;
  /** More rows matched than `limit`; only the first `limit` are returned. */
  truncated: boolean;
}
