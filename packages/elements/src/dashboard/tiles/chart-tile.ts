import { html, type TemplateResult } from 'lit';
import type { Tile } from '../dashboard-types.js';
import { chartSpecFor, readPalette } from './chart-spec.js';
import type { ChartHandle } from './chart-renderer.js';
import { renderEmpty } from './empty-state.js';
import { renderTableTile } from './table-tile.js';

/** A canvas for chart.js plus the same numbers as a table for screen readers (the canvas itself is hidden). */
export function renderChartTile(tile: Tile, headingId: string): TemplateResult {
  if (tile.rows.length === 0) return renderEmpty();
  return html`<div class="chart" part="chart"><canvas data-tile=${tile.id} aria-hidden="true"></canvas></div>
    ${renderTableTile(tile, headingId, true)}`;
}

let renderer: Promise<typeof import('./chart-renderer.js')> | undefined;

/** chart.js arrives in its own chunk, after the first paint, and only on pages that show a chart. */
export function loadChartRenderer(): Promise<typeof import('./chart-renderer.js')> {
  renderer ??= import('./chart-renderer.js');
  return renderer;
}

/** Keeps one chart.js instance per rendered canvas, in step with the tiles and the theme. */
export class ChartTiles {
  #charts = new Map<HTMLCanvasElement, { handle: ChartHandle; tile: Tile; paletteKey: string }>();
  #generation = 0;

  async sync(host: HTMLElement, root: ParentNode, tiles: ReadonlyMap<string, Tile>): Promise<void> {
    const generation = ++this.#generation;
    const canvases = [...root.querySelectorAll<HTMLCanvasElement>('canvas[data-tile]')];
    for (const [canvas, chart] of this.#charts) {
      if (!canvases.includes(canvas)) {
        chart.handle.destroy();
        this.#charts.delete(canvas);
      }
    }
    if (canvases.length === 0) return;
    const { drawChart } = await loadChartRenderer();
    if (generation !== this.#generation) return;
    const palette = readPalette(host);
    const paletteKey = JSON.stringify(palette);
    for (const canvas of canvases) {
      const tile = tiles.get(canvas.dataset.tile!);
      if (!tile) continue;
      const existing = this.#charts.get(canvas);
      if (existing && existing.tile === tile && existing.paletteKey === paletteKey) continue;
      const spec = chartSpecFor(tile, palette);
      if (existing) existing.handle.update(spec);
      else this.#charts.set(canvas, { handle: drawChart(canvas, spec), tile, paletteKey });
      if (existing) Object.assign(existing, { tile, paletteKey });
    }
  }

  destroyAll(): void {
    this.#generation++;
    for (const chart of this.#charts.values()) chart.handle.destroy();
    this.#charts.clear();
  }
}
