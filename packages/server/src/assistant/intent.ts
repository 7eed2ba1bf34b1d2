import type { DatasetColumn, DatasetTable } from '../datasets/types.ts';
import type { Aggregate, DatasetQuery, Granularity, QueryDimension, QueryFilter, QueryMeasure, QuerySort } from '../query/types.ts';

/**
 * What a question asks, before it becomes a DatasetQuery: measures, dimensions, filters and a ranking, named by
 * column rather than by result key. Follow-up questions edit the previous intent ("and by country?" swaps the
 * dimension), which is why the keys and the sort are only settled when it is compiled.
 */
export interface Intent {
  table: DatasetTable;
  measures: IntentMeasure[];
  dimensions: IntentDimension[];
  filters: QueryFilter[];
  /** "top 5", "which … has the highest": sort by the first measure and keep `limit` rows. */
  ranking: { direction: 'asc' | 'desc'; limit: number } | undefined;
}

export interface IntentMeasure {
  aggregate: Aggregate;
  /** None: count rows. */
  column: string | undefined;
}

export interface IntentDimension {
  column: string;
  granularity: Granularity | undefined;
}

/** Rows an answer with dimensions shows at most, unless it ranks. */
export const ANSWER_ROW_LIMIT = 500;

const GRANULARITY_LABEL: Record<Granularity, string> = { day: 'Day', week: 'Week', month: 'Month', quarter: 'Quarter', year: 'Year' };
const AGGREGATE_KEY_PREFIX: Record<Exclude<Aggregate, 'sum' | 'count'>, string> = { avg: 'average', min: 'min', max: 'max' };

export function measureKey(measure: IntentMeasure): string {
  if (!measure.column) return 'count';
  if (measure.aggregate === 'sum') return measure.column;
  if (measure.aggregate === 'count') return `count_${measure.column}`;
  return `${AGGREGATE_KEY_PREFIX[measure.aggregate]}_${measure.column}`;
}

const dimensionKey = (dimension: IntentDimension): string => dimension.granularity ?? dimension.column;

function columnOf(table: DatasetTable, name: string): DatasetColumn | undefined {
  return table.columns.find((column) => column.name === name);
}

const sameMeasure = (a: IntentMeasure, b: IntentMeasure) => a.aggregate === b.aggregate && a.column === b.column;
const sameDimension = (a: IntentDimension, b: IntentDimension) => a.column === b.column && a.granularity === b.granularity;

/** Drops repeats ("revenue … revenue"), so every result key is used once. */
export function dedupe<T>(items: readonly T[], same: (a: T, b: T) => boolean): T[] {
  return items.filter((item, i) => items.findIndex((other) => same(other, item)) === i);
}

/**
 * The DatasetQuery of an intent. One text dimension with measures is sorted by the first measure, largest
 * first; periods are in time order; a ranking keeps its `limit` rows.
 */
export function compileIntent(intent: Intent, rowNoun: string): DatasetQuery {
  const measures = dedupe(intent.measures, sameMeasure);
  const dimensions = dedupe(intent.dimensions, sameDimension);
  const keys = new Set<string>();
  const unique = (key: string): string => {
    let candidate = key;
    for (let n = 2; keys.has(candidate); n++) candidate = `${key}_${n}`;
    keys.add(candidate);
    return candidate;
  };
  const queryDimensions: QueryDimension[] = dimensions.map((dimension) => ({
    key: unique(dimensionKey(dimension)),
    column: dimension.column,
    ...(dimension.granularity ? { granularity: dimension.granularity, label: GRANULARITY_LABEL[dimension.granularity] } : {}),
  }));
  const queryMeasures: QueryMeasure[] = measures.map((measure) => ({
    key: unique(measureKey(measure)),
    aggregate: measure.aggregate,
    ...(measure.column ? { column: measure.column } : { label: rowNoun }),
  }));

  const query: DatasetQuery = { table: intent.table.id };
  if (queryMeasures.length > 0) query.measures = queryMeasures;
  if (queryDimensions.length > 0) query.dimensions = queryDimensions;
  if (intent.filters.length > 0) query.filters = intent.filters.map((filter) => ({ ...filter }));

  const firstMeasure = queryMeasures[0]?.key;
  let sort: QuerySort[] | undefined;
  if (intent.ranking && firstMeasure && queryDimensions.length > 0) {
    sort = [{ key: firstMeasure, direction: intent.ranking.direction }];
    query.limit = intent.ranking.limit;
  } else if (queryDimensions.length > 0) {
    const only = dimensions.length === 1 ? columnOf(intent.table, dimensions[0]!.column) : undefined;
    if (firstMeasure && only && only.type !== 'date') sort = [{ key: firstMeasure, direction: 'desc' }];
    query.limit = ANSWER_ROW_LIMIT;
  }
  if (sort) query.sort = sort;
  return query;
}

/** The intent behind a query (a stored one, or one a model wrote), so a follow-up question can edit it. */
export function intentFromQuery(query: DatasetQuery, table: DatasetTable): Intent {
  const measures = (query.measures ?? []).map((measure) => ({ aggregate: measure.aggregate, column: measure.column }));
  const keyOfMeasure = new Map((query.measures ?? []).map((measure, i) => [measure.key ?? measureKey(measures[i]!), i]));
  const firstSort = query.sort?.[0];
  const rankedMeasure = firstSort ? keyOfMeasure.get(firstSort.key) : undefined;
  const ranking =
    rankedMeasure !== undefined && query.limit !== undefined && query.limit < ANSWER_ROW_LIMIT
      ? { direction: firstSort!.direction ?? 'asc', limit: query.limit }
      : undefined;
  // The ranked measure leads, so the compiled query sorts by it again.
  if (rankedMeasure !== undefined && rankedMeasure > 0) measures.unshift(...measures.splice(rankedMeasure, 1));
  return {
    table,
    measures,
    dimensions: (query.dimensions ?? []).map((dimension) => ({ column: dimension.column, granularity: dimension.granularity })),
    filters: (query.filters ?? []).map((filter) => ({ ...filter })),
    ranking,
  };
}
