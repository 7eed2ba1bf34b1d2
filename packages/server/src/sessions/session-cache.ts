import { hash } from 'node:crypto';
import type { ChangeBus } from '../events/change-bus.ts';
import type { VerifiedEmbedToken } from '../tokens/verify.ts';

interface Entry {
  verified: VerifiedEmbedToken;
  expiresAtMs: number;
}

const DEFAULT_MAX_ENTRIES = 50_000;

/**
 * Verified tokens, keyed by SHA-256 of the (canonical) token string, so repeated embed requests with one token
 * skip the crypto. Bounded (oldest out first), entries expire with their token, and every entry of an API key
 * or an organization is dropped when that key is revoked or the organization's origins change.
 */
export class SessionCache {
  private readonly entries = new Map<string, Entry>();
  hits = 0;
  misses = 0;

  constructor(
    bus: ChangeBus,
    private readonly maxEntries = DEFAULT_MAX_ENTRIES,
  ) {
    bus.subscribe((event) => {
      if (event.type === 'caches_flushed') this.entries.clear();
      if (event.type === 'api_key_revoked') this.dropWhere((entry) => entry.verified.kid === event.keyId);
      if (event.type === 'origins_changed') this.dropWhere((entry) => entry.verified.claims.org === event.orgId);
    });
  }

  static keyOf(token: string): string {
    return hash('sha256', token, 'base64url');
  }

  get(cacheKey: string, nowMs = Date.now()): VerifiedEmbedToken | undefined {
    const entry = this.entries.get(cacheKey);
    if (!entry) {
      this.misses++;
      return undefined;
    }
    if (entry.expiresAtMs <= nowMs) {
      this.entries.delete(cacheKey);
      this.misses++;
      return undefined;
    }
    this.hits++;
    return entry.verified;
  }

  set(cacheKey: string, verified: VerifiedEmbedToken): void {
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(cacheKey, { verified, expiresAtMs: verified.claims.exp * 1000 });
  }

  get size(): number {
    return this.entries.size;
  }

  private dropWhere(predicate: (entry: Entry) => boolean): void {
    for (const [key, entry] of this.entries) if (predicate(entry)) this.entries.delete(key);
  }
}
