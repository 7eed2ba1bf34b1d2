import type { Tile } from '../dashboard-types.js';
import { formatCell } from './format.js';

/** What chart-renderer.ts draws: plain data, so the lazily loaded chunk holds only chart.js glue. */
export interface ChartSpec {
  type: 'bar' | 'line';
  labels: string[];
  datasets: { label: string; data: (number | null)[]; color: string }[];
  formatValue: (value: number) => string;
  textColor: string;
  gridColor: string;
}

export interface ChartPalette {
  series: string[];
  text: string;
  grid: string;
}

/** Reads the element's resolved colors, so charts follow data-theme and the host's custom properties. */
export function readPalette(host: Element): ChartPalette {
  const style = getComputedStyle(host);
  const value = (name: string) => style.getPropertyValue(name).trim();
  return {
    series: [1, 2, 3, 4].map((n) => value(`--_chart-${n}`) || '#0b63ce'),
    text: value('--_muted') || '#57606a',
    grid: value('--_border') || '#d0d7de',
  };
}

/** The first dimension is the x axis; each measure is a series. */
export function chartSpecFor(tile: Tile, palette: ChartPalette): ChartSpec {
  const dimension = tile.columns.find((column) => column.role === 'dimension') ?? tile.columns[0]!;
  const measures = tile.columns.filter((column) => column.role === 'measure' && column !== dimension);
  const firstMeasure = measures[0];
  return {
    type: tile.type === 'line' ? 'line' : 'bar',
    labels: tile.rows.map((row) => formatCell(row[dimension.key], dimension)),
    datasets: measures.map((measure, index) => ({
      label: measure.label,
      data: tile.rows.map((row) => (typeof row[measure.key] === 'number' ? (row[measure.key] as number) : null)),
      color: palette.series[index % palette.series.length]!,
    })),
    formatValue: (value) => (firstMeasure ? formatCell(value, firstMeasure) : String(value)),
    textColor: palette.text,
    gridColor: palette.grid,
  };
}
