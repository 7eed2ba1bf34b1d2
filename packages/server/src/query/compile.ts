import { comparisonSql } from '../sql/comparison.ts';
import { quoteIdentifier, SqlParams } from '../sql/params.ts';
import type { SqlValue } from '../store/store.ts';
import type { ResolvedDimension, ResolvedFilter, ResolvedMeasure, ResolvedQuery } from './types.ts';

export interface CompiledQuery {
  sql: string;
  params: SqlValue[];
}

// Dates leave the database as 'YYYY-MM-DD' text: no driver or time-zone conversion can shift them.
const asIsoDate = (expression: string) => `to_char(${expression}, 'YYYY-MM-DD')`;

/** What a dimension groups by: the column, or its truncation to the period. */
function dimensionGroupSql(dimension: ResolvedDimension): string {
  const column = quoteIdentifier(dimension.column.name);
  // The granularity is one of a fixed list (validate.ts), never caller text.
  if (dimension.column.type === 'date' && dimension.granularity) return `date_trunc('${dimension.granularity}', ${column}::timestamp)`;
  return column;
}

/** What a dimension returns: its group value, dates as text (formatted once per group, not once per row). */
function dimensionSql(dimension: ResolvedDimension): string {
  if (dimension.column.type === 'date') {
    return asIsoDate(dimension.granularity ? dimensionGroupSql(dimension) : `${quoteIdentifier(dimension.column.name)}::timestamp`);
  }
  if (dimension.column.type === 'boolean') return `${quoteIdentifier(dimension.column.name)}::text`;
  return quoteIdentifier(dimension.column.name);
}

function measureSql(measure: ResolvedMeasure): string {
  if (!measure.column) return 'count(*)';
  const column = quoteIdentifier(measure.column.name);
  if (measure.type === 'date') return asIsoDate(`${measure.aggregate}(${column})::timestamp`);
  return `${measure.aggregate}(${column})`;
}

function filterSql(filter: ResolvedFilter, params: SqlParams): string {
  const column = quoteIdentifier(filter.column.name);
  switch (filter.operator) {
    case 'is_null':
      return `${column} is null`;
    case 'is_not_null':
      return `${column} is not null`;
    case 'contains':
      return `strpos(lower(${column}), lower(${params.bind(filter.operand, 'text')})) > 0`;
    default:
      return comparisonSql(column, filter.column.type, filter.operator, filter.operand, params);
  }
}

/**
 * A resolved dataset query → one SELECT with bound parameters. `rowFilter` is the row-level security predicate
 * for the caller (rls/compile.ts); it is required, so no query can be compiled without deciding which rows the
 * caller may see. The table and column names come from the organization's metadata.
 *
 * One row more than the limit is asked for, so the caller can tell a truncated result from a complete one.
 */
export function compileDatasetQuery(query: ResolvedQuery, rowFilter: (params: SqlParams) => string): CompiledQuery {
  const params = new SqlParams();
  const select = [
    ...query.dimensions.map((d) => `${dimensionSql(d)} as ${quoteIdentifier(d.key)}`),
    ...query.measures.map((m) => `${measureSql(m)} as ${quoteIdentifier(m.key)}`),
  ];
  const where = [`(${rowFilter(params)})`, ...query.filters.map((filter) => filterSql(filter, params))];
  const from = `${quoteIdentifier(query.table.schemaName)}.${quoteIdentifier(query.table.tableName)}`;

  let sql = `select ${select.join(', ')} from ${from} where ${where.join(' and ')}`;
  if (query.dimensions.length > 0) {
    // Without measures this is a distinct list of the dimensions; with them, one row per combination.
    sql += ` group by ${query.dimensions.map(dimensionGroupSql).join(', ')}`;
  }
  const order = [...query.sort];
  for (const dimension of query.dimensions) {
    if (!order.some((entry) => entry.key === dimension.key)) order.push({ key: dimension.key, direction: 'asc' });
  }
  if (order.length > 0) {
    sql += ` order by ${order.map((entry) => `${quoteIdentifier(entry.key)} ${entry.direction} nulls last`).join(', ')}`;
  }
  sql += ` limit ${params.bind(query.limit + 1, 'integer')}`;
  return { sql, params: params.values };
}
