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

/** A tile before its rows: what the elements need to lay out the grid while the queries run. */
export type TileOutline = Pick<TileView, 'id' | 'title' | 'type' | 'layout'>;

/**
 * A dashboard delivered progressively: the outline at once, then each tile as its query completes (in
 * completion order, not layout order). GET /embed/dashboards/:id streams it as NDJSON when asked to.
 */
export interface DashboardStream {
  head: { dashboard: DashboardView['dashboard']; tiles: TileOutline[]; generatedAt: string };
  tiles: AsyncIterable<TileView>;
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

/** Settled values in the order they settle. */
async function* inCompletionOrder<T>(promises: readonly Promise<T>[]): AsyncGenerator<T> {
  const pending = new Map(promises.map((promise, index) => [index, promise.then((value) => ({ index, value }))]));
  while (pending.size > 0) {
    const { index, value } = await Promise.race(pending.values());
    pending.delete(index);
    yield value;
  }
}

/**
 * Starts every tile's query for one caller, one promise per tile in definition order (each settles as its query
 * does, never rejects); tiles that aggregate a whole table share its scan (QueryScope.startAll).
 */
async function startTiles(scope: QueryScope, tiles: readonly TileDefinition[], report: TileErrorReporter): Promise<Promise<TileView>[]> {
  const outcomes = await scope.startAll(tiles.map((tile) => ({ query: tile.query, field: `tile "${tile.id}" query` })));
  return outcomes.map((outcome, index) => outcome.then((settled) => tileView(tiles[index]!, settled, report)));
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
    const { head, views } = await this.start(orgId, dashboardId, attributes, report);
    return { dashboard: head.dashboard, tiles: await Promise.all(views), generatedAt: head.generatedAt };
  }

  /** The same dashboard, each tile handed over as soon as its query completes. */
  async dashboardStream(orgId: string, dashboardId: string, attributes: unknown, report: TileErrorReporter): Promise<DashboardStream> {
    const { head, views } = await this.start(orgId, dashboardId, attributes, report);
    return { head, tiles: inCompletionOrder(views) };
  }

  /** The dashboard's outline, and its tiles' queries under way. */
  private async start(orgId: string, dashboardId: string, attributes: unknown, report: TileErrorReporter) {
    const dashboard = await this.dashboards.find(orgId, dashboardId);
    if (!dashboard) throw dashboardNotFound(dashboardId);
    const views = await startTiles(this.executor.scope(orgId, attributes), dashboard.tiles, report);
    const head: DashboardStream['head'] = {
      dashboard: { id: dashboard.id, title: dashboard.title, description: dashboard.description },
      tiles: dashboard.tiles.map(({ id, title, type, layout }) => ({ id, title, type, layout })),
      generatedAt: new Date().toISOString(),
    };
    return { head, views };
  }

  async chart(orgId: string, tileId: string, attributes: unknown, report: TileErrorReporter): Promise<ChartView> {
    const found = await this.dashboards.findTile(orgId, tileId);
    if (!found) throw chartNotFound(tileId);
    const [tile] = await startTiles(this.executor.scope(orgId, attributes), [found.tile], report);
    return { dashboardId: found.dashboardId, tile: await tile!, generatedAt: new Date().toISOString() };
  }
}
