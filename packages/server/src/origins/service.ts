import { TcError, notFound } from '../errors.ts';
import type { ChangeBus } from '../events/change-bus.ts';
import type { Store } from '../store/store.ts';
import { OriginMatcher } from './match.ts';
import { OriginFormatError, normalizeOrigin } from './normalize.ts';

export interface AuthorizedOrigin {
  origin: string;
  createdAt: string;
}

const MAX_ORIGINS_PER_ORGANIZATION = 200;

/** Authorized origins per organization, with a matcher cached in memory until they change. */
export class OriginService {
  private readonly matchers = new Map<string, Promise<OriginMatcher>>();
  /** The settled entries of `matchers`, for callers on the hot path that need not wait. */
  private readonly settledMatchers = new Map<string, OriginMatcher>();
  /** Every organization's origins together: what a CORS preflight (which carries no token) is checked against. */
  private anyOrganization: Promise<OriginMatcher> | undefined;

  constructor(
    private readonly store: Store,
    private readonly bus: ChangeBus,
  ) {
    bus.subscribe((event) => {
      if (event.type === 'caches_flushed') {
        this.matchers.clear();
        this.settledMatchers.clear();
      } else if (event.type === 'origins_changed') {
        this.matchers.delete(event.orgId);
        this.settledMatchers.delete(event.orgId);
      }
      else return;
      this.anyOrganization = undefined;
    });
  }

  async list(orgId: string): Promise<AuthorizedOrigin[]> {
    const rows = await this.store.query<{ origin: string; created_at: Date }>(
      'select origin, created_at from authorized_origins where org_id = $1 order by origin',
      [orgId],
    );
    return rows.map((row) => ({ origin: row.origin, createdAt: row.created_at.toISOString() }));
  }

  /** Validates and normalises; adding an origin that is already there is not an error. */
  async add(orgId: string, input: unknown): Promise<AuthorizedOrigin & { normalizedFrom: string }> {
    if (typeof input !== 'string') {
      throw new TcError('invalid_request', 'origin must be a string such as https://app.example.com.', [{ field: 'origin', message: 'origin must be a string' }]);
    }
    let origin: string;
    try {
      origin = normalizeOrigin(input);
    } catch (error) {
      if (error instanceof OriginFormatError) {
        throw new TcError('invalid_request', `origin: ${error.message}`, [{ field: 'origin', message: error.message }]);
      }
      throw error;
    }
    const [{ count }] = (await this.store.query<{ count: number }>(
      'select count(*)::int as count from authorized_origins where org_id = $1',
      [orgId],
    )) as [{ count: number }];
    if (count >= MAX_ORIGINS_PER_ORGANIZATION) {
      throw new TcError('invalid_request', `An organization can authorize at most ${MAX_ORIGINS_PER_ORGANIZATION} origins; use a wildcard such as https://*.example.com.`);
    }
    await this.store.query(
      'insert into authorized_origins (org_id, origin) values ($1, $2) on conflict do nothing',
      [orgId, origin],
    );
    this.bus.publish({ type: 'origins_changed', orgId });
    const rows = await this.store.query<{ created_at: Date }>(
      'select created_at from authorized_origins where org_id = $1 and origin = $2',
      [orgId, origin],
    );
    return { origin, createdAt: rows[0]!.created_at.toISOString(), normalizedFrom: input };
  }

  async remove(orgId: string, input: string): Promise<void> {
    let origin = input;
    try {
      origin = normalizeOrigin(input);
    } catch {
      // Removing is by the stored spelling; a value that does not normalise simply is not there.
    }
    const rows = await this.store.query(
      'delete from authorized_origins where org_id = $1 and origin = $2 returning origin',
      [orgId, origin],
    );
    if (rows.length === 0) throw notFound(`Authorized origin "${input}"`);
    this.bus.publish({ type: 'origins_changed', orgId });
  }

  matcherFor(orgId: string): Promise<OriginMatcher> {
    let matcher = this.matchers.get(orgId);
    if (!matcher) {
      const loading = this.list(orgId).then((origins) => {
        const loaded = new OriginMatcher(origins.map((entry) => entry.origin));
        // Only if no change invalidated this load meanwhile.
        if (this.matchers.get(orgId) === loading) this.settledMatchers.set(orgId, loaded);
        return loaded;
      });
      loading.catch(() => this.matchers.delete(orgId));
      this.matchers.set(orgId, loading);
      matcher = loading;
    }
    return matcher;
  }

  cachedMatcher(orgId: string): OriginMatcher | undefined {
    return this.settledMatchers.get(orgId);
  }

  async isAuthorizedAnywhere(origin: string): Promise<boolean> {
    if (!this.anyOrganization) {
      const loading = this.store
        .query<{ origin: string }>('select distinct origin from authorized_origins')
        .then((rows) => new OriginMatcher(rows.map((row) => row.origin)));
      loading.catch(() => {
        if (this.anyOrganization === loading) this.anyOrganization = undefined;
      });
      this.anyOrganization = loading;
    }
    return (await this.anyOrganization).matches(origin);
  }
}
