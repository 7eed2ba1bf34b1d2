import type { ColumnFormat } from '../datasets/types.ts';
import type { QueryResult, ResolvedQuery } from '../query/types.ts';
import { headline } from './explain.ts';

/**
 * The answer in words, written only from the result rows: every figure in it is a value of the result, so the
 * assistant can never state a number the query did not return. Returned as lines; the route streams them.
 */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const LISTED_ROWS = 12;
const LISTED_VALUES = 30;

const currency = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });
const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
const percent = new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 1 });

export function formatNumber(value: number, format: ColumnFormat): string {
  switch (format) {
    case 'currency':
      return currency.format(value);
    case 'integer':
      return integer.format(value);
    case 'percent':
      return percent.format(value);
    default:
      return decimal.format(value);
  }
}

/** A date value as the period it stands for: "Mar 2025", "Q1 2025", "2025", "week of 2025-03-03". */
function formatDate(value: string, granularity: string | undefined): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return value;
  const [, year, month] = match;
  switch (granularity) {
    case 'year':
      return year!;
    case 'quarter':
      return `Q${Math.floor((Number(month) - 1) / 3) + 1} ${year}`;
    case 'month':
      return `${MONTHS[Number(month) - 1]} ${year}`;
    case 'week':
      return `week of ${value}`;
    default:
      return value;
  }
}

type Cell = { format: ColumnFormat; granularity?: string | undefined; type: string };

function formatCell(value: unknown, cell: Cell): string {
  if (value === null || value === undefined) return 'no value';
  if (typeof value === 'number') return formatNumber(value, cell.format);
  if (typeof value === 'string' && cell.type === 'date') return formatDate(value, cell.granularity);
  return String(value);
}

export function answerLines(query: ResolvedQuery, result: QueryResult): string[] {
  const title = headline(query);
  const measures = query.measures;
  const dimensions = query.dimensions;
  const dimensionCells = dimensions.map((d) => ({ key: d.key, cell: { format: d.format, granularity: d.granularity, type: d.type } }));
  const measureCells = measures.map((m) => ({ key: m.key, label: m.label, cell: { format: m.format, type: m.type } }));
  const describeRow = (row: Record<string, unknown>) => dimensionCells.map((d) => formatCell(row[d.key], d.cell)).join(' / ');
  const measuresOf = (row: Record<string, unknown>) =>
    measureCells.map((m) => (measureCells.length > 1 ? `${m.label} ${formatCell(row[m.key], m.cell)}` : formatCell(row[m.key], m.cell))).join(', ');

  if (dimensions.length === 0) {
    const row = result.rows[0] ?? {};
    if (measureCells.every((m) => row[m.key] === null || row[m.key] === undefined)) {
      return [`${title}: there is no data you can see for this question.`];
    }
    return measureCells.map((m) => `${m.label}: ${formatCell(row[m.key], m.cell)}.`);
  }
  if (result.rows.length === 0) return [`${title}: there is no data you can see for this question.`];

  if (measures.length === 0) {
    const values = result.rows.map(describeRow);
    const shown = values.slice(0, LISTED_VALUES).join(', ');
    const more = values.length > LISTED_VALUES || result.truncated ? ', and more' : '';
    return [`${title} (${result.rowCount}${result.truncated ? '+' : ''}): ${shown}${more}.`];
  }

  const sort = query.sort[0];
  const rankedBy = sort ? measureCells.find((m) => m.key === sort.key) : undefined;
  if (rankedBy && result.rows.length === 1 && query.limit === 1) {
    const row = result.rows[0]!;
    const word = sort!.direction === 'desc' ? 'highest' : 'lowest';
    return [`${describeRow(row)} has the ${word} ${rankedBy.label.toLowerCase()}: ${formatCell(row[rankedBy.key], rankedBy.cell)}.`];
  }

  if (result.rows.length <= LISTED_ROWS) {
    return [`${title}:`, ...result.rows.map((row) => `• ${describeRow(row)}: ${measuresOf(row)}`)];
  }

  // Many rows: the table and chart carry them; the text names the extremes of the first measure.
  const first = measureCells[0]!;
  const valued = result.rows.filter((row) => typeof row[first.key] === 'number');
  const lines = [`${title}: ${result.rowCount} rows${result.truncated ? ' (more matched; only these are shown)' : ''}.`];
  if (valued.length > 0) {
    const highest = valued.reduce((best, row) => ((row[first.key] as number) > (best[first.key] as number) ? row : best));
    const lowest = valued.reduce((best, row) => ((row[first.key] as number) < (best[first.key] as number) ? row : best));
    lines.push(`Highest ${first.label.toLowerCase()}: ${describeRow(highest)} (${formatCell(highest[first.key], first.cell)}).`);
    lines.push(`Lowest ${first.label.toLowerCase()}: ${describeRow(lowest)} (${formatCell(lowest[first.key], first.cell)}).`);
  }
  return lines;
}
