import { css } from 'lit';

/** Controls, tables and notices every console view uses; colours come from theme.css custom properties. */
export const sharedStyles = css`
  :host {
    display: block;
    color: var(--tc-text);
    font-family: var(--tc-font);
  }
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }
  h1 {
    font-size: 1.5rem;
    margin: 0 0 1rem;
  }
  h2 {
    font-size: 1.15rem;
    margin: 0 0 0.25rem;
  }
  h3 {
    font-size: 1rem;
    margin: 1rem 0 0.5rem;
  }
  p {
    margin: 0.25rem 0 0.75rem;
  }
  a {
    color: var(--tc-accent);
  }
  code,
  .mono {
    font-family: var(--tc-mono);
    font-size: 0.9em;
  }
  .card {
    background: var(--tc-surface);
    border: 1px solid var(--tc-border);
    border-radius: var(--tc-radius);
    box-shadow: var(--tc-shadow);
    padding: 1.25rem 1.5rem;
    margin-bottom: 1.5rem;
  }
  .card > header {
    margin-bottom: 1rem;
  }
  .hint {
    color: var(--tc-text-muted);
    font-size: 0.9rem;
  }
  label {
    display: block;
    font-weight: 600;
    font-size: 0.9rem;
    margin-bottom: 0.25rem;
  }
  .field {
    margin-bottom: 0.9rem;
    min-width: 0;
  }
  fieldset {
    border: none;
    padding: 0;
    margin: 0 0 0.9rem;
    min-width: 0;
  }
  legend {
    padding: 0;
    margin-bottom: 0.5rem;
  }
  .row {
    display: flex;
    flex-wrap: wrap;
    gap: 0.75rem;
    align-items: flex-end;
  }
  .row > .field {
    flex: 1 1 12rem;
  }
  input,
  select,
  textarea {
    font: inherit;
    color: var(--tc-text);
    background: var(--tc-surface);
    border: 1px solid var(--tc-border);
    border-radius: var(--tc-radius);
    padding: 0.45rem 0.6rem;
    width: 100%;
  }
  textarea {
    font-family: var(--tc-mono);
    font-size: 0.85rem;
    min-height: 5rem;
    resize: vertical;
    word-break: break-all;
  }
  input[type='checkbox'],
  input[type='radio'] {
    width: auto;
  }
  input[aria-invalid='true'],
  select[aria-invalid='true'],
  textarea[aria-invalid='true'] {
    border-color: var(--tc-danger);
  }
  input[readonly],
  textarea[readonly] {
    background: var(--tc-surface-sunken);
  }
  :focus-visible {
    outline: 2px solid var(--tc-focus);
    outline-offset: 2px;
  }
  button,
  .button {
    font: inherit;
    font-weight: 600;
    font-size: 0.9rem;
    display: inline-flex;
    align-items: center;
    gap: 0.35rem;
    border-radius: var(--tc-radius);
    border: 1px solid var(--tc-border);
    background: var(--tc-surface);
    color: var(--tc-text);
    padding: 0.45rem 0.9rem;
    cursor: pointer;
    text-decoration: none;
    white-space: nowrap;
  }
  button:hover:not(:disabled),
  .button:hover {
    background: var(--tc-surface-sunken);
  }
  button.primary {
    background: var(--tc-accent);
    border-color: var(--tc-accent);
    color: var(--tc-accent-text);
  }
  button.primary:hover:not(:disabled) {
    background: var(--tc-accent);
    filter: brightness(1.08);
  }
  button.danger {
    color: var(--tc-danger);
  }
  button.danger.solid {
    background: var(--tc-danger);
    border-color: var(--tc-danger);
    color: var(--tc-surface);
  }
  button.link {
    border: none;
    background: none;
    padding: 0.2rem 0.3rem;
    color: var(--tc-accent);
  }
  button:disabled {
    opacity: 0.55;
    cursor: not-allowed;
  }
  .actions {
    display: flex;
    gap: 0.5rem;
    align-items: center;
    flex-wrap: wrap;
  }
  table {
    width: 100%;
    border-collapse: collapse;
    font-size: 0.9rem;
  }
  th,
  td {
    text-align: left;
    padding: 0.5rem 0.6rem;
    border-bottom: 1px solid var(--tc-border);
    vertical-align: top;
  }
  th {
    color: var(--tc-text-muted);
    font-weight: 600;
    font-size: 0.8rem;
    text-transform: uppercase;
    letter-spacing: 0.03em;
  }
  td.num,
  th.num {
    text-align: right;
  }
  .table-wrap {
    overflow-x: auto;
  }
  .notice {
    border-radius: var(--tc-radius);
    padding: 0.6rem 0.8rem;
    margin: 0.5rem 0 0.9rem;
    border: 1px solid transparent;
    font-size: 0.92rem;
  }
  .notice.error {
    background: var(--tc-danger-soft);
    color: var(--tc-danger);
    border-color: var(--tc-danger);
  }
  .notice.warning {
    background: var(--tc-warning-soft);
    color: var(--tc-warning);
    border-color: var(--tc-warning);
  }
  .notice.success {
    background: var(--tc-success-soft);
    color: var(--tc-success);
    border-color: var(--tc-success);
  }
  .notice.info {
    background: var(--tc-accent-soft);
    border-color: var(--tc-accent);
  }
  .field-error {
    color: var(--tc-danger);
    font-size: 0.85rem;
    margin: 0.25rem 0 0;
  }
  .empty {
    text-align: center;
    padding: 1.5rem 1rem;
    color: var(--tc-text-muted);
    border: 1px dashed var(--tc-border);
    border-radius: var(--tc-radius);
  }
  .empty strong {
    display: block;
    color: var(--tc-text);
    margin-bottom: 0.25rem;
  }
  .badge {
    display: inline-block;
    font-size: 0.75rem;
    font-weight: 600;
    padding: 0.1rem 0.45rem;
    border-radius: 999px;
    background: var(--tc-surface-sunken);
    border: 1px solid var(--tc-border);
    color: var(--tc-text-muted);
  }
  .badge.success {
    background: var(--tc-success-soft);
    color: var(--tc-success);
    border-color: var(--tc-success);
  }
  .badge.danger {
    background: var(--tc-danger-soft);
    color: var(--tc-danger);
    border-color: var(--tc-danger);
  }
  dl.facts {
    display: grid;
    grid-template-columns: max-content 1fr;
    gap: 0.35rem 1rem;
    margin: 0.5rem 0;
  }
  dl.facts dt {
    color: var(--tc-text-muted);
    font-weight: 600;
    font-size: 0.9rem;
  }
  dl.facts dd {
    margin: 0;
    word-break: break-word;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
`;
