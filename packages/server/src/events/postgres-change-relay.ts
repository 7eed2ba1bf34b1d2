import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Store } from '../store/store.ts';
import type { ChangeBus, ChangeEvent } from './change-bus.ts';

const CHANNEL = 'tc_embed_changes';
const RECONNECT_DELAY_MS = 1000;
const RECONCILE_INTERVAL_MS = 5000;

interface RelayedChange {
  from: string;
  event: ChangeEvent;
}

/**
 * Carries cache-invalidation events between instances that share one PostgreSQL: each local change is also sent
 * with NOTIFY, and changes from other instances are replayed on the local bus. If the LISTEN connection drops,
 * events may be lost, so on every (re)connect all caches are flushed, and a periodic reconcile re-reads revoked
 * keys as a safety net.
 */
export class PostgresChangeRelay {
  private readonly instanceId = randomBytes(8).toString('hex');
  private client: pg.Client | undefined;
  private stopped = false;
  private reconcileTimer: NodeJS.Timeout | undefined;
  private revokedSince = new Date();
  private unsubscribe: () => void = () => {};
  private relaying = false;
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly connectionString: string,
    private readonly store: Store,
    private readonly bus: ChangeBus,
    private readonly onError: (error: unknown) => void = () => {},
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
    this.reconcileTimer = setInterval(() => void this.reconcile(), RECONCILE_INTERVAL_MS);
    this.reconcileTimer.unref();
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({ connectionString: this.connectionString });
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
    } catch (error) {
      this.onError(error);
      this.scheduleReconnect(client);
    }
  }

  private scheduleReconnect(client: pg.Client): void {
    if (this.stopped || (this.client && this.client !== client)) return;
    this.client = undefined;
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

  /** Safety net: keys revoked by another instance whose NOTIFY this one missed. */
  private async reconcile(): Promise<void> {
    const since = this.revokedSince;
    this.revokedSince = new Date();
    try {
      const rows = await this.store.query<{ id: string; org_id: string }>(
        'select id, org_id from api_keys where revoked_at is not null and revoked_at >= $1',
        [new Date(since.getTime() - RECONCILE_INTERVAL_MS)],
      );
      for (const row of rows) this.emitLocally({ type: 'api_key_revoked', orgId: row.org_id, keyId: row.id });
    } catch (error) {
      this.onError(error);
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
