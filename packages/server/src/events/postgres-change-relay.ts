import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { ChangeRelaySignals } from '../metrics/metrics.ts';
import type { Store } from '../store/store.ts';
import type { ChangeBus, ChangeEvent } from './change-bus.ts';

const CHANNEL = 'tc_embed_changes';
const RECONNECT_DELAY_MS = 1000;
/** How often the safety net runs: a heartbeat on the LISTEN connection and a re-check of what caches hold. */
export const RECONCILE_INTERVAL_MS = 5000;
/** A LISTEN connection whose heartbeat is unanswered this long is replaced (and every cache flushed). */
const HEARTBEAT_TIMEOUT_MS = 5000;


interface RelayedChange {
  from: string;
  event: ChangeEvent;
}

/**
 * Carries cache-invalidation events between instances that share one PostgreSQL: each local change is also sent
 * with NOTIFY, and changes from other instances are replayed on the local bus. If the LISTEN connection drops,
 * events may be lost, so on every (re)connect all caches are flushed. A periodic reconcile is the safety net for
 * what NOTIFY cannot promise: a heartbeat replaces a LISTEN connection that silently stopped answering, keys
 * revoked since the last check (by the database's clock) are re-read, and origin or attribute changes are
 * detected by a per-organization change counter (cache_versions).
 */
export class PostgresChangeRelay {
  private readonly instanceId = randomBytes(8).toString('hex');
  private client: pg.Client | undefined;
  private stopped = false;
  private reconcileTimer: NodeJS.Timeout | undefined;
  /** Database time of the previous revocation check; undefined until the first one. */
  private revokedSince: Date | undefined;
  /** `kind org` → cache_versions.version at the previous check; undefined until the first one. */
  private versions: Map<string, number> | undefined;
  private reconciling = false;
  private unsubscribe: () => void = () => {};
  private relaying = false;
  private readonly inFlight = new Set<Promise<unknown>>();
  /** Whether a LISTEN connection was ever up: the next one is a reconnect. */
  private everConnected = false;

  constructor(
    private readonly connectionString: string,
    private readonly store: Store,
    private readonly bus: ChangeBus,
    private readonly onError: (error: unknown) => void = () => {},
    /** Metrics: tc_change_relay_connected and tc_change_relay_reconnects_total. */
    private readonly signals?: ChangeRelaySignals,
  ) {}

  async start(): Promise<void> {
    this.unsubscribe = this.bus.subscribe((event) => {
      if (this.relaying || event.type === 'caches_flushed') return;
      const payload: RelayedChange = { from: this.instanceId, event };
      const sent = this.store.query('select pg_notify($1, $2)', [CHANNEL, JSON.stringify(payload)]).catch(this.onError);
      this.inFlight.add(sent);
      void sent.finally(() => this.inFlight.delete(sent));
    });
    await this.connect();
    // The baselines: a change made after this point is caught by the next round even if its NOTIFY is lost.
    await this.reconcile();
    this.reconcileTimer = setInterval(() => void this.reconcile(), RECONCILE_INTERVAL_MS);
    this.reconcileTimer.unref();
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({
      connectionString: this.connectionString,
      // Named, so an operator (or a test) can tell this instance's LISTEN session apart in pg_stat_activity.
      application_name: `tc-embed change relay (pid ${process.pid})`,
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
      connectionTimeoutMillis: HEARTBEAT_TIMEOUT_MS,
    });
    client.on('error', (error) => {
      this.onError(error);
      this.scheduleReconnect(client);
    });
    client.on('end', () => this.scheduleReconnect(client));
    client.on('notification', (message) => {
      if (message.channel !== CHANNEL || !message.payload) return;
      this.replay(message.payload);
    });
    try {
      await client.connect();
      await client.query(`listen ${CHANNEL}`);
      this.client = client;
      // Whatever happened while we were not listening is unknown: start from empty caches.
      this.emitLocally({ type: 'caches_flushed' });
      this.signals?.connected(this.everConnected);
      this.everConnected = true;
    } catch (error) {
      this.onError(error);
      this.scheduleReconnect(client);
    }
  }

  private scheduleReconnect(client: pg.Client): void {
    if (this.stopped || (this.client && this.client !== client)) return;
    this.client = undefined;
    this.signals?.disconnected();
    client.removeAllListeners('end');
    client.end().catch(() => {});
    setTimeout(() => void this.connect(), RECONNECT_DELAY_MS).unref();
  }

  private replay(payload: string): void {
    let relayed: RelayedChange;
    try {
      relayed = JSON.parse(payload) as RelayedChange;
    } catch {
      return;
    }
    if (relayed.from === this.instanceId || typeof relayed.event?.type !== 'string') return;
    this.emitLocally(relayed.event);
  }

  private emitLocally(event: ChangeEvent): void {
    this.relaying = true;
    try {
      this.bus.publish(event);
    } finally {
      this.relaying = false;
    }
  }

  /** Safety net: heartbeat, then keys revoked and origins or attributes changed whose NOTIFY this one missed. */
  private async reconcile(): Promise<void> {
    // A slow round (a store that answers only at its timeout) must not pile up behind the timer.
    if (this.reconciling) return;
    this.reconciling = true;
    try {
      await this.heartbeat();
      await this.recheckRevokedKeys();
      await this.recheckCachedContents();
    } catch (error) {
      this.onError(error);
    } finally {
      this.reconciling = false;
    }
  }

  /** A LISTEN connection can stay open and still be dead (a frozen server, a half-open socket): ask it. */
  private async heartbeat(): Promise<void> {
    const client = this.client;
    if (!client) return;
    try {
      const probe: pg.QueryConfig & { query_timeout: number } = { text: 'select 1', query_timeout: HEARTBEAT_TIMEOUT_MS };
      await client.query(probe);
    } catch (error) {
      this.onError(error);
      this.scheduleReconnect(client);
    }
  }

  private async recheckRevokedKeys(): Promise<void> {
    // The database's clock, not this instance's: instances' clocks may disagree, revoked_at is written by now().
    const [{ now }] = (await this.store.query<{ now: Date }>('select now() as now')) as [{ now: Date }];
    const since = this.revokedSince;
    this.revokedSince = now;
    if (!since) return;
    // One interval of overlap: a revocation committed late carries its transaction's (earlier) start time.
    const rows = await this.store.query<{ id: string; org_id: string }>(
      'select id, org_id from api_keys where revoked_at is not null and revoked_at >= $1',
      [new Date(since.getTime() - RECONCILE_INTERVAL_MS)],
    );
    for (const row of rows) this.emitLocally({ type: 'api_key_revoked', orgId: row.org_id, keyId: row.id });
  }

  /**
   * NOTIFY is sent after the commit and never retried: a lost one would leave this instance's origin or attribute
   * cache stale for good. cache_versions counts every write to those tables (a trigger), so any change since the
   * previous check, however it was made, flushes the organization's entry here.
   */
  private async recheckCachedContents(): Promise<void> {
    const rows = await this.store.query<{ kind: 'origins' | 'attributes'; org_id: string; version: number }>(
      'select kind, org_id, version from cache_versions',
    );
    const previous = this.versions;
    this.versions = new Map(rows.map((row) => [`${row.kind} ${row.org_id}`, row.version]));
    if (!previous) return;
    for (const row of rows) {
      if (previous.get(`${row.kind} ${row.org_id}`) === row.version) continue;
      this.emitLocally({ type: row.kind === 'origins' ? 'origins_changed' : 'attributes_changed', orgId: row.org_id });
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe();
    if (this.reconcileTimer) clearInterval(this.reconcileTimer);
    await Promise.all(this.inFlight);
    await this.client?.end().catch(() => {});
  }
}
