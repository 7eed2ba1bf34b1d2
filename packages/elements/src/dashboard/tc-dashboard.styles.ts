import { css } from 'lit';
import { themeStyles } from '../styles/theme.styles.js';

export const dashboardStyles = [
  themeStyles,
  css`
    :host {
      container-type: inline-size;
    }
    /* Out-of-date numbers lose their colour, not their contrast: dimmed text failed WCAG AA (axe). */
    section.stale .grid {
      filter: grayscale(1);
    }
    header {
      margin: 0 0 var(--_gap);
    }
    h2 {
      margin: 0;
      font-size: 1.35em;
      font-weight: 600;
    }
    header p {
      margin: 4px 0 0;
      color: var(--_muted);
    }
    .grid {
      display: grid;
      grid-template-columns: repeat(12, minmax(0, 1fr));
      grid-auto-rows: var(--tc-row-height, 64px);
      gap: var(--_gap);
    }
    .tile {
      grid-column: var(--x, auto) / span var(--w, 12);
      grid-row: var(--y, auto) / span var(--h, 4);
      display: flex;
      flex-direction: column;
      min-width: 0;
      min-height: 0;
      padding: 12px;
      background: var(--_surface);
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
    }
    .skeleton {
      grid-column: span 3;
      grid-row: span 2;
      background: var(--_border);
    }
    .skeleton.chart {
      grid-column: span 6;
      grid-row: span 4;
    }
    /* Narrow containers stack the tiles in reading order (y, then x), whatever the page width. */
    @container (max-width: 640px) {
      .grid {
        grid-template-columns: minmax(0, 1fr);
      }
      .tile {
        grid-column: 1;
        grid-row: auto / span var(--h, 4);
      }
    }
  `,
];
