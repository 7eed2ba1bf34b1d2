import type { DatasetQuery, QueryFilter } from '../../src/query/types.ts';
import type { SalesRow } from '../../src/sample/sales-generator.ts';
import { SAMPLE_ROWS } from './sample-reference.ts';

/**
 * Runs a DatasetQuery over the sample rows in plain JavaScript — no SQL, no compiler, no database — so tests can
 * check the assistant's answers against figures computed independently. Money is added up in integer cents.
 */

const FIELDS: Record<string, keyof SalesRow> = {
  order_id: 'orderId',
  order_date: 'orderDate',
  region: 'region',
  country: 'country',
  city: 'city',
  product_category: 'productCategory',
  product: 'product',
  channel: 'channel',
  units: 'units',
  revenue: 'revenue',
  cost: 'cost',
};
const MONEY = new Set(['revenue', 'cost']);

function valueOf(row: SalesRow, column: string): string | number {
  const field = FIELDS[column];
  if (!field) throw new Error(`unknown sample column ${column}`);
  const value = row[field];
  return MONEY.has(column) ? Number(value) : value;
}

function matches(row: SalesRow, filter: QueryFilter): boolean {
  const value = valueOf(row, filter.column);
  const operand = filter.value as string | number | (string | number)[];
  switch (filter.operator) {
    case 'equals':
      return value === operand;
    case 'not_equals':
      return value !== operand;
    case 'in':
      return (operand as (string | number)[]).includes(value);
    case 'not_in':
      return !(operand as (string | number)[]).includes(value);
    case 'gt':
    case 'after':
      return value > (operand as string | number);
    case 'gte':
      return value >= (operand as string | number);
    case 'lt':
    case 'before':
      return value < (operand as string | number);
    case 'lte':
      return value <= (operand as string | number);
    case 'contains':
      return String(value).toLowerCase().includes(String(operand).toLowerCase());
    case 'is_null':
      return false;
    case 'is_not_null':
      return true;
  }
}

/** The first day of the period holding `date` (weeks start on Monday, as in PostgreSQL). */
export function truncateDate(date: string, granularity: string | undefined): string {
  const [year, month] = [date.slice(0, 4), Number(date.slice(5, 7))];
  switch (granularity) {
    case 'year':
      return `${year}-01-01`;
    case 'quarter':
      return `${year}-${String(Math.floor((month - 1) / 3) * 3 + 1).padStart(2, '0')}-01`;
    case 'month':
      return `${date.slice(0, 7)}-01`;
    case 'week': {
      const day = new Date(`${date}T00:00:00Z`);
      day.setUTCDate(day.getUTCDate() - ((day.getUTCDay() + 6) % 7));
      return day.toISOString().slice(0, 10);
    }
    default:
      return date;
  }
}

export const measureKeyOf = (measure: NonNullable<DatasetQuery['measures']>[number]) =>
  measure.key ?? (measure.column ? `${measure.aggregate}_${measure.column}` : 'count');
export const dimensionKeyOf = (dimension: NonNullable<DatasetQuery['dimensions']>[number]) =>
  dimension.key ?? (dimension.granularity ? `${dimension.column}_${dimension.granularity}` : dimension.column);

interface Accumulator {
  count: number;
  sum: number;
  min: string | number | undefined;
  max: string | number | undefined;
}

export interface ReferenceResult {
  rows: Record<string, string | number | null>[];
  truncated: boolean;
}

/** The rows `query` returns over the sample data, for a user who may see the rows `visible` keeps. */
export function evaluateQuery(query: DatasetQuery, visible: (row: SalesRow) => boolean = () => true): ReferenceResult {
  const dimensions = query.dimensions ?? [];
  const measures = query.measures ?? [];
  const filters = query.filters ?? [];
  const groups = new Map<string, { keys: Record<string, string>; totals: Accumulator[] }>();
  for (const row of SAMPLE_ROWS) {
    if (!visible(row) || !filters.every((filter) => matches(row, filter))) continue;
    const keys: Record<string, string> = {};
    for (const dimension of dimensions) {
      const value = String(valueOf(row, dimension.column));
      keys[dimensionKeyOf(dimension)] = dimension.column === 'order_date' ? truncateDate(value, dimension.granularity ?? 'day') : value;
    }
    const id = JSON.stringify(keys);
    let group = groups.get(id);
    if (!group) {
      group = { keys, totals: measures.map(() => ({ count: 0, sum: 0, min: undefined, max: undefined })) };
      groups.set(id, group);
    }
    measures.forEach((measure, i) => {
      const total = group!.totals[i]!;
      total.count += 1;
      if (!measure.column) return;
      const value = valueOf(row, measure.column);
      if (typeof value === 'number') total.sum += MONEY.has(measure.column) ? Math.round(value * 100) : value;
      if (total.min === undefined || value < total.min) total.min = value;
      if (total.max === undefined || value > total.max) total.max = value;
    });
  }
  if (dimensions.length === 0 && groups.size === 0) groups.set('{}', { keys: {}, totals: measures.map(() => ({ count: 0, sum: 0, min: undefined, max: undefined })) });

  let rows = [...groups.values()].map((group) => {
    const row: Record<string, string | number | null> = { ...group.keys };
    measures.forEach((measure, i) => {
      const total = group.totals[i]!;
      const money = measure.column !== undefined && MONEY.has(measure.column);
      const key = measureKeyOf(measure);
      switch (measure.aggregate) {
        case 'count':
          row[key] = total.count;
          break;
        case 'sum':
          row[key] = total.count === 0 ? null : money ? total.sum / 100 : total.sum;
          break;
        case 'avg':
          row[key] = total.count === 0 ? null : (money ? total.sum / 100 : total.sum) / total.count;
          break;
        case 'min':
          row[key] = total.min ?? null;
          break;
        case 'max':
          row[key] = total.max ?? null;
          break;
      }
    });
    return row;
  });

  const order = [...(query.sort ?? []).map((entry) => ({ key: entry.key, direction: entry.direction ?? 'asc' }))];
  for (const dimension of dimensions) {
    const key = dimensionKeyOf(dimension);
    if (!order.some((entry) => entry.key === key)) order.push({ key, direction: 'asc' });
  }
  rows.sort((a, b) => {
    for (const { key, direction } of order) {
      const [x, y] = [a[key], b[key]];
      if (x === y) continue;
      if (x === null) return 1;
      if (y === null) return -1;
      const compared = x < y! ? -1 : 1;
      return direction === 'desc' ? -compared : compared;
    }
    return 0;
  });
  const limit = query.limit ?? 1000;
  const truncated = rows.length > limit;
  rows = rows.slice(0, limit);
  return { rows, truncated };
}

const close = (a: unknown, b: unknown): boolean => {
  if (typeof a === 'number' && typeof b === 'number') return Math.abs(a - b) <= 0.005 + 1e-9 * Math.abs(b);
  return a === b;
};

/**
 * Differences between rows from the API and reference rows, or [] when they agree. Rows sorted by a measure must
 * agree in order; otherwise (text sorted by the database's collation) as sets.
 */
export function rowDifferences(actual: readonly Record<string, unknown>[], expected: ReferenceResult['rows'], ordered: boolean): string[] {
  if (actual.length !== expected.length) return [`${actual.length} rows instead of ${expected.length}`];
  // Dimension values are text (dates as YYYY-MM-DD): they identify a row whatever order the database used.
  const keyOf = (row: Record<string, unknown>) => JSON.stringify(Object.keys(row).sort().filter((key) => typeof row[key] === 'string').map((key) => row[key]));
  const left = ordered ? actual : [...actual].sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
  const right = ordered ? expected : [...expected].sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
  const problems: string[] = [];
  right.forEach((row, i) => {
    for (const [key, value] of Object.entries(row)) {
      if (!close(left[i]![key], value)) problems.push(`row ${i} ${key}: ${JSON.stringify(left[i]![key])} instead of ${JSON.stringify(value)}`);
    }
  });
  return problems.slice(0, 5);
}
