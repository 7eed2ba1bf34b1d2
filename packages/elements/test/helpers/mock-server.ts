import sinon from 'sinon';
import type { DashboardResponse } from '../../src/dashboard/dashboard-types.js';

export const SERVER_URL = 'https://tc.test';

interface MockToken {
  distinctId: string;
  /** Server-clock expiry, in ms since the epoch (follows sinon's fake Date). */
  expiresAtMs: number;
  revoked?: boolean;
}

export interface RecordedRequest {
  method: string;
  path: string;
  token: string | undefined;
}

/** `stream`: chunks sent in order; a promise in it holds the rest back until it settles (an answer still streaming). */
type Reply = { status: number; body?: unknown; headers?: Record<string, string>; stream?: (string | Promise<unknown>)[] };

/**
 * A stand-in tc-embed server behind a sinon stub of window.fetch, speaking the contract's shapes: sessions,
 * dashboards, the health probe, and network failures (unreachable, or CORS-refused with health still open).
 */
export class MockServer {
  readonly requests: RecordedRequest[] = [];
  readonly tokens = new Map<string, MockToken>();
  readonly dashboards = new Map<string, DashboardResponse>();
  authorizedOrigins: string[] = [location.origin];
  /** Every request fails at the network level. */
  unreachable = false;
  /** Every request but /embed/health fails at the network level, as a CORS refusal looks to a page. */
  corsRefused = false;
  assistant: ((body: unknown) => Reply) | undefined;
  /** Dashboards answer NDJSON, tile by tile, to a request that accepts it (as the real server); false: JSON only (an older server). */
  streaming = true;
  /** While set, streamed dashboards send these tiles' lines at once and hold back the rest until release(). */
  holdTilesExcept: string[] | undefined;
  /** What a streamed dashboard's last line is: `done` (complete), `cut` (no last line), or an error line. */
  streamEnding: 'done' | 'cut' | { code: string; message: string } = 'done';
  private held: (() => void) | undefined;
  /** What GET /embed/assistant/suggestions answers; 404 (as an older server) when unset. */
  suggestions: string[] | undefined;
  private readonly stub: sinon.SinonStub;
  private issued = 0;

  constructor() {
    this.stub = sinon.stub(window, 'fetch').callsFake((input, init) => this.handle(input, init));
  }

  restore(): void {
    this.stub.restore();
  }

  /** Mints a token the mock accepts, living `lifetimeSeconds` from now (fake clock). */
  issue(lifetimeSeconds = 3600, distinctId = 'user-1'): string {
    const token = `token-${++this.issued}-${distinctId}`;
    this.tokens.set(token, { distinctId, expiresAtMs: Date.now() + lifetimeSeconds * 1000 });
    return token;
  }

  /** Sends the tile lines held back by holdTilesExcept. */
  release(): void {
    this.holdTilesExcept = undefined;
    this.held?.();
  }

  count(path: string | RegExp, method?: string): number {
    return this.requests.filter((r) => (typeof path === 'string' ? r.path === path : path.test(r.path)) && (!method || r.method === method)).length;
  }

  private async handle(input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const method = init.method ?? 'GET';
    const authorization = new Headers(init.headers).get('authorization') ?? undefined;
    const token = authorization?.replace(/^Bearer /, '');
    this.requests.push({ method, path: url.pathname, token });
    if (init.signal?.aborted) throw new DOMException('aborted', 'AbortError');
    if (url.origin !== SERVER_URL || this.unreachable) throw new TypeError('Failed to fetch');
    if (url.pathname === '/embed/health') return json({ status: 200, body: { ok: true } });
    if (this.corsRefused) throw new TypeError('Failed to fetch');
    const reply = this.route(method, url.pathname, token, init.body);
    const accept = new Headers(init.headers).get('accept') ?? '';
    if (this.streaming && reply.status === 200 && /^\/embed\/dashboards\//.test(url.pathname) && accept.includes('application/x-ndjson')) {
      return new Response(this.dashboardLines(reply.body as DashboardResponse), { status: 200, headers: { 'content-type': 'application/x-ndjson; charset=utf-8' } });
    }
    return json(reply);
  }

  /** The dashboard as the server streams it: the outline, each tile (some held back), then the ending. */
  private dashboardLines(found: DashboardResponse): ReadableStream<Uint8Array> {
    const encoder = new TextEncoder();
    const line = (value: unknown) => encoder.encode(`${JSON.stringify(value)}\n`);
    const early = this.holdTilesExcept;
    const ending = this.streamEnding;
    const gate = early ? new Promise<void>((resolve) => (this.held = resolve)) : undefined;
    return new ReadableStream<Uint8Array>({
      async start(controller) {
        const outline = found.tiles.map(({ id, title, type, layout }) => ({ id, title, type, layout }));
        controller.enqueue(line({ dashboard: found.dashboard, tiles: outline, generatedAt: found.generatedAt }));
        for (const tile of found.tiles) if (!early || early.includes(tile.id)) controller.enqueue(line({ tile }));
        if (gate) {
          await gate;
          for (const tile of found.tiles) if (!early!.includes(tile.id)) controller.enqueue(line({ tile }));
        }
        if (ending === 'done') controller.enqueue(line({ done: true }));
        else if (ending !== 'cut') controller.enqueue(line({ error: ending }));
        controller.close();
      },
    });
  }

  private route(method: string, path: string, token: string | undefined, body: BodyInit | null | undefined): Reply {
    const known = token ? this.tokens.get(token) : undefined;
    if (!known || known.revoked) {
      return error(401, 'invalid_token', known?.revoked ? 'The token was minted with an API key that is unknown or has been revoked.' : 'The embed token is invalid.');
    }
    const remainingMs = known.expiresAtMs - Date.now();
    if (remainingMs <= 0) return error(401, 'token_expired', 'The embed token has expired.');
    if (method === 'POST' && path === '/embed/session') {
      return {
        status: 200,
        body: {
          org: { id: 'acme', name: 'Acme' },
          user: { distinctId: known.distinctId, role: 'explorer', permissions: ['dashboards:view'] },
          expiresAt: new Date(known.expiresAtMs).toISOString(),
          expiresIn: Math.floor(remainingMs / 1000),
          serverTime: new Date().toISOString(),
          authorizedOrigins: this.authorizedOrigins,
        },
      };
    }
    const dashboard = /^\/embed\/dashboards\/([^/]+)$/.exec(path);
    if (method === 'GET' && dashboard) {
      const found = this.dashboards.get(decodeURIComponent(dashboard[1]!));
      return found ? { status: 200, body: found } : error(404, 'not_found', `Dashboard "${dashboard[1]}" was not found.`);
    }
    const chart = /^\/embed\/charts\/([^/]+)$/.exec(path);
    if (method === 'GET' && chart) {
      for (const found of this.dashboards.values()) {
        const tile = found.tiles.find((t) => t.id === decodeURIComponent(chart[1]!));
        if (tile) return { status: 200, body: { dashboardId: found.dashboard.id, tile, generatedAt: found.generatedAt } };
      }
      return error(404, 'not_found', `Chart "${chart[1]}" was not found.`);
    }
    if (method === 'POST' && path === '/embed/assistant/messages' && this.assistant) {
      return this.assistant(JSON.parse(String(body)));
    }
    if (method === 'GET' && path === '/embed/assistant/suggestions' && this.suggestions) {
      return { status: 200, body: { suggestions: this.suggestions } };
    }
    return error(404, 'not_found', `No route ${method} ${path}.`);
  }
}

function error(status: number, code: string, message: string): Reply {
  return { status, body: { error: { code, message } } };
}

function json(reply: Reply): Response {
  if (reply.stream) {
    const encoder = new TextEncoder();
    const chunks = reply.stream;
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        for (const chunk of chunks) {
          if (typeof chunk === 'string') controller.enqueue(encoder.encode(chunk));
          else await chunk;
        }
        controller.close();
      },
    });
    return new Response(body, { status: reply.status, headers: { 'content-type': 'text/event-stream', ...reply.headers } });
  }
  return new Response(JSON.stringify(reply.body), { status: reply.status, headers: { 'content-type': 'application/json', ...reply.headers } });
}

export function sampleDashboard(overrides: Partial<DashboardResponse> = {}): DashboardResponse {
  return {
    dashboard: { id: 'sales', title: 'Sales overview', description: 'Revenue by region' },
    tiles: [
      {
        id: 'revenue-total',
        title: 'Revenue',
        type: 'kpi',
        layout: { x: 0, y: 0, w: 3, h: 2 },
        columns: [{ key: 'revenue', label: 'Revenue', type: 'number', role: 'measure', format: 'currency' }],
        rows: [{ revenue: 123456.78 }],
        rowCount: 1,
        truncated: false,
      },
      {
        id: 'revenue-by-region',
        title: 'Revenue by region',
        type: 'bar',
        layout: { x: 3, y: 0, w: 9, h: 4 },
        columns: [
          { key: 'region', label: 'Region', type: 'string', role: 'dimension', format: 'text' },
          { key: 'revenue', label: 'Revenue', type: 'number', role: 'measure', format: 'currency' },
        ],
        rows: [
          { region: 'Europe', revenue: 100000 },
          { region: 'North America', revenue: 23456.78 },
        ],
        rowCount: 2,
        truncated: false,
      },
      {
        id: 'orders',
        title: 'Orders',
        type: 'table',
        layout: { x: 0, y: 4, w: 12, h: 4 },
        columns: [
          { key: 'month', label: 'Month', type: 'date', role: 'dimension', format: 'month' },
          { key: 'orders', label: 'Orders', type: 'number', role: 'measure', format: 'integer' },
        ],
        rows: [
          { month: '2025-01-01', orders: 1200 },
          { month: '2025-02-01', orders: 1350 },
        ],
        rowCount: 2,
        truncated: false,
      },
    ],
    generatedAt: new Date().toISOString(),
    ...overrides,
  };
}
