/** The shape of `GET /embed/dashboards/:id` and `GET /embed/charts/:id`. */

export type TileType = 'kpi' | 'bar' | 'line' | 'table';
export type ColumnFormat = 'currency' | 'number' | 'integer' | 'percent' | 'date' | 'month' | 'text';

export interface TileColumn {
  key: string;
  label: string;
  type: 'string' | 'number' | 'date';
  role: 'dimension' | 'measure';
  format?: ColumnFormat;
  /** ISO 4217 code for `currency` columns; USD when absent. */
  currency?: string;
}

export type TileRow = Record<string, string | number | boolean | null>;

export interface Tile {
  id: string;
  title: string;
  type: TileType;
  /** Position on a 12-column grid. */
  layout: { x: number; y: number; w: number; h: number };
  columns: TileColumn[];
  rows: TileRow[];
  rowCount: number;
  truncated: boolean;
  error?: { code: string; message: string };
  /** Client side only: outlined by a streamed answer, rows not arrived yet (rendered as a placeholder). */
  pending?: boolean;
}

export interface DashboardResponse {
  dashboard: { id: string; title: string; description?: string };
  tiles: Tile[];
  generatedAt: string;
}

/** The lines of a streamed `GET /embed/dashboards/:id` (`Accept: application/x-ndjson`), in order. */
export type DashboardStreamLine =
  | { dashboard: DashboardResponse['dashboard']; tiles: Pick<Tile, 'id' | 'title' | 'type' | 'layout'>[]; generatedAt: string }
  | { tile: Tile }
  | { error: { code: string; message: string } }
  | { done: true };

export interface ChartResponse {
  dashboardId: string;
  tile: Tile;
  generatedAt: string;
}
