import { html, type TemplateResult } from 'lit';
import type { Tile } from '../dashboard-types.js';
import { formatCell } from './format.js';
import { renderEmpty } from './empty-state.js';

/** One big number: the first measure of the first row. */
export function renderKpiTile(tile: Tile): TemplateResult {
  const measure = tile.columns.find((column) => column.role === 'measure') ?? tile.columns.find((column) => column.type === 'number');
  const row = tile.rows[0];
  if (!measure || !row || row[measure.key] === null || row[measure.key] === undefined) return renderEmpty();
  return html`<p class="kpi" part="kpi-value">${formatCell(row[measure.key], measure)}</p>
    <p class="kpi-label">${measure.label}</p>`;
}
