import { randomBytes } from 'node:crypto';
import { invalidRequest, notFound } from '../errors.ts';
import type { DatasetQuery } from '../query/types.ts';
import type { Store } from '../store/store.ts';

export interface ConversationOwner {
  orgId: string;
  distinctId: string;
}

export interface OpenConversation {
  id: string;
  /** The query of the latest answer, which a follow-up question refines. */
  lastQuery: DatasetQuery | undefined;
}

export interface ConversationMessage {
  role: 'user' | 'assistant';
  content: string;
  query?: DatasetQuery | undefined;
}

const CONVERSATION_ID = /^conv_[A-Za-z0-9_-]{22}$/;
const MAX_STORED_TEXT = 8_000;
const PURGE_INTERVAL_MS = 60 * 60 * 1000;

/**
 * Assistant conversations, each owned by one user of one organization (its distinctId). Another user's or
 * organization's id, or one past the retention period, is not found — indistinguishable from an unknown id.
 * Conversations untouched for `retentionDays` are deleted when a new one starts and, once `startPurging` ran, at
 * start and every hour, so an idle server keeps no conversation past the retention period either.
 */
export class ConversationStore {
  private purgeTimer: NodeJS.Timeout | undefined;
  private purging: Promise<unknown> | undefined;

  constructor(
    private readonly store: Store,
    private readonly retentionDays: number,
  ) {}

  /** Purges now and then every `intervalMs`; the timer never keeps the process alive. `stopPurging` ends it. */
  startPurging(onError: (error: unknown) => void, intervalMs = PURGE_INTERVAL_MS): void {
    if (this.purgeTimer) return;
    const run = () => {
      // One purge at a time: a slow database never piles them up.
      this.purging ??= this.purgeExpired()
        .catch(onError)
        .finally(() => (this.purging = undefined));
    };
    run();
    this.purgeTimer = setInterval(run, intervalMs);
    this.purgeTimer.unref();
  }

  /** Stops the timer and waits for a purge under way, so the store can close after it. */
  async stopPurging(): Promise<void> {
    clearInterval(this.purgeTimer);
    this.purgeTimer = undefined;
    await this.purging;
  }

  /** The caller's conversation `id`, or a new one when `id` is undefined. */
  async open(owner: ConversationOwner, id: string | undefined): Promise<OpenConversation> {
    if (id === undefined) return { id: await this.create(owner), lastQuery: undefined };
    if (!CONVERSATION_ID.test(id)) {
      throw invalidRequest('conversationId', 'conversationId must be the id of an earlier answer ("conv_…"); leave it out to start a new conversation.');
    }
    const rows = await this.store.query<{ query: DatasetQuery | null }>(
      `select (select m.query from assistant_messages m
                where m.org_id = c.org_id and m.conversation_id = c.id and m.query is not null
                order by m.seq desc limit 1) as query
       from assistant_conversations c
       where c.org_id = $1 and c.id = $2 and c.distinct_id = $3 and c.updated_at > now() - make_interval(days => $4::int)`,
      [owner.orgId, id, owner.distinctId, this.retentionDays],
    );
    if (rows.length === 0) throw notFound(`Conversation "${id}"`);
    return { id, lastQuery: rows[0]!.query ?? undefined };
  }

  private async create(owner: ConversationOwner): Promise<string> {
    await this.purgeExpired();
    const id = `conv_${randomBytes(16).toString('base64url')}`;
    await this.store.query('insert into assistant_conversations (org_id, id, distinct_id) values ($1, $2, $3)', [owner.orgId, id, owner.distinctId]);
    return id;
  }

  async append(owner: ConversationOwner, id: string, messages: readonly ConversationMessage[]): Promise<void> {
    await this.store.transaction(async (tx) => {
      const touched = await tx.query(
        'update assistant_conversations set updated_at = now() where org_id = $1 and id = $2 and distinct_id = $3 returning id',
        [owner.orgId, id, owner.distinctId],
      );
      if (touched.length === 0) return; // purged meanwhile: nothing to keep
      for (const message of messages) {
        await tx.query('insert into assistant_messages (org_id, conversation_id, role, content, query) values ($1, $2, $3, $4, $5::jsonb)', [
          owner.orgId,
          id,
          message.role,
          message.content.slice(0, MAX_STORED_TEXT),
          message.query ? JSON.stringify(message.query) : null,
        ]);
      }
    });
  }

  /** Deletes conversations (and their messages) untouched for longer than the retention period. */
  async purgeExpired(): Promise<number> {
    const rows = await this.store.query(
      'delete from assistant_conversations where updated_at < now() - make_interval(days => $1::int) returning id',
      [this.retentionDays],
    );
    return rows.length;
  }
}
