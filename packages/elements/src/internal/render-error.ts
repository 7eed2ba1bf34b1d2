import { html, nothing, type TemplateResult } from 'lit';
import type { EmbedError, EmbedErrorCode } from '../session/embed-error.js';

const HEADLINES: Partial<Record<EmbedErrorCode, string>> = {
  origin_not_authorized: 'This site is not authorized to show this content.',
  invalid_token: 'The embed token was refused.',
  token_expired: 'The session has expired.',
  server_unreachable: 'The analytics server cannot be reached.',
  not_found: 'Not found.',
  missing_configuration: 'This embed is not configured.',
  missing_fetch_token: 'The session cannot be renewed.',
  token_refresh_failed: 'The session could not be renewed.',
  rate_limited: 'Too many requests.',
};

/** Codes a retry cannot fix: the page or its markup must change first. */
const NOT_RETRYABLE: EmbedErrorCode[] = ['origin_not_authorized', 'missing_configuration'];

/** The one way an element shows a failure: `part="error"`, `role="alert"`, the server's message, and a retry. */
export function renderError(error: EmbedError, retry?: () => void): TemplateResult {
  return html`<div class="alert" part="error" role="alert" data-code=${error.code}>
    <b>${HEADLINES[error.code] ?? 'Something went wrong.'}</b>
    <span>${error.message}</span>
    ${retry && !NOT_RETRYABLE.includes(error.code)
      ? html`<button part="retry-button" type="button" @click=${retry}>Try again</button>`
      : nothing}
  </div>`;
}
