import { EventEmitter } from 'node:events';

/**
 * Changes that invalidate in-memory caches. Services publish here after the database write commits; caches
 * subscribe. With PostgreSQL, events/postgres-change-relay.ts carries them between instances.
 */
export type ChangeEvent =
  | { type: 'api_key_revoked'; orgId: string; keyId: string }
  | { type: 'origins_changed'; orgId: string }
  | { type: 'attributes_changed'; orgId: string }
  /** An admin session ended (logout); by the SHA-256 of its id, as stored, never the cookie itself. */
  | { type: 'admin_session_ended'; sessionSha256: string }
  /** Another instance's changes may have been missed: drop every cached entry. */
  | { type: 'caches_flushed' };

export class ChangeBus {
  private readonly emitter = new EventEmitter();

  publish(event: ChangeEvent): void {
    this.emitter.emit('change', event);
  }

  subscribe(listener: (event: ChangeEvent) => void): () => void {
    this.emitter.on('change', listener);
    return () => this.emitter.off('change', listener);
  }
}
