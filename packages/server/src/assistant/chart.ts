import type { QueryResult, ResolvedQuery } from '../query/types.ts';
import { headline } from './explain.ts';

/** How the element should draw an answer: the same tile types as dashboards. */
export interface ChartSuggestion {
  type: 'kpi' | 'bar' | 'line' | 'table';
  title: string;
  /** The key of the x axis (bar, line). */
  x?: string;
  /** The keys plotted (kpi, bar, line). */
  y?: string[];
}

const MAX_BARS = 25;

/**
 * One number is a KPI; measures over periods are a line; measures over up to 25 categories are bars;
 * anything else (several dimensions, long lists, lists without measures) is a table.
 */
export function suggestChart(query: ResolvedQuery, result: QueryResult): ChartSuggestion {
  const title = headline(query);
  const measureKeys = query.measures.map((measure) => measure.key);
  if (query.dimensions.length === 0 && query.measures.length === 1) return { type: 'kpi', title, y: measureKeys };
  if (query.dimensions.length === 1 && query.measures.length > 0) {
    const dimension = query.dimensions[0]!;
    if (dimension.type === 'date' && result.rows.length >= 2) return { type: 'line', title, x: dimension.key, y: measureKeys };
    if (result.rows.length >= 1 && result.rows.length <= MAX_BARS) return { type: 'bar', title, x: dimension.key, y: measureKeys };
  }
  return { type: 'table', title };
}
