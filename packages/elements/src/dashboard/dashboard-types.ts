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
}

export interface DashboardResponse {
  dashboard: { id: string; title: string; description?: string };
  tiles: Tile[];
  generatedAt: string;
}

export interface ChartResponse {
  dashboardId: string;
  tile: Tile;
  generatedAt: string;
}
