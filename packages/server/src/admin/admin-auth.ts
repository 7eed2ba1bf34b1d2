import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { TcError } from '../errors.ts';
import type { ChangeBus } from '../events/change-bus.ts';
import { LocalWindowCounters, type WindowCounters } from '../ratelimit/window-counters.ts';
import type { Store } from '../store/store.ts';
import { hashPassword, verifyPassword } from './password.ts';

export interface AdminIdentity {
  userId: string;
  orgId: string;
  email: string;
  csrfToken: string;
}

const SESSION_LIFETIME_MS = 12 * 60 * 60 * 1000;
// A session is re-read from the database at least this often: the bound on a logout elsewhere whose
// notification was lost (other instances hear of one through the change bus at once).
const SESSION_CACHE_TTL_MS = 30_000;
const MAX_CACHED_SESSIONS = 10_000;
// Sign-in back-off (docs/OPERATIONS.md): attempts are counted per (email, client address) in fixed windows, so a
// stranger elsewhere cannot lock the admin out; while one email draws many attempts from many addresses, each
// address gets a single attempt per window, which slows a spread-out guessing campaign but never refuses an
// address that has not itself failed. Counted before the password is checked, so parallel guesses cannot slip
// past the budget; on the rate limiter's counters, so with TC_REDIS_URL every instance shares them.
const SIGN_IN_WINDOW_MS = 15 * 60 * 1000;
const ATTEMPTS_PER_CLIENT = 5;
const ATTEMPTS_PER_CLIENT_UNDER_ATTACK = 1;
const ATTEMPTS_PER_ACCOUNT_BEFORE_ATTACK = 50;
// A fixed dummy hash so an unknown email costs the same scrypt work as a wrong password.
const DUMMY_HASH_PROMISE = hashPassword(randomBytes(16).toString('hex'));

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/** Admin login sessions (cookie value → session), with back-off after repeated sign-in attempts per email and address. */
export class AdminAuth {
  private attempts: WindowCounters = new LocalWindowCounters();
  private readonly cache = new Map<string, { identity: AdminIdentity; expiresAt: number }>();

  constructor(
    private readonly store: Store,
    private readonly bus?: ChangeBus,
  ) {
    bus?.subscribe((event) => {
      if (event.type === 'admin_session_ended') this.cache.delete(event.sessionSha256);
      if (event.type === 'caches_flushed') this.cache.clear();
    });
  }

  /** Counts sign-in attempts with these counters (the rate limiter's: shared through Redis when configured). */
  countAttemptsWith(counters: WindowCounters): void {
    this.attempts = counters;
  }

  async createUser(orgId: string, email: string, password: string): Promise<string> {
    const id = `usr_${randomBytes(9).toString('base64url')}`;
    await this.store.query(
      'insert into admin_users (id, org_id, email, password_hash) values ($1, $2, $3, $4)',
      [id, orgId, email.toLowerCase(), await hashPassword(password)],
    );
    return id;
  }

  async login(emailInput: unknown, password: unknown, clientAddress = 'unknown'): Promise<{ sessionId: string; identity: AdminIdentity }> {
    if (typeof emailInput !== 'string' || emailInput.trim() === '') {
      throw new TcError('invalid_request', 'email is required.', [{ field: 'email', message: 'required' }]);
    }
    if (typeof password !== 'string' || password === '') {
      throw new TcError('invalid_request', 'password is required.', [{ field: 'password', message: 'required' }]);
    }
    const email = emailInput.trim().toLowerCase();
    const emailKey = sha256(email);
    const clientKey = `admin-sign-in:client:${emailKey}:${clientAddress}`;
    const [client, account] = await Promise.all([
      this.attempts.increment(clientKey, SIGN_IN_WINDOW_MS),
      this.attempts.increment(`admin-sign-in:account:${emailKey}`, SIGN_IN_WINDOW_MS),
    ]);
    const allowed = account.current > ATTEMPTS_PER_ACCOUNT_BEFORE_ATTACK ? ATTEMPTS_PER_CLIENT_UNDER_ATTACK : ATTEMPTS_PER_CLIENT;
    if (client.current > allowed) {
      const seconds = Math.max(1, Math.ceil(client.ttl / 1000));
      throw Object.assign(
        new TcError('rate_limited', `Too many failed sign-ins for this account; try again in ${seconds} seconds.`),
        { retryAfterSeconds: seconds },
      );
    }
    const rows = await this.store.query<{ id: string; org_id: string; password_hash: string }>(
      'select id, org_id, password_hash from admin_users where email = $1',
      [email],
    );
    const user = rows[0];
    const ok = await verifyPassword(password, user?.password_hash ?? (await DUMMY_HASH_PROMISE));
    if (!user || !ok) throw new TcError('unauthenticated', 'The email or password is not correct.');
    // This address's earlier typos no longer count; the account's count stands (it measures a campaign).
    await this.attempts.reset(clientKey);
    const now = Date.now();
    const sessionId = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(24).toString('base64url');
    await this.store.query(
      'insert into admin_sessions (id_sha256, user_id, csrf_token, expires_at) values ($1, $2, $3, $4)',
      [sha256(sessionId), user.id, csrfToken, new Date(now + SESSION_LIFETIME_MS)],
    );
    return { sessionId, identity: { userId: user.id, orgId: user.org_id, email, csrfToken } };
  }

  async identify(sessionId: string | undefined): Promise<AdminIdentity | undefined> {
    if (!sessionId || sessionId.length > 100) return undefined;
    const key = sha256(sessionId);
    const cached = this.cache.get(key);
    if (cached && cached.expiresAt > Date.now()) return cached.identity;
    if (cached) this.cache.delete(key);
    const rows = await this.store.query<{ user_id: string; org_id: string; email: string; csrf_token: string; expires_at: Date }>(
      `select s.user_id, u.org_id, u.email, s.csrf_token, s.expires_at
         from admin_sessions s join admin_users u on u.id = s.user_id
        where s.id_sha256 = $1 and s.expires_at > now()`,
      [key],
    );
    const row = rows[0];
    if (!row) return undefined;
    const identity = { userId: row.user_id, orgId: row.org_id, email: row.email, csrfToken: row.csrf_token };
    if (this.cache.size >= MAX_CACHED_SESSIONS) {
      const oldest = this.cache.keys().next();
      if (!oldest.done) this.cache.delete(oldest.value);
    }
    this.cache.set(key, { identity, expiresAt: Math.min(row.expires_at.getTime(), Date.now() + SESSION_CACHE_TTL_MS) });
    return identity;
  }

  static csrfMatches(identity: AdminIdentity, presented: string | undefined): boolean {
    if (!presented) return false;
    const a = Buffer.from(identity.csrfToken);
    const b = Buffer.from(presented);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  async logout(sessionId: string | undefined): Promise<void> {
    if (!sessionId) return;
    const key = sha256(sessionId);
    this.cache.delete(key);
    await this.store.query('delete from admin_sessions where id_sha256 = $1', [key]);
    // After the delete commits: an instance that re-reads on this event must not find the session still there.
    this.bus?.publish({ type: 'admin_session_ended', sessionSha256: key });
  }
}
