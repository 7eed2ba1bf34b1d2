import { html, nothing, type TemplateResult } from 'lit';
import type { Tile } from '../dashboard/dashboard-types.js';
import { formatCell, renderChartTile, renderKpiTile, renderTableTile } from '../dashboard/tiles/render-tiles.js';
import type { AssistantResult } from './assistant-types.js';

type AnswerView = 'chart' | 'table';

// Which view each answer shows; keyed by its result, so the choice lasts as long as the answer does.
const views = new WeakMap<AssistantResult, AnswerView>();

/**
 * The data of an answer, drawn by the dashboard's tile renderers (so a bar chart here looks like one on a
 * dashboard), and the query in plain words behind a disclosure. A chart or a number can be switched to its rows
 * as a table ("Chart / Table", toggle buttons), so sighted users can read the exact values too. `requestUpdate`
 * redraws the conversation after a switch.
 */
export function renderAnswer(tile: Tile, result: AssistantResult, requestUpdate: () => void): TemplateResult {
  const headingId = `answer-${tile.id}`;
  const switchable = (tile.type === 'kpi' || tile.type === 'bar' || tile.type === 'line') && tile.rows.length > 0;
  const view: AnswerView = switchable ? (views.get(result) ?? 'chart') : 'chart';
  const show = (next: AnswerView) => {
    views.set(result, next);
    requestUpdate();
  };
  const drawn = tile.type === 'kpi' ? renderKpiTile(tile) : tile.type === 'bar' || tile.type === 'line' ? renderChartTile(tile, headingId) : renderTableTile(tile, headingId);
  const body = view === 'table' ? renderTableTile(tile, headingId) : drawn;
  return html`<figure class="answer tile-${tile.type}" part="answer" aria-labelledby=${headingId}>
    <div class="answer-head">
      <figcaption id=${headingId} part="answer-title">${tile.title}</figcaption>
      ${switchable
        ? html`<div class="view-toggle" part="view-toggle" role="group" aria-label="Show ${tile.title} as">
            <button type="button" part="view-button" aria-pressed=${view === 'chart' ? 'true' : 'false'} @click=${() => show('chart')}>
              ${tile.type === 'kpi' ? 'Number' : 'Chart'}
            </button>
            <button type="button" part="view-button" aria-pressed=${view === 'table' ? 'true' : 'false'} @click=${() => show('table')}>Table</button>
          </div>`
        : nothing}
    </div>
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
