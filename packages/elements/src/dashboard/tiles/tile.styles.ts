import { css } from 'lit';

/** What the tiles' contents look like; loaded with the tile renderers. */
export const tileStyles = css`
  h3 {
    margin: 0 0 8px;
    font-size: 0.95em;
    font-weight: 600;
    color: var(--_muted);
  }
  .kpi {
    margin: auto 0 0;
    font-size: 2em;
    font-weight: 650;
    font-variant-numeric: tabular-nums;
  }
  .kpi-label,
  .note,
  .empty {
    margin: 0;
    color: var(--_muted);
    font-size: 0.9em;
  }
  .empty {
    margin: auto;
  }
  .chart {
    position: relative;
    flex: 1;
    min-height: 0;
  }
  .table-scroll {
    flex: 1;
    overflow: auto;
  }
  table {
    width: 100%;
    border-collapse: collapse;
    font-variant-numeric: tabular-nums;
  }
  th,
  td {
    padding: 4px 8px;
    text-align: left;
    border-bottom: 1px solid var(--_border);
    white-space: nowrap;
  }
  th {
    position: sticky;
    top: 0;
    background: var(--_surface);
    font-weight: 600;
  }
  .num {
    text-align: right;
  }
  /* A tile whose rows are still on their way (the dashboard streams tile by tile). */
  .tile-pending {
    flex: 1;
    min-height: 2rem;
    border-radius: calc(var(--_radius) / 2);
    background: var(--_border);
  }
  .tile-error {
    margin: auto 0;
    color: var(--_danger);
  }
`;
