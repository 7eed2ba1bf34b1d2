import type { ColumnType } from '../datasets/types.ts';
import type { SqlValue } from '../store/store.ts';
import type { SqlParams } from './params.ts';

/**
 * "column <operator> value" as SQL, shared by row-level security (value from the token) and dataset query
 * filters (value from the definition). Values are coerced to the column's type first and always bound.
 */

export const COMPARISON_OPERATORS = ['equals', 'not_equals', 'in', 'not_in', 'gt', 'gte', 'lt', 'lte', 'before', 'after'] as const;
export type ComparisonOperator = (typeof COMPARISON_OPERATORS)[number];

export const LIST_OPERATORS: readonly ComparisonOperator[] = ['in', 'not_in'];

const SQL_TYPE: Record<ColumnType, string> = { string: 'text', number: 'numeric', boolean: 'boolean', date: 'date' };
const SCALAR_SQL: Record<Exclude<ComparisonOperator, 'in' | 'not_in'>, string> = {
  equals: '=',
  not_equals: '<>',
  gt: '>',
  gte: '>=',
  lt: '<',
  lte: '<=',
  before: '<',
  after: '>',
};

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?$/;
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
// NUL and unpaired surrogates cannot be stored in a UTF-8 database, so no row can hold such a value.
const UNSTORABLE = /\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** "2025-06-30" or an ISO date-time → its calendar date "YYYY-MM-DD", or undefined. */
export function isoDatePart(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const match = ISO_DATE.exec(value);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (year < 1) return undefined;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  return value.slice(0, 10);
}

export function isStorableString(value: unknown): value is string {
  return typeof value === 'string' && !UNSTORABLE.test(value);
}

/** A value of the column's type, ready to bind, or undefined when `value` is not one. */
export function coerceScalar(type: ColumnType, value: unknown): SqlValue | undefined {
  switch (type) {
    case 'string':
      return isStorableString(value) ? value : undefined;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
    case 'boolean':
      return typeof value === 'boolean' ? value : undefined;
    case 'date':
      return isoDatePart(value);
  }
}

function coerceListItem(type: ColumnType, value: unknown): string | undefined {
  if (type === 'number' && typeof value === 'string' && DECIMAL.test(value.trim())) {
    const number = Number(value.trim());
    return Number.isFinite(number) ? String(number) : undefined;
  }
  const scalar = coerceScalar(type, value);
  return scalar === undefined || type === 'boolean' ? undefined : String(scalar);
}

/**
 * A list for `in` / `not in`: an array whose every item has the column's type (numbers may be written as
 * decimal strings, as a string[] token attribute carries them), or one such scalar. Undefined when any item
 * is not one: a list is used whole or not at all.
 */
export function coerceList(type: ColumnType, value: unknown): string[] | undefined {
  const items = Array.isArray(value) ? value : [value];
  const list: string[] = [];
  for (const item of items) {
    const coerced = coerceListItem(type, item);
    if (coerced === undefined) return undefined;
    list.push(coerced);
  }
  return list;
}

/**
 * The predicate for one comparison, for WHERE clauses made of AND and OR only (row-level security and query
 * filters; never under NOT). There a comparison with a NULL column value is unknown, and an unknown excludes the
 * row exactly as false does: AND and OR are min and max over false < unknown < true, and mapping unknown to false
 * preserves both. So a NULL never matches, without wrapping the comparison in coalesce(…, false) — which would
 * keep the planner from using an index on the column.
 */
export function comparisonSql(
  column: string,
  type: ColumnType,
  operator: ComparisonOperator,
  operand: SqlValue | readonly string[],
  params: SqlParams,
): string {
  const sqlType = SQL_TYPE[type];
  if (operator === 'in') return `${column} = any(${params.bind(operand, `${sqlType}[]`)})`;
  if (operator === 'not_in') {
    return `(${column} is not null and ${column} <> all(${params.bind(operand, `${sqlType}[]`)}))`;
  }
  return `${column} ${SCALAR_SQL[operator]} ${params.bind(operand as SqlValue, sqlType)}`;
}
