import { css } from 'lit';

/**
 * Design tokens shared by the elements. Hosts restyle through these custom properties (set on the element or
 * any ancestor) and through ::part(); `data-theme="dark"` switches the defaults.
 */
export const themeStyles = css`
  :host {
    --_bg: var(--tc-background, #ffffff);
    --_surface: var(--tc-surface, #f7f8fa);
    --_text: var(--tc-text-color, #1b1f24);
    --_muted: var(--tc-muted-color, #57606a);
    --_border: var(--tc-border-color, #d0d7de);
    --_accent: var(--tc-accent-color, #0b63ce);
    --_danger: var(--tc-danger-color, #b42318);
    --_chart-1: var(--tc-chart-color-1, #0b63ce);
    --_chart-2: var(--tc-chart-color-2, #e8710a);
    --_chart-3: var(--tc-chart-color-3, #1a7f37);
    --_chart-4: var(--tc-chart-color-4, #8250df);
    --_radius: var(--tc-radius, 8px);
    --_gap: var(--tc-gap, 12px);
    display: block;
    color: var(--_text);
    background: var(--_bg);
    font: 14px/1.45 var(--tc-font-family, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
  }
  :host([data-theme='dark']) {
    --_bg: var(--tc-background, #0d1117);
    --_surface: var(--tc-surface, #161b22);
    --_text: var(--tc-text-color, #e6edf3);
    --_muted: var(--tc-muted-color, #9da7b3);
    --_border: var(--tc-border-color, #30363d);
    --_accent: var(--tc-accent-color, #4c9aff);
    --_danger: var(--tc-danger-color, #ff7b72);
    --_chart-1: var(--tc-chart-color-1, #4c9aff);
    --_chart-2: var(--tc-chart-color-2, #f0883e);
    --_chart-3: var(--tc-chart-color-3, #3fb950);
    --_chart-4: var(--tc-chart-color-4, #bc8cff);
  }
  :host([hidden]) {
    display: none;
  }
  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
  .alert {
    display: flex;
    flex-wrap: wrap;
    gap: 8px;
    align-items: center;
    margin: 0 0 var(--_gap);
    padding: 10px 12px;
    border: 1px solid var(--_danger);
    border-radius: var(--_radius);
    color: var(--_danger);
    background: var(--_surface);
  }
  .alert b {
    margin-right: auto;
    font-weight: 600;
  }
  button {
    font: inherit;
    color: var(--_bg);
    background: var(--_accent);
    border: 0;
    border-radius: calc(var(--_radius) / 2);
    padding: 6px 12px;
    cursor: pointer;
  }
  button:focus-visible,
  [tabindex]:focus-visible,
  textarea:focus-visible {
    outline: 2px solid var(--_accent);
    outline-offset: 2px;
  }
  @media (prefers-reduced-motion: no-preference) {
    .skeleton {
      animation: pulse 1.2s ease-in-out infinite alternate;
    }
  }
  @keyframes pulse {
    to {
      opacity: 0.45;
    }
  }
`;
