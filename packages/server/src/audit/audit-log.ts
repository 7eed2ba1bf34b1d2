import type { Store } from '../store/store.ts';

/** `token.preview_minted`: the console minted a dashboard preview token for a signed-in admin (reason names them). */
export type AuditEventName = 'token.minted' | 'token.preview_minted' | 'token.refused' | 'session.verified' | 'session.refused';

export interface AuditEvent {
  orgId: string | null;
  event: AuditEventName;
  outcome: 'success' | 'failure';
  reason?: string | null;
  distinctId?: string | null;
  apiKeyId?: string | null;
  origin?: string | null;
}

export interface AuditRecord extends Required<AuditEvent> {
  id: number;
  /** When the first of these identical events happened. */
  at: string;
  /** Identical events (same token user, key, origin and outcome) within one flush window are one record. */
  occurrences: number;
}

export interface AuditQuery {
  orgId: string;
  distinctId?: string;
  since?: Date;
  until?: Date;
  limit?: number;
}

const FLUSH_INTERVAL_MS = 200;
const FLUSH_BATCH = 500;
const MAX_PENDING = 50_000;
const MAX_FIELD_LENGTH = 300;

const clip = (value: string | null | undefined): string | null =>
  value === undefined || value === null ? null : value.slice(0, MAX_FIELD_LENGTH);

interface PendingEvent {
  event: AuditEvent;
  at: Date;
  occurrences: number;
}

// Unit separators cannot occur in the fields (ids, origins, codes; distinctIds are clipped text), so the join is
// unambiguous and cheaper than JSON on the hot path.
const identityOf = (event: AuditEvent): string =>
  `${event.orgId}\u001f${event.event}\u001f${event.outcome}\u001f${event.reason}\u001f${event.distinctId}\u001f${event.apiKeyId}\u001f${event.origin}`;

/**
 * Audit events are written in batches off the request path: one multi-row insert per flush, so a verified
 * session costs no database round trip. Identical events within a flush window (an element polling with one
 * token) become one record with a count, so the log grows with sessions, not with requests. close() flushes.
 */
export class AuditLog {
  private pending = new Map<string, PendingEvent>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private dropped = 0;

  constructor(
    private readonly store: Store,
    private readonly onError: (error: unknown) => void = () => {},
    /** Sees every event before collapsing (the metrics count them). */
    private readonly onRecord: (event: AuditEvent) => void = () => {},
  ) {}

  record(event: AuditEvent): void {
    this.onRecord(event);
    const identity = identityOf(event);
    const existing = this.pending.get(identity);
    if (existing) {
      existing.occurrences++;
      return;
    }
    if (this.pending.size >= MAX_PENDING) {
      this.dropped++;
      return;
    }
    this.pending.set(identity, { event, at: new Date(), occurrences: 1 });
    if (this.pending.size >= FLUSH_BATCH) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_INTERVAL_MS);
  }

  /** Writes everything recorded so far; resolves when it is in the store. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = [...this.pending.values()];
    this.pending = new Map();
    this.flushing = this.flushing.then(() => (batch.length ? this.write(batch) : undefined));
    return this.flushing;
  }

  private async write(batch: PendingEvent[]): Promise<void> {
    const columns = 9;
    for (let start = 0; start < batch.length; start += FLUSH_BATCH) {
      const chunk = batch.slice(start, start + FLUSH_BATCH);
      const values: (string | number | Date | null)[] = [];
      const tuples = chunk.map(({ event, at, occurrences }, index) => {
        values.push(
          event.orgId,
          event.event,
          event.outcome,
          clip(event.reason),
          clip(event.distinctId),
          clip(event.apiKeyId),
          clip(event.origin),
          occurrences,
          at,
        );
        const placeholders = Array.from({ length: columns }, (_, i) => `$${index * columns + i + 1}`);
        return `(${placeholders.join(', ')})`;
      });
      try {
        await this.store.query(
          `insert into audit_events (org_id, event, outcome, reason, distinct_id, api_key_id, origin, occurrences, created_at)
           values ${tuples.join(', ')}`,
          values,
        );
      } catch (error) {
        this.dropped += chunk.length;
        this.onError(error);
      }
    }
  }

  get droppedCount(): number {
    return this.dropped;
  }

  async query(query: AuditQuery): Promise<AuditRecord[]> {
    await this.flush();
    const conditions = ['org_id = $1'];
    const params: (string | Date | number)[] = [query.orgId];
    if (query.distinctId !== undefined) {
      params.push(query.distinctId);
      conditions.push(`distinct_id = $${params.length}`);
    }
    if (query.since) {
      params.push(query.since);
      conditions.push(`created_at >= $${params.length}`);
    }
    if (query.until) {
      params.push(query.until);
      conditions.push(`created_at < $${params.length}`);
    }
    params.push(Math.min(Math.max(query.limit ?? 100, 1), 1000));
    const rows = await this.store.query<{
      id: number;
      org_id: string | null;
      event: AuditEventName;
      outcome: 'success' | 'failure';
      reason: string | null;
      distinct_id: string | null;
      api_key_id: string | null;
      origin: string | null;
      occurrences: number;
      created_at: Date;
    }>(
      `select * from audit_events where ${conditions.join(' and ')} order by created_at desc, id desc limit $${params.length}`,
      params,
    );
    return rows.map((row) => ({
      id: row.id,
      orgId: row.org_id,
      event: row.event,
      outcome: row.outcome,
      reason: row.reason,
      distinctId: row.distinct_id,
      apiKeyId: row.api_key_id,
      origin: row.origin,
      occurrences: row.occurrences,
      at: row.created_at.toISOString(),
    }));
  }
}
