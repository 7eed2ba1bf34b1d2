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
  .answer figcaption {
    font-weight: 600;
    color: var(--_muted);
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
