import { html, type TemplateResult } from 'lit';

export function renderEmpty(message = 'No data to show for this view.'): TemplateResult {
  return html`<p class="empty" part="empty">${message}</p>`;
}
