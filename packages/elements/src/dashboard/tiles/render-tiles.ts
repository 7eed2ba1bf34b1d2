import { html, type TemplateResult } from 'lit';
import type { Tile } from '../dashboard-types.js';
import { cssProperties } from '../../internal/css-properties.js';
import { renderChartTile } from './chart-tile.js';
import { renderEmpty } from './empty-state.js';
import { renderKpiTile } from './kpi-tile.js';
import { renderTableTile } from './table-tile.js';

// The assistant draws its answers with these too, importing them from here: so the tile code is one chunk, which
// a dashboard fetches in one round trip (a chunk shared apart would only be found once this one had arrived).
export { ChartTiles, renderChartTile } from './chart-tile.js';
export { formatCell } from './format.js';
export { renderKpiTile } from './kpi-tile.js';
export { renderTableTile } from './table-tile.js';
export { tileStyles } from './tile.styles.js';

/**
 * The dashboard's tiles on its 12-column grid. Loaded in parallel with the session check, so the skeleton
 * paints at once and embed.js stays small.
 */
export function renderTiles(tiles: readonly Tile[]): TemplateResult {
  if (tiles.length === 0) return renderEmpty('This dashboard has no tiles yet.');
  return html`<div class="grid" part="grid">${tiles.map(renderTile)}</div>`;
}

function renderTile(tile: Tile): TemplateResult {
  const headingId = `tile-${tile.id}`;
  const { x, y, w, h } = tile.layout;
  // Through CSSOM, which a host's strict style-src CSP allows (a style attribute it would refuse).
  return html`<article class="tile tile-${tile.type}" part="tile" ${cssProperties({ '--x': String(x + 1), '--y': String(y + 1), '--w': String(w), '--h': String(h) })} aria-labelledby=${headingId} aria-busy=${tile.pending ? 'true' : 'false'}>
    <h3 id=${headingId} part="tile-title">${tile.title}</h3>
    ${tile.pending
      ? html`<div class="tile-pending" part="skeleton"></div>`
      : tile.error
        ? html`<p class="tile-error" part="error" role="alert">${tile.error.message}</p>`
        : renderTileBody(tile, headingId)}
  </article>`;
}

function renderTileBody(tile: Tile, headingId: string): TemplateResult {
  switch (tile.type) {
    case 'kpi':
      return renderKpiTile(tile);
    case 'bar':
    case 'line':
      return renderChartTile(tile, headingId);
    default:
      return renderTableTile(tile, headingId);
  }
}
