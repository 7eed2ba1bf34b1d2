import { css } from 'lit';

/** Answers' data, actions and the suggested questions; loaded with the conversation (assistant-chat.ts). */
export const answerStyles = css`
  .turn {
    display: flex;
    flex-direction: column;
    gap: 6px;
    align-self: stretch;
    align-items: flex-start;
  }
  .answer {
    display: flex;
    flex-direction: column;
    gap: 6px;
    align-self: stretch;
    margin: 0;
    padding: 10px 12px;
    background: var(--_bg);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
  }
  .answer-head {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    justify-content: space-between;
    gap: 6px;
  }
  .answer figcaption {
    font-weight: 600;
    color: var(--_muted);
  }
  .view-toggle {
    display: inline-flex;
  }
  .view-toggle button {
    font: inherit;
    font-size: 0.85em;
    color: var(--_text);
    background: var(--_surface);
    border: 1px solid var(--_border);
    padding: 1px 10px;
    cursor: pointer;
  }
  .view-toggle button:first-child {
    border-radius: var(--_radius) 0 0 var(--_radius);
  }
  .view-toggle button:last-child {
    border-radius: 0 var(--_radius) var(--_radius) 0;
    border-left: none;
  }
  /* The shown view: marked by weight and an accent underline, keeping the text's own contrast in both themes. */
  .view-toggle button[aria-pressed='true'] {
    background: var(--_bg);
    font-weight: 600;
    box-shadow: inset 0 -2px 0 var(--_accent);
  }
  .answer .chart {
    height: var(--tc-assistant-chart-height, 220px);
    flex: none;
  }
  .answer .table-scroll {
    max-height: 240px;
  }
  .answer .kpi {
    margin: 0;
  }
  details summary {
    cursor: pointer;
    color: var(--_muted);
  }
  details p {
    margin: 6px 0 0;
  }
  .actions {
    display: flex;
    gap: 6px;
  }
  .actions button,
  .suggestions button {
    font: inherit;
    font-size: 0.9em;
    color: var(--_text);
    background: var(--_surface);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: 2px 10px;
    cursor: pointer;
  }
  .suggestions {
    display: flex;
    flex-wrap: wrap;
    gap: 6px;
    margin: 0;
    padding: 0;
    list-style: none;
  }
  button:focus-visible,
  summary:focus-visible {
    outline: 2px solid var(--_accent);
    outline-offset: 2px;
  }
`;
