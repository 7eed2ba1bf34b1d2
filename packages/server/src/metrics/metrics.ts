import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { AuditEvent } from '../audit/audit-log.ts';

/** What the metrics read on each scrape rather than being told about. */
export interface MetricSources {
  sessionCache: { hits: number; misses: number };
  audit: { droppedCount: number };
}

/** What the cross-instance change relay (events/postgres-change-relay.ts) reports about its LISTEN connection. */
export interface ChangeRelaySignals {
  /** The LISTEN connection is up (`reconnected`: it replaces one that was lost). */
  connected(reconnected: boolean): void;
  /** The LISTEN connection was lost (or found dead by the heartbeat); events may be missed until it is back. */
  disconnected(): void;
}

export interface MetricsOptions {
  /** Process CPU, memory, event-loop lag and GC (each app would start its own monitor: off in tests). */
  processMetrics: boolean;
}

// Seconds; spans a cached session (well under a millisecond) to a slow dashboard query.
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The server's Prometheus metrics, in a registry of its own (several apps may share a test process). Names and
 * meanings are documented in docs/OPERATIONS.md; labels are bounded sets (route patterns, error codes), never
 * organizations, users or raw URLs.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly tokensMinted: Counter;
  private readonly sessionsVerified: Counter;
  private readonly sessionsRefused: Counter<'reason'>;
  private readonly requestDuration: Histogram<'method' | 'route' | 'status_code'>;
  private readonly requestsShed: Counter<'reason'>;
  private readonly rateLimitFallbacks: Counter;
  private relaySignals: ChangeRelaySignals | undefined;

  constructor(sources: MetricSources, options: MetricsOptions) {
    const registers = [this.registry];
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry });

    this.tokensMinted = new Counter({ name: 'tc_tokens_minted_total', help: 'Embed tokens minted by POST /embed/generate-token.', registers });
    this.sessionsVerified = new Counter({
      name: 'tc_sessions_verified_total',
      help: 'Embed API calls whose token and origin were accepted.',
      registers,
    });
    this.sessionsRefused = new Counter({
      name: 'tc_sessions_refused_total',
      help: 'Embed API calls refused, by error code (invalid_token, token_expired, origin_not_authorized, …).',
      labelNames: ['reason'],
      registers,
    });
    this.requestDuration = new Histogram({
      name: 'tc_http_request_duration_seconds',
      help: 'Time from request received to response sent, by route pattern ("unmatched" for unknown paths).',
      labelNames: ['method', 'route', 'status_code'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.requestsShed = new Counter({
      name: 'tc_requests_shed_total',
      help: 'Requests answered 503 by load shedding, by the threshold that was crossed.',
      labelNames: ['reason'],
      registers,
    });
    this.rateLimitFallbacks = new Counter({
      name: 'tc_rate_limit_redis_fallbacks_total',
      help: 'Rate-limit decisions taken with this instance\'s own counters because Redis (TC_REDIS_URL) did not answer.',
      registers,
    });

    mirroredCounter(registers, 'tc_session_cache_lookups_total', 'Verified-session cache lookups by result (hit: the token\'s crypto was skipped).', [
      [{ result: 'hit' }, () => sources.sessionCache.hits],
      [{ result: 'miss' }, () => sources.sessionCache.misses],
    ]);
    new Gauge({
      name: 'tc_session_cache_hit_ratio',
      help: 'Share of session cache lookups that were hits since the process started (0 before any lookup).',
      registers,
      collect() {
        const { hits, misses } = sources.sessionCache;
        this.set(hits + misses === 0 ? 0 : hits / (hits + misses));
      },
    });
    mirroredCounter(registers, 'tc_audit_events_dropped_total', 'Audit events that could not be written (store unreachable or the in-memory queue full).', [
      [{}, () => sources.audit.droppedCount],
    ]);
  }

  /** Fed by the audit log: every minted token and every embed authorization outcome passes through it. */
  recordAuditEvent(event: AuditEvent): void {
    if (event.event === 'token.minted') this.tokensMinted.inc();
    else if (event.event === 'session.verified') this.sessionsVerified.inc();
    else if (event.event === 'session.refused') this.sessionsRefused.inc({ reason: event.reason ?? 'unknown' });
  }

  observeRequest(method: string, route: string | undefined, statusCode: number, seconds: number): void {
    this.requestDuration.observe({ method, route: route ?? 'unmatched', status_code: String(statusCode) }, seconds);
  }

  recordShed(reason: string): void {
    this.requestsShed.inc({ reason });
  }

  recordRateLimitFallback(): void {
    this.rateLimitFallbacks.inc();
  }

  /**
   * The change relay's metrics, registered on first use: only an instance on PostgreSQL (which runs the relay)
   * exposes them, so a single PGlite instance shows no relay that could look disconnected.
   */
  changeRelay(): ChangeRelaySignals {
    if (this.relaySignals) return this.relaySignals;
    const registers = [this.registry];
    const connected = new Gauge({
      name: 'tc_change_relay_connected',
      help: 'Whether the LISTEN connection that carries cache invalidations between instances is up (1) or not (0).',
      registers,
    });
    const reconnects = new Counter({
      name: 'tc_change_relay_reconnects_total',
      help: 'LISTEN connections re-established after one was lost; each flushed every cache on this instance.',
      registers,
    });
    connected.set(0);
    this.relaySignals = {
      connected(reconnected) {
        connected.set(1);
        if (reconnected) reconnects.inc();
      },
      disconnected() {
        connected.set(0);
      },
    };
    return this.relaySignals;
  }

  /** The exposition text and its content type. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

/**
 * A counter that mirrors running totals kept elsewhere (one per label set): each scrape adds what changed since
 * the previous one, so the exposition stays a true counter.
 */
function mirroredCounter(
  registers: Registry[],
  name: string,
  help: string,
  series: [Record<string, string>, () => number][],
): Counter<string> {
  const seen = series.map(() => 0);
  const labelNames = [...new Set(series.flatMap(([labels]) => Object.keys(labels)))];
  return new Counter({
    name,
    help,
    labelNames,
    registers,
    collect() {
      series.forEach(([labels, read], index) => {
        const now = read();
        if (now > seen[index]!) this.inc(labels, now - seen[index]!);
        seen[index] = now;
      });
    },
  });
}
