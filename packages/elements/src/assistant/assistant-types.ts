import type { Tile, TileColumn, TileRow, TileType } from '../dashboard/dashboard-types.js';

/** The `event: result` of `POST /embed/assistant/messages`: the data behind an answer. */
export interface AssistantResult {
  conversationId: string;
  /** The structured query that ran (never SQL), for the curious. */
  query: unknown;
  /** The query in plain words. */
  explanation: string;
  columns: TileColumn[];
  rows: TileRow[];
  rowCount: number;
  truncated: boolean;
  chart: { type: TileType; title: string };
}

const TILE_TYPES: readonly string[] = ['kpi', 'bar', 'line', 'table'];

/** Checks a result event's shape; undefined when it is not one, so a malformed event shows text only. */
export function readResult(value: unknown): AssistantResult | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const result = value as Partial<AssistantResult>;
  if (!Array.isArray(result.columns) || !Array.isArray(result.rows) || typeof result.chart !== 'object' || result.chart === null) return undefined;
  const type = TILE_TYPES.includes(String(result.chart.type)) ? result.chart.type : 'table';
  return {
    conversationId: String(result.conversationId ?? ''),
    query: result.query,
    explanation: typeof result.explanation === 'string' ? result.explanation : '',
    columns: result.columns,
    rows: result.rows,
    rowCount: typeof result.rowCount === 'number' ? result.rowCount : result.rows.length,
    truncated: result.truncated === true,
    chart: { type, title: typeof result.chart.title === 'string' ? result.chart.title : 'Answer' },
  };
}

/** An answer as a dashboard tile, so it is drawn by the same renderers (KPI, bar, line, table). */
export function answerTile(id: string, result: AssistantResult): Tile {
  return {
    id,
    title: result.chart.title,
    type: result.chart.type,
    layout: { x: 0, y: 0, w: 12, h: 4 },
    columns: result.columns,
    rows: result.rows,
    rowCount: result.rowCount,
    truncated: result.truncated,
  };
}
