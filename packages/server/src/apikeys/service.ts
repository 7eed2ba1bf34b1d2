import { randomBytes, timingSafeEqual } from 'node:crypto';
import { TcError, notFound } from '../errors.ts';
import type { ChangeBus } from '../events/change-bus.ts';
import type { Store } from '../store/store.ts';
import { deriveTokenKey } from '../tokens/keys.ts';
import type { TokenKeyResolution } from '../tokens/verify.ts';
import { generateApiKey, hashApiKeySecret, isApiKeyId, parseApiKey } from './format.ts';

export interface ApiKeySummary {
  id: string;
  name: string;
  prefix: string;
  lastFour: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface CreatedApiKey extends ApiKeySummary {
  /** The whole key: returned once, at creation, never stored. */
  key: string;
}

export interface AuthenticatedApiKey {
  id: string;
  orgId: string;
}

interface ApiKeyRow {
  id: string;
  org_id: string;
  name: string;
  prefix: string;
  last_four: string;
  secret_sha256: string;
  token_salt: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
  purpose: ApiKeyPurpose;
}

/**
 * `integration`: the keys admins create for their servers. `console_preview`: one per organization, created by
 * the server for the console's dashboard previews; its secret is discarded, so it never authenticates, and it is
 * never listed or revocable — it only signs preview tokens.
 */
export type ApiKeyPurpose = 'integration' | 'console_preview';

/** What the hot path needs of a live key, kept in memory until it is revoked. */
interface ActiveKey {
  id: string;
  orgId: string;
  purpose: ApiKeyPurpose;
  secretSha256: Buffer;
  tokenKey: Uint8Array;
  lastUsedWrittenAt: number;
}

const LAST_USED_WRITE_INTERVAL_MS = 60_000;
const MAX_NAME_LENGTH = 100;
export const INVALID_API_KEY_MESSAGE =
  'The API key in x-api-key is not valid or has been revoked; create one under Account settings › API keys.';

const toSummary = (row: ApiKeyRow): ApiKeySummary => ({
  id: row.id,
  name: row.name,
  prefix: row.prefix,
  lastFour: row.last_four,
  createdAt: row.created_at.toISOString(),
  lastUsedAt: row.last_used_at?.toISOString() ?? null,
  revokedAt: row.revoked_at?.toISOString() ?? null,
});

export class ApiKeyService {
  private readonly active = new Map<string, ActiveKey>();
  /** Ids revoked while this process runs: a lookup that raced the revocation must not re-cache the key. */
  private readonly revokedIds = new Set<string>();

  constructor(
    private readonly store: Store,
    private readonly masterKey: Uint8Array,
    private readonly bus: ChangeBus,
  ) {
    bus.subscribe((event) => {
      if (event.type === 'caches_flushed') this.active.clear();
      if (event.type !== 'api_key_revoked') return;
      this.revokedIds.add(event.keyId);
      this.active.delete(event.keyId);
    });
  }

  async create(orgId: string, name: string): Promise<CreatedApiKey> {
    const trimmed = typeof name === 'string' ? name.trim() : '';
    if (trimmed === '') throw new TcError('invalid_request', 'name is required: give the API key a name, e.g. "Production backend".', [{ field: 'name', message: 'name is required' }]);
    if (trimmed.length > MAX_NAME_LENGTH) {
      throw new TcError('invalid_request', `name must be at most ${MAX_NAME_LENGTH} characters.`, [{ field: 'name', message: 'name is too long' }]);
    }
    const generated = generateApiKey();
    const rows = await this.store.query<ApiKeyRow>(
      `insert into api_keys (id, org_id, name, prefix, last_four, secret_sha256, token_salt)
       values ($1, $2, $3, $4, $5, $6, $7) returning *`,
      [
        generated.id,
        orgId,
        trimmed,
        generated.prefix,
        generated.lastFour,
        hashApiKeySecret(generated.secret).toString('hex'),
        randomBytes(16).toString('base64'),
      ],
    );
    return { ...toSummary(rows[0]!), key: generated.key };
  }

  async list(orgId: string): Promise<ApiKeySummary[]> {
    const rows = await this.store.query<ApiKeyRow>(
      `select * from api_keys where org_id = $1 and purpose = 'integration' order by created_at desc, id`,
      [orgId],
    );
    return rows.map(toSummary);
  }

  /** Immediate: the in-memory key and every cached session of its tokens are dropped before this returns. */
  async revoke(orgId: string, id: string): Promise<ApiKeySummary> {
    if (!isApiKeyId(id)) throw notFound(`API key "${id}"`);
    const rows = await this.store.query<ApiKeyRow>(
      `update api_keys set revoked_at = coalesce(revoked_at, now())
       where org_id = $1 and id = $2 and purpose = 'integration' returning *`,
      [orgId, id],
    );
    if (rows.length === 0) throw notFound(`API key "${id}"`);
    this.bus.publish({ type: 'api_key_revoked', orgId, keyId: id });
    return toSummary(rows[0]!);
  }

  /** The `x-api-key` header → the key's id and organization. Unknown and revoked keys answer identically. */
  async authenticate(headerValue: string | undefined): Promise<AuthenticatedApiKey> {
    if (headerValue === undefined || headerValue.trim() === '') {
      throw new TcError('missing_api_key', 'The x-api-key header is required: send your API key from your server, never from a browser.');
    }
    const parsed = parseApiKey(headerValue.trim());
    if (!parsed) throw new TcError('invalid_api_key', INVALID_API_KEY_MESSAGE);
    const active = await this.load(parsed.id);
    const presented = hashApiKeySecret(parsed.secret);
    // A console preview key has no secret anyone holds; refusing it by purpose too keeps it that way.
    if (!active || !timingSafeEqual(presented, active.secretSha256) || active.purpose !== 'integration') {
      throw new TcError('invalid_api_key', INVALID_API_KEY_MESSAGE);
    }
    this.touch(active);
    return { id: active.id, orgId: active.orgId };
  }

  /**
   * The organization's console preview signing key, created on first use. Its secret is random and discarded:
   * only its id and derived token key are ever used, to sign the console's short-lived dashboard previews.
   */
  async consolePreviewKey(orgId: string): Promise<AuthenticatedApiKey> {
    const existing = async () =>
      (await this.store.query<{ id: string }>(
        `select id from api_keys where org_id = $1 and purpose = 'console_preview' and revoked_at is null`,
        [orgId],
      ))[0];
    const found = await existing();
    if (found) return { id: found.id, orgId };
    const generated = generateApiKey();
    // The partial unique index keeps one live preview key per organization when two requests race here.
    await this.store.query(
      `insert into api_keys (id, org_id, name, prefix, last_four, secret_sha256, token_salt, purpose)
       values ($1, $2, 'Console previews', $3, $4, $5, $6, 'console_preview')
       on conflict do nothing`,
      [
        generated.id,
        orgId,
        generated.prefix,
        generated.lastFour,
        hashApiKeySecret(randomBytes(32).toString('base64url')).toString('hex'),
        randomBytes(16).toString('base64'),
      ],
    );
    const created = await existing();
    if (!created) throw new Error('the console preview key could not be created');
    return { id: created.id, orgId };
  }

  /** For token verification: the derived key of a live API key, or undefined. Derives nothing for unknown ids. */
  async tokenKeyFor(kid: string): Promise<TokenKeyResolution | undefined> {
    const active = await this.load(kid);
    return active ? { key: active.tokenKey, org: active.orgId } : undefined;
  }

  /** Whether a live key is a console preview key (its tokens are the only ones the console's own page sends). */
  async isConsolePreviewKey(kid: string): Promise<boolean> {
    return (await this.load(kid))?.purpose === 'console_preview';
  }

  /** Same as tokenKeyFor but only from memory: for callers that must not wait on the database. */
  cachedTokenKey(kid: string): TokenKeyResolution | undefined {
    const active = this.active.get(kid);
    return active ? { key: active.tokenKey, org: active.orgId } : undefined;
  }

  private async load(id: string): Promise<ActiveKey | undefined> {
    if (!isApiKeyId(id)) return undefined;
    const cached = this.active.get(id);
    if (cached) return cached;
    const rows = await this.store.query<ApiKeyRow>('select * from api_keys where id = $1 and revoked_at is null', [id]);
    const row = rows[0];
    if (!row || this.revokedIds.has(id)) return undefined;
    const active: ActiveKey = {
      id: row.id,
      orgId: row.org_id,
      purpose: row.purpose,
      secretSha256: Buffer.from(row.secret_sha256, 'hex'),
      tokenKey: deriveTokenKey(this.masterKey, row.id, Buffer.from(row.token_salt, 'base64')),
      lastUsedWrittenAt: row.last_used_at?.getTime() ?? 0,
    };
    this.active.set(id, active);
    return active;
  }

  /** last_used_at is written at most once a minute per key, off the request's critical path. */
  private touch(active: ActiveKey): void {
    const now = Date.now();
    if (now - active.lastUsedWrittenAt < LAST_USED_WRITE_INTERVAL_MS) return;
    active.lastUsedWrittenAt = now;
    this.store
      .query('update api_keys set last_used_at = now() where id = $1', [active.id])
      .catch(() => {
        active.lastUsedWrittenAt = 0;
      });
  }
}
