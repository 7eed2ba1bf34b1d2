import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { renderError } from '../internal/render-error.js';
import { TcElement } from '../internal/tc-element.js';
import { readJson } from '../session/api-client.js';
import { EmbedError } from '../session/embed-error.js';
import { TokenSessionController } from '../session/session-controller.js';
import { SessionStatus, type FetchToken } from '../session/token-session.js';
import type { ChartResponse, DashboardResponse, DashboardStreamLine, Tile } from './dashboard-types.js';
import { readJsonLines } from './json-lines.js';
import { dashboardStyles } from './tc-dashboard.styles.js';
import { addStyles } from '../internal/add-styles.js';
import { afterNextPaint } from '../internal/after-paint.js';

type TileRenderers = typeof import('./tiles/render-tiles.js');
let tileRenderers: Promise<TileRenderers> | undefined;

interface DashboardView {
  title: string;
  description: string | undefined;
  tiles: Tile[];
}

/**
 * @tagname tc-dashboard
 * @summary An embedded dashboard: its title and a responsive grid of KPI, bar, line and table tiles, with the rows
 * the token's row-level security allows.
 *
 * @fires {CustomEvent<TcReadyDetail>} tc-ready - The session is verified and the dashboard is shown. `detail: {org, user}`.
 * @fires {CustomEvent<TcTokenRefreshedDetail>} tc-token-refreshed - A new token is in use. `detail: {expiresAt, expiresIn, recovered}`.
 * @fires {CustomEvent<TcTokenExpiredDetail>} tc-token-expired - The token expired before a renewal succeeded. `detail: {expiresAt}`.
 * @fires {CustomEvent<TcErrorDetail>} tc-error - Something failed; the element shows the same message. `detail: {code, message}`.
 *
 * @csspart base - The wrapper of everything.
 * @csspart header - Title and description.
 * @csspart title - The dashboard title.
 * @csspart description - The dashboard description.
 * @csspart grid - The 12-column tile grid.
 * @csspart tile - Each tile.
 * @csspart tile-title - Each tile's heading.
 * @csspart kpi-value - The number of a KPI tile.
 * @csspart chart - The chart area of bar and line tiles.
 * @csspart table - Tables of table tiles.
 * @csspart empty - "No data" messages.
 * @csspart skeleton - Placeholders while loading.
 * @csspart error - Failure messages (`role="alert"`).
 * @csspart retry-button - The "Try again" button of a failure message.
 *
 * @cssproperty --tc-background - Element background.
 * @cssproperty --tc-surface - Tile background.
 * @cssproperty --tc-text-color - Main text color.
 * @cssproperty --tc-muted-color - Secondary text and axis color.
 * @cssproperty --tc-border-color - Borders and grid lines.
 * @cssproperty --tc-accent-color - Buttons and focus rings.
 * @cssproperty --tc-danger-color - Failure messages.
 * @cssproperty --tc-chart-color-1 - First chart series (also -2, -3, -4).
 * @cssproperty --tc-font-family - Font.
 * @cssproperty --tc-radius - Corner radius.
 * @cssproperty --tc-gap - Space between tiles.
 * @cssproperty --tc-row-height - Height of one grid row unit (default 64px).
 */
export class TcDashboard extends TcElement {
  static override styles = dashboardStyles;

  /** The dashboard to show. */
  @property({ attribute: 'dashboard-id' }) dashboardId?: string;
  /** Show only this tile (chart) instead of the whole dashboard. */
  @property({ attribute: 'chart-id' }) chartId?: string;
  /** A token minted by your backend with POST /embed/generate-token. Never updated by the element. */
  @property({ attribute: 'auth-token' }) authToken?: string;
  /** The tc-embed server, e.g. "https://analytics.example.com". Defaults to configure({serverUrl}). */
  @property({ attribute: 'server-url' }) serverUrl?: string;
  /** `light` (default) or `dark`; reflected to data-theme, which the styles follow. */
  @property({ attribute: 'data-theme', reflect: true }) theme?: string;
  /** Your refresh callback: resolves to a new token from your backend. Defaults to configure({fetchToken}). */
  @property({ attribute: false }) fetchToken?: FetchToken;

  @state() private view: DashboardView | undefined;
  @state() private loadError: EmbedError | undefined;
  @state() private loading = false;

  private readonly session = new TokenSessionController(this, {
    settings: () => ({ serverUrl: this.serverUrl, authToken: this.authToken, fetchToken: this.fetchToken }),
    onReady: () => void this.load(),
    loadDuringVerification: true,
  });
  private renderers: TileRenderers | undefined;
  private charts: InstanceType<TileRenderers['ChartTiles']> | undefined;
  private loadCount = 0;
  private loadAbort: AbortController | undefined;
  private announcedReady = false;

  override connectedCallback(): void {
    super.connectedCallback();
    void this.loadRenderers();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.loadAbort?.abort();
    this.charts?.destroyAll();
  }

  /** The tile renderers come in a chunk of their own, fetched while the session is being verified. */
  private async loadRenderers(): Promise<void> {
    if (this.renderers) return;
    try {
      tileRenderers ??= import('./tiles/render-tiles.js');
      this.renderers = await tileRenderers;
      addStyles(this, this.renderers.tileStyles);
      this.charts = new this.renderers.ChartTiles();
    } catch (error) {
      tileRenderers = undefined;
      this.loadError = new EmbedError('server_unreachable', `The dashboard could not be loaded from the server (${(error as Error).message}); check the network and try again.`);
      this.emit('tc-error', this.loadError.toDetail());
    }
    this.requestUpdate();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    const target = changed.has('dashboardId') || changed.has('chartId');
    // While verifying, a load may already be in flight (it overlaps the verification): supersede it.
    const loadable = this.session.status === SessionStatus.ready || (this.session.status === SessionStatus.verifying && this.loadCount > 0);
    if (target && this.hasUpdated && loadable) void this.load();
  }

  protected override updated(): void {
    if (!this.view || !this.charts) return;
    const charts = this.charts;
    const tiles = new Map(this.view.tiles.map((tile) => [tile.id, tile]));
    // chart.js is a large chunk: fetching, compiling and drawing it before the next paint would hold back the
    // numbers and tables already rendered, so the charts follow one frame later.
    afterNextPaint(() => {
      if (!this.isConnected || charts !== this.charts) return;
      void charts.sync(this, this.renderRoot, tiles).catch((error: unknown) => {
        this.loadError = new EmbedError('invalid_response', `A chart could not be drawn: ${(error as Error).message}`);
      });
    });
  }

  /** Loads (again) the dashboard or chart; a newer load supersedes an older one still in flight. */
  private async load(): Promise<void> {
    const id = this.chartId ?? this.dashboardId;
    if (!id) {
      this.loadError = new EmbedError('missing_configuration', 'dashboard-id is required: set it to the id of the dashboard to show, e.g. dashboard-id="sales".');
      this.emit('tc-error', this.loadError.toDetail());
      return;
    }
    const count = ++this.loadCount;
    this.loadAbort?.abort();
    const abort = (this.loadAbort = new AbortController());
    this.loading = true;
    try {
      const path = this.chartId ? `/embed/charts/${encodeURIComponent(this.chartId)}` : `/embed/dashboards/${encodeURIComponent(id)}`;
      // A dashboard comes tile by tile, each as soon as its query is done (a server without streaming answers JSON).
      const headers = this.chartId ? undefined : { accept: 'application/x-ndjson' };
      const response = await this.session.fetch(path, { signal: abort.signal, headers });
      let view: DashboardView;
      if (this.chartId) view = viewOfChart(await readJson<ChartResponse>(response));
      else if (response.headers.get('content-type')?.startsWith('application/x-ndjson') && response.body) view = await this.readStream(response.body, count);
      else view = viewOfDashboard(await readJson<DashboardResponse>(response));
      if (count !== this.loadCount) return;
      this.view = view;
      this.loadError = undefined;
      this.loading = false;
      await this.updateComplete;
      for (const tile of view.tiles) {
        if (tile.error) this.emit('tc-error', { code: tile.error.code as EmbedError['code'], message: `${tile.title}: ${tile.error.message}` });
      }
      if (!this.announcedReady && this.session.info) {
        this.announcedReady = true;
        const { org, user } = this.session.info;
        this.emit('tc-ready', { org: { id: org.id, name: org.name }, user: { distinctId: user.distinctId, role: user.role } });
      }
    } catch (error) {
      if (count !== this.loadCount || abort.signal.aborted) return;
      this.loading = false;
      const embedError = error instanceof EmbedError ? error : new EmbedError('invalid_response', (error as Error).message);
      if (embedError.code === 'not_found') {
        this.view = undefined;
        this.loadError = new EmbedError('not_found', `${embedError.message} Check the ${this.chartId ? 'chart-id' : 'dashboard-id'} attribute ("${id}").`, embedError.status);
      } else {
        this.loadError = embedError;
      }
      // Session failures are reported by the session controller; report the rest here.
      if (embedError !== this.session.error) this.emit('tc-error', this.loadError.toDetail());
    }
  }

  /** Shows the outline at once and each tile as it arrives; resolves with the complete view. */
  private async readStream(body: ReadableStream<Uint8Array>, count: number): Promise<DashboardView> {
    let view: DashboardView | undefined;
    let complete = false;
    for await (const line of readJsonLines(body) as AsyncGenerator<DashboardStreamLine>) {
      if (count !== this.loadCount) break;
      if ('dashboard' in line) {
        view = viewOfDashboard({ ...line, tiles: line.tiles.map((tile) => ({ ...tile, columns: [], rows: [], rowCount: 0, truncated: false, pending: true })) });
      } else if ('tile' in line && view) {
        const arrived = normalizeTile(line.tile);
        view = { ...view, tiles: view.tiles.map((tile) => (tile.id === arrived.id ? { ...arrived, layout: tile.layout } : tile)) };
      } else if ('error' in line) {
        throw new EmbedError(line.error.code as EmbedError['code'], line.error.message);
      } else if ('done' in line) {
        complete = true;
      }
      if (view && count === this.loadCount) {
        this.view = view;
        this.loadError = undefined;
      }
    }
    if (!view || (!complete && count === this.loadCount)) {
      throw new EmbedError('invalid_response', 'The dashboard answer ended before every tile arrived; try again.');
    }
    return view;
  }

  private retry = (): void => {
    if (!this.renderers) void this.loadRenderers();
    if (this.session.status === SessionStatus.ready) void this.load();
    else this.session.retry();
  };

  protected override render(): TemplateResult {
    const status = this.session.status;
    const blocking = status === SessionStatus.failed ? this.session.error : this.view ? undefined : this.loadError;
    const warning = blocking ? undefined : this.bannerError();
    const shown = this.view && this.renderers;
    const busy = !blocking && !shown;
    return html`<section part="base" class=${status === SessionStatus.expired ? 'stale' : ''} aria-busy=${busy || this.loading ? 'true' : 'false'}>
      ${blocking ? renderError(blocking, this.retry) : nothing}
      ${warning ? renderError(warning, this.retry) : nothing}
      ${busy ? this.renderSkeleton() : nothing}
      ${!blocking && shown ? this.renderDashboard(this.view!, this.renderers!) : nothing}
    </section>`;
  }

  /** Failures that leave the content in place: an expired or unrenewable session, a failed reload. */
  private bannerError(): EmbedError | undefined {
    if (this.session.status === SessionStatus.expired) {
      return this.session.error?.code === 'missing_fetch_token' || this.session.error?.code === 'token_refresh_failed'
        ? this.session.error
        : new EmbedError('token_expired', 'The numbers below may be out of date; they refresh once your app provides a new token.');
    }
    return this.loadError ?? this.session.error;
  }

  private renderSkeleton(): TemplateResult {
    return html`<p class="sr-only" role="status">Loading dashboard…</p>
      <div class="grid" aria-hidden="true">
        ${['kpi', 'kpi', 'kpi', 'kpi', 'chart', 'chart'].map((kind) => html`<div class="tile skeleton ${kind}" part="skeleton"></div>`)}
      </div>`;
  }

  private renderDashboard(view: DashboardView, renderers: TileRenderers): TemplateResult {
    return html`${this.chartId
        ? nothing
        : html`<header part="header">
            <h2 part="title">${view.title}</h2>
            ${view.description ? html`<p part="description">${view.description}</p>` : nothing}
          </header>`}
      ${renderers.renderTiles(view.tiles)}`;
  }
}

function viewOfDashboard(response: DashboardResponse): DashboardView {
  if (!response?.dashboard || !Array.isArray(response.tiles)) {
    throw new EmbedError('invalid_response', 'The dashboard answer has no dashboard or tiles; is server-url a tc-embed server?');
  }
  // Reading order (top to bottom, then left to right) is also DOM order: what keyboards and screen readers follow.
  const tiles = response.tiles.map(normalizeTile).sort((a, b) => a.layout.y - b.layout.y || a.layout.x - b.layout.x);
  return { title: response.dashboard.title, description: response.dashboard.description, tiles };
}

function viewOfChart(response: ChartResponse): DashboardView {
  if (!response?.tile) throw new EmbedError('invalid_response', 'The chart answer has no tile; is server-url a tc-embed server?');
  const tile = normalizeTile(response.tile);
  return { title: tile.title, description: undefined, tiles: [{ ...tile, layout: { x: 0, y: 0, w: 12, h: tile.layout.h } }] };
}

function normalizeTile(tile: Tile): Tile {
  return { ...tile, columns: tile.columns ?? [], rows: tile.rows ?? [], layout: tile.layout ?? { x: 0, y: 0, w: 12, h: 4 } };
}
