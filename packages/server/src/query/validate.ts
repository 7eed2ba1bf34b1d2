import type { ColumnFormat, ColumnType, DatasetColumn, DatasetTable } from '../datasets/types.ts';
import { FORMATS_BY_TYPE, RESOURCE_ID } from '../datasets/types.ts';
import { invalidRequest } from '../errors.ts';
import { coerceList, coerceScalar, isStorableString, type ComparisonOperator } from '../sql/comparison.ts';
import { expectArray, expectInteger, expectObject, expectOneOf, expectString } from '../validation/input.ts';
import {
  AGGREGATES,
  DEFAULT_LIMIT,
  FILTER_OPERATORS,
  GRANULARITIES,
  MAX_LIMIT,
  type FilterOperator,
  type ResolvedDimension,
  type ResolvedFilter,
  type ResolvedMeasure,
  type ResolvedQuery,
  type ResultColumn,
} from './types.ts';

const RESULT_KEY = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
const MAX_MEASURES = 10;
const MAX_DIMENSIONS = 3;
const MAX_FILTERS = 20;
const MAX_SORT = 5;
const MAX_LIST_VALUES = 500;
const MAX_LABEL = 120;

const FILTERS_BY_TYPE: Record<ColumnType, readonly FilterOperator[]> = {
  string: ['equals', 'not_equals', 'in', 'not_in', 'contains', 'is_null', 'is_not_null'],
  number: ['equals', 'not_equals', 'in', 'not_in', 'gt', 'gte', 'lt', 'lte', 'is_null', 'is_not_null'],
  boolean: ['equals', 'not_equals', 'is_null', 'is_not_null'],
  date: ['equals', 'not_equals', 'in', 'not_in', 'gt', 'gte', 'lt', 'lte', 'before', 'after', 'is_null', 'is_not_null'],
};

const EXPECTED_VALUE: Record<ColumnType, string> = {
  string: 'a string',
  number: 'a finite number',
  boolean: 'true or false',
  date: 'a date such as "2025-06-30"',
};

function findColumn(table: DatasetTable, value: unknown, field: string): DatasetColumn {
  const name = expectString(value, field, { max: 63 });
  const column = table.columns.find((candidate) => candidate.name === name);
  if (!column) {
    throw invalidRequest(field, `${field} "${name}" is not a column of table "${table.id}"; use one of ${table.columns.map((c) => c.name).join(', ')}.`);
  }
  return column;
}

function resultKey(value: unknown, fallback: string, field: string, taken: Set<string>): string {
  const key = value === undefined ? fallback : expectString(value, field, { max: 63, pattern: RESULT_KEY, hint: 'letters, digits and "_", starting with a letter' });
  if (taken.has(key)) throw invalidRequest(field, `${field} "${key}" is used twice; give each measure and dimension its own key.`);
  taken.add(key);
  return key;
}

function optionalLabel(value: unknown, field: string): string | undefined {
  return value === undefined ? undefined : expectString(value, field, { max: MAX_LABEL });
}

function formatFor(value: unknown, field: string, type: ResultColumn['type'], fallback: ColumnFormat): ColumnFormat {
  if (value === undefined) return fallback;
  const allowed = FORMATS_BY_TYPE[type];
  return expectOneOf(value, field, allowed);
}

function resolveDimension(input: unknown, field: string, table: DatasetTable, keys: Set<string>): ResolvedDimension {
  const dimension = expectObject(input, field, ['key', 'column', 'granularity', 'label', 'format']);
  const column = findColumn(table, dimension.column, `${field}.column`);
  let granularity: ResolvedDimension['granularity'];
  if (dimension.granularity !== undefined) {
    if (column.type !== 'date') throw invalidRequest(`${field}.granularity`, `${field}.granularity applies to date columns only; "${column.name}" is a ${column.type} column.`);
    granularity = expectOneOf(dimension.granularity, `${field}.granularity`, GRANULARITIES);
  }
  const type: ResultColumn['type'] = column.type === 'boolean' ? 'string' : column.type;
  const fallbackFormat: ColumnFormat = granularity === 'month' ? 'month' : granularity ? 'date' : column.format;
  return {
    key: resultKey(dimension.key, granularity ? `${column.name}_${granularity}` : column.name, `${field}.key`, keys),
    column,
    granularity,
    label: optionalLabel(dimension.label, `${field}.label`) ?? (granularity ? `${column.label} (${granularity})` : column.label),
    type,
    format: formatFor(dimension.format, `${field}.format`, type, fallbackFormat),
  };
}

const AGGREGATE_LABEL: Record<string, (label: string) => string> = {
  sum: (label) => label,
  avg: (label) => `Average ${label.toLowerCase()}`,
  min: (label) => `Minimum ${label.toLowerCase()}`,
  max: (label) => `Maximum ${label.toLowerCase()}`,
  count: (label) => `Count of ${label.toLowerCase()}`,
};

function resolveMeasure(input: unknown, field: string, table: DatasetTable, keys: Set<string>): ResolvedMeasure {
  const measure = expectObject(input, field, ['key', 'aggregate', 'column', 'label', 'format']);
  const aggregate = expectOneOf(measure.aggregate, `${field}.aggregate`, AGGREGATES);
  if (measure.column === undefined && aggregate !== 'count') {
    throw invalidRequest(`${field}.column`, `${field}.column is required for "${aggregate}"; only "count" may omit it to count rows.`);
  }
  const column = measure.column === undefined ? undefined : findColumn(table, measure.column, `${field}.column`);
  if (column && aggregate !== 'count') {
    const allowed: readonly ColumnType[] = aggregate === 'sum' || aggregate === 'avg' ? ['number'] : ['number', 'date'];
    if (!allowed.includes(column.type)) {
      throw invalidRequest(`${field}.aggregate`, `${field}.aggregate "${aggregate}" needs a ${allowed.join(' or ')} column; "${column.name}" is a ${column.type} column.`);
    }
  }
  const type: ResolvedMeasure['type'] = column?.type === 'date' && aggregate !== 'count' ? 'date' : 'number';
  const fallbackFormat: ColumnFormat =
    aggregate === 'count' ? 'integer' : aggregate === 'avg' && column!.format === 'integer' ? 'number' : column!.format;
  return {
    key: resultKey(measure.key, column ? `${aggregate}_${column.name}` : 'count', `${field}.key`, keys),
    aggregate,
    column,
    label: optionalLabel(measure.label, `${field}.label`) ?? (column ? AGGREGATE_LABEL[aggregate]!(column.label) : 'Count'),
    type,
    format: formatFor(measure.format, `${field}.format`, type, fallbackFormat),
  };
}

function resolveFilter(input: unknown, field: string, table: DatasetTable): ResolvedFilter {
  const filter = expectObject(input, field, ['column', 'operator', 'value']);
  const column = findColumn(table, filter.column, `${field}.column`);
  const operator = expectOneOf(filter.operator, `${field}.operator`, FILTER_OPERATORS);
  const allowed = FILTERS_BY_TYPE[column.type];
  if (!allowed.includes(operator)) {
    throw invalidRequest(`${field}.operator`, `${field}.operator "${operator}" does not apply to the ${column.type} column "${column.name}"; use ${allowed.join(', ')}.`);
  }
  if (operator === 'is_null' || operator === 'is_not_null') {
    if (filter.value !== undefined) throw invalidRequest(`${field}.value`, `${field}.value must be left out for "${operator}".`);
    return { column, operator };
  }
  if (operator === 'contains') {
    const text = filter.value;
    if (!isStorableString(text) || text.length === 0 || text.length > 200) {
      throw invalidRequest(`${field}.value`, `${field}.value must be text of 1 to 200 characters for "contains".`);
    }
    return { column, operator, operand: text };
  }
  if (operator === 'in' || operator === 'not_in') {
    const values = expectArray(filter.value, `${field}.value`, MAX_LIST_VALUES, 1);
    const list = coerceList(column.type, values);
    if (!list) throw invalidRequest(`${field}.value`, `${field}.value must be a list of ${EXPECTED_VALUE[column.type]} values (the column "${column.name}" is ${column.type}).`);
    return { column, operator, operand: list };
  }
  const operand = coerceScalar(column.type, filter.value);
  if (operand === undefined) {
    throw invalidRequest(`${field}.value`, `${field}.value must be ${EXPECTED_VALUE[column.type]} (the column "${column.name}" is ${column.type}).`);
  }
  return { column, operator: operator as ComparisonOperator, operand };
}

/**
 * Checks a dataset query (from a stored tile, the admin API or the assistant) against the organization's table
 * metadata and settles keys, labels and formats. Every refusal is a 400 naming the field (e.g. `query.measures[0].column`).
 * A table the organization does not have is refused like an unknown one.
 */
export async function resolveDatasetQuery(
  input: unknown,
  findTable: (tableId: string) => Promise<DatasetTable | undefined>,
  field = 'query',
): Promise<ResolvedQuery> {
  const query = expectObject(input, field, ['table', 'measures', 'dimensions', 'filters', 'sort', 'limit']);
  const tableId = expectString(query.table, `${field}.table`, { max: 64 });
  const table = RESOURCE_ID.test(tableId) ? await findTable(tableId) : undefined;
  if (!table) throw invalidRequest(`${field}.table`, `${field}.table "${tableId}" is not a table of this organization; see GET /api/tables.`);

  const keys = new Set<string>();
  const dimensions = (query.dimensions === undefined ? [] : expectArray(query.dimensions, `${field}.dimensions`, MAX_DIMENSIONS)).map(
    (item, i) => resolveDimension(item, `${field}.dimensions[${i}]`, table, keys),
  );
  const measures = (query.measures === undefined ? [] : expectArray(query.measures, `${field}.measures`, MAX_MEASURES)).map(
    (item, i) => resolveMeasure(item, `${field}.measures[${i}]`, table, keys),
  );
  if (dimensions.length + measures.length === 0) {
    throw invalidRequest(`${field}.measures`, `${field}.measures or ${field}.dimensions must name at least one column to return.`);
  }
  const filters = (query.filters === undefined ? [] : expectArray(query.filters, `${field}.filters`, MAX_FILTERS)).map((item, i) =>
    resolveFilter(item, `${field}.filters[${i}]`, table),
  );
  const sort = (query.sort === undefined ? [] : expectArray(query.sort, `${field}.sort`, MAX_SORT)).map((item, i) => {
    const entry = expectObject(item, `${field}.sort[${i}]`, ['key', 'direction']);
    const key = expectString(entry.key, `${field}.sort[${i}].key`, { max: 63 });
    if (!keys.has(key)) {
      throw invalidRequest(`${field}.sort[${i}].key`, `${field}.sort[${i}].key "${key}" is not a measure or dimension key; use one of ${[...keys].join(', ')}.`);
    }
    const direction = entry.direction === undefined ? 'asc' : expectOneOf(entry.direction, `${field}.sort[${i}].direction`, ['asc', 'desc'] as const);
    return { key, direction };
  });
  const limit = query.limit === undefined ? DEFAULT_LIMIT : expectInteger(query.limit, `${field}.limit`, 1, MAX_LIMIT);
  return { table, dimensions, measures, filters, sort, limit };
}

/** The result columns a resolved query produces: dimensions first, then measures. */
export function resultColumns(query: ResolvedQuery): ResultColumn[] {
  return [
    ...query.dimensions.map((d) => ({ key: d.key, label: d.label, type: d.type, role: 'dimension' as const, format: d.format })),
    ...query.measures.map((m) => ({ key: m.key, label: m.label, type: m.type, role: 'measure' as const, format: m.format })),
  ];
}
