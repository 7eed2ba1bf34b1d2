import { isTcError, type ErrorCode } from '../errors.ts';
import type { DatasetQueryExecutor, QueryScope } from '../query/executor.ts';
import type { QueryResult, ResultColumn } from '../query/types.ts';
import type { TileDefinition, TileLayout, TileType } from './definition.ts';
import { chartNotFound, dashboardNotFound, type DashboardService } from './service.ts';

/** One tile as the elements render it (the response shape of GET /embed/dashboards/:id). */
export interface TileView {
  id: string;
  title: string;
  type: TileType;
  layout: TileLayout;
  columns: ResultColumn[];
  rows: Record<string, unknown>[];
  rowCount: number;
  truncated: boolean;
  error?: { code: string; message: string };
}

export interface DashboardView {
  dashboard: { id: string; title: string; description: string };
  tiles: TileView[];
  generatedAt: string;
}

export interface ChartView {
  dashboardId: string;
  tile: TileView;
  generatedAt: string;
}

/** Told about every tile that failed, with the full error, for the server log; the viewer sees a short message. */
export type TileErrorReporter = (tileId: string, error: unknown) => void;

// Embed users see what went wrong in general terms only: connection names, hosts and database messages stay in the log.
const VIEWER_MESSAGES: Partial<Record<ErrorCode, string>> = {
  invalid_request: "This chart's definition no longer matches its table; an administrator must update it.",
  query_timeout: 'This chart took too long to load; try again later.',
  row_limit_exceeded: 'This chart returns more rows than its data connection allows.',
  connection_failed: "This chart's database could not be reached; try again later.",
  service_unavailable: 'This chart is unavailable right now; try again later.',
};

function viewerError(error: unknown): { code: string; message: string } {
  if (isTcError(error) && VIEWER_MESSAGES[error.code]) return { code: error.code, message: VIEWER_MESSAGES[error.code]! };
  return { code: 'internal_error', message: 'This chart could not be loaded.' };
}

function tileView(tile: TileDefinition, outcome: PromiseSettledResult<QueryResult>, report: TileErrorReporter): TileView {
  const base = { id: tile.id, title: tile.title, type: tile.type, layout: tile.layout };
  if (outcome.status === 'fulfilled') return { ...base, ...outcome.value };
  report(tile.id, outcome.reason);
  // One failing tile does not fail the dashboard.
  return { ...base, columns: [], rows: [], rowCount: 0, truncated: false, error: viewerError(outcome.reason) };
}

/** Every tile's rows for one caller; tiles that aggregate a whole table share its scan (QueryScope.runAll). */
async function renderTiles(scope: QueryScope, tiles: readonly TileDefinition[], report: TileErrorReporter): Promise<TileView[]> {
  const outcomes = await scope.runAll(tiles.map((tile) => ({ query: tile.query, field: `tile "${tile.id}" query` })));
  return tiles.map((tile, index) => tileView(tile, outcomes[index]!, report));
}

/**
 * The embed views of dashboards and single charts for one token: every tile's rows with the token's
 * row-level security applied, nothing cached.
 */
export class DashboardRenderer {
  constructor(
    private readonly dashboards: DashboardService,
    private readonly executor: DatasetQueryExecutor,
  ) {}

  async dashboard(orgId: string, dashboardId: string, attributes: unknown, report: TileErrorReporter): Promise<DashboardView> {
    const dashboard = await this.dashboards.find(orgId, dashboardId);
    if (!dashboard) throw dashboardNotFound(dashboardId);
    const scope = this.executor.scope(orgId, attributes);
    const tiles = await renderTiles(scope, dashboard.tiles, report);
    return {
      dashboard: { id: dashboard.id, title: dashboard.title, description: dashboard.description },
      tiles,
      generatedAt: new Date().toISOString(),
    };
  }

  async chart(orgId: string, tileId: string, attributes: unknown, report: TileErrorReporter): Promise<ChartView> {
    const found = await this.dashboards.findTile(orgId, tileId);
    if (!found) throw chartNotFound(tileId);
    const [tile] = await renderTiles(this.executor.scope(orgId, attributes), [found.tile], report);
    return { dashboardId: found.dashboardId, tile: tile!, generatedAt: new Date().toISOString() };
  }
}
