import { html, nothing, type TemplateResult } from 'lit';
import type { Tile } from '../dashboard/dashboard-types.js';
import { formatCell, renderChartTile, renderKpiTile, renderTableTile } from '../dashboard/tiles/render-tiles.js';
import type { AssistantResult } from './assistant-types.js';

/**
 * The data of an answer, drawn by the dashboard's tile renderers (so a bar chart here looks like one on a
 * dashboard), and the query in plain words behind a disclosure.
 */
export function renderAnswer(tile: Tile, result: AssistantResult): TemplateResult {
  const headingId = `answer-${tile.id}`;
  const body = tile.type === 'kpi' ? renderKpiTile(tile) : tile.type === 'bar' || tile.type === 'line' ? renderChartTile(tile, headingId) : renderTableTile(tile, headingId);
  return html`<figure class="answer tile-${tile.type}" part="answer" aria-labelledby=${headingId}>
    <figcaption id=${headingId} part="answer-title">${tile.title}</figcaption>
    ${body}
    ${result.explanation
      ? html`<details part="explanation">
          <summary>How this was answered</summary>
          <p>${result.explanation}</p>
        </details>`
      : nothing}
  </figure>`;
}

/** The answer's text and its rows as tab-separated lines, for the clipboard. */
export function answerAsText(text: string, tile: Tile | undefined): string {
  if (!tile || tile.rows.length === 0) return text;
  const header = tile.columns.map((column) => column.label).join('\t');
  const lines = tile.rows.map((row) => tile.columns.map((column) => formatCell(row[column.key], column)).join('\t'));
  return `${text}\n\n${header}\n${lines.join('\n')}`;
}
