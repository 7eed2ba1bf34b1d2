import type { ResolvedDimension, ResolvedFilter, ResolvedMeasure, ResolvedQuery } from '../query/types.ts';

/**
 * A query in plain words, for people who cannot read JSON: what is measured, how it is grouped, which rows
 * count, and in what order. The element shows it under "How this was answered"; the answer's headline uses
 * the short form.
 */

/** "Revenue" → "revenue", leaving names that are not a capitalised word ("SKU", "eBay") alone. */
export const lower = (label: string): string => (/^[A-Z][a-z]/.test(label) ? label.charAt(0).toLowerCase() + label.slice(1) : label);

function measurePhrase(measure: ResolvedMeasure): string {
  if (!measure.column) return `the number of ${lower(measure.label)}`;
  const column = lower(measure.column.label);
  switch (measure.aggregate) {
    case 'sum':
      return `total ${column}`;
    case 'avg':
      return `average ${column}`;
    case 'min':
      return `smallest ${column}`;
    case 'max':
      return `largest ${column}`;
    case 'count':
      return `the number of rows with a ${column}`;
  }
}

function dimensionPhrase(dimension: ResolvedDimension): string {
  return dimension.granularity ? `${dimension.granularity} (of ${lower(dimension.column.label)})` : lower(dimension.column.label);
}

const quote = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

function listPhrase(values: readonly string[], joiner: 'or' | 'nor'): string {
  if (values.length <= 1) return values.join('');
  return `${values.slice(0, -1).join(', ')} ${joiner} ${values.at(-1)}`;
}

function filterPhrase(filter: ResolvedFilter): string {
  const column = lower(filter.column.label);
  const isDate = filter.column.type === 'date';
  switch (filter.operator) {
    case 'is_null':
      return `${column} is empty`;
    case 'is_not_null':
      return `${column} is not empty`;
    case 'contains':
      return `${column} contains "${filter.operand}"`;
    case 'equals':
      return `${column} is ${quote(filter.operand)}`;
    case 'not_equals':
      return `${column} is not ${quote(filter.operand)}`;
    case 'in':
      return `${column} is ${listPhrase((filter.operand as readonly string[]).map(quote), 'or')}`;
    case 'not_in':
      return `${column} is neither ${listPhrase((filter.operand as readonly string[]).map(quote), 'nor')}`;
    case 'gt':
    case 'after':
      return `${column} is ${isDate ? 'after' : 'more than'} ${quote(filter.operand)}`;
    case 'gte':
      return `${column} is ${isDate ? 'on or after' : 'at least'} ${quote(filter.operand)}`;
    case 'lt':
    case 'before':
      return `${column} is ${isDate ? 'before' : 'less than'} ${quote(filter.operand)}`;
    case 'lte':
      return `${column} is ${isDate ? 'on or before' : 'at most'} ${quote(filter.operand)}`;
  }
}

/** Filters in words; a date column's "on or after X" and "on or before Y" read as one "from X to Y". */
export function filterPhrases(filters: readonly ResolvedFilter[]): string[] {
  const phrases: string[] = [];
  const used = new Set<ResolvedFilter>();
  for (const filter of filters) {
    if (used.has(filter)) continue;
    if (filter.column.type === 'date' && filter.operator === 'gte') {
      const end = filters.find((other) => !used.has(other) && other.column === filter.column && other.operator === 'lte');
      if (end && 'operand' in end) {
        used.add(end);
        phrases.push(`${lower(filter.column.label)} is from ${quote(filter.operand)} to ${quote(end.operand)}`);
        continue;
      }
    }
    phrases.push(filterPhrase(filter));
  }
  return phrases;
}

const joinAnd = (items: readonly string[]): string => (items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`);

/** "Revenue by region" — the answer's headline and the chart's title. */
export function headline(query: ResolvedQuery): string {
  const measured = query.measures.length > 0 ? joinAnd(query.measures.map((measure) => measure.label)) : joinAnd(query.dimensions.map((d) => d.label));
  const grouped = query.measures.length > 0 && query.dimensions.length > 0 ? ` by ${joinAnd(query.dimensions.map((d) => lower(d.label)))}` : '';
  return `${measured}${grouped}`;
}

/** The whole query in one paragraph of plain words. */
export function explainQuery(query: ResolvedQuery): string {
  const parts: string[] = [];
  if (query.measures.length > 0) {
    parts.push(`I calculated ${joinAnd(query.measures.map(measurePhrase))}`);
    if (query.dimensions.length > 0) parts.push(`for each ${joinAnd(query.dimensions.map(dimensionPhrase))}`);
  } else {
    parts.push(`I listed the distinct ${joinAnd(query.dimensions.map(dimensionPhrase))} values`);
  }
  parts.push(`from the ${query.table.label} table`);
  const filters = filterPhrases(query.filters);
  parts.push(filters.length > 0 ? `counting only rows where ${joinAnd(filters)}` : 'over all the rows you can see');
  let sentence = `${parts.join(' ')}.`;
  const sort = query.sort[0];
  if (sort) {
    const measure = query.measures.find((m) => m.key === sort.key);
    const label = measure ? lower(measure.label) : lower(query.dimensions.find((d) => d.key === sort.key)?.label ?? sort.key);
    sentence += ` Sorted by ${label}, ${sort.direction === 'desc' ? 'largest' : 'smallest'} first`;
    sentence += query.limit < 100 ? `, keeping the first ${query.limit}.` : '.';
  }
  return `${sentence} Your access rules were applied, so only data you are allowed to see was used.`;
}
