import { html, type TemplateResult } from 'lit';
import type { Tile } from '../dashboard-types.js';
import { formatCell } from './format.js';
import { renderEmpty } from './empty-state.js';

/**
 * A data table. Also the screen-reader text of charts (`srOnly`), so every tile's numbers are readable without
 * seeing the canvas.
 */
export function renderTableTile(tile: Tile, headingId: string, srOnly = false): TemplateResult {
  if (tile.rows.length === 0) return srOnly ? html`` : renderEmpty();
  const table = html`<table part="table">
    <thead>
      <tr>
        ${tile.columns.map((column) => html`<th scope="col" class=${column.type === 'number' ? 'num' : ''}>${column.label}</th>`)}
      </tr>
    </thead>
    <tbody>
      ${tile.rows.map(
        (row) => html`<tr>
          ${tile.columns.map((column) => html`<td class=${column.type === 'number' ? 'num' : ''}>${formatCell(row[column.key], column)}</td>`)}
        </tr>`,
      )}
    </tbody>
  </table>`;
  if (srOnly) return html`<div class="sr-only">${table}</div>`;
  // A scrolling region must be reachable by keyboard and named (axe: scrollable-region-focusable).
  return html`<div class="table-scroll" tabindex="0" role="region" aria-labelledby=${headingId}>${table}</div>
    ${tile.truncated ? html`<p class="note">Showing the first ${tile.rows.length} of ${tile.rowCount} rows.</p>` : ''}`;
}
