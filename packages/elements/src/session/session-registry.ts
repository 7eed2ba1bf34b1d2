import { TokenSession, type FetchToken } from './token-session.js';

export interface SessionKey {
  /** Normalised server URL. */
  serverUrl: string;
  fetchToken: FetchToken | undefined;
  /** The host's token; only identifies the session when there is no fetchToken to share. */
  token: string | undefined;
}

interface Entry {
  session: TokenSession;
  users: number;
}

/** Sessions by server URL, then by refresh callback (or, without one, by token). */
const sessions = new Map<string, Map<FetchToken | string, Entry>>();

function identity(key: SessionKey): FetchToken | string | undefined {
  return key.fetchToken ?? key.token;
}

/**
 * The page-wide session for this server and callback: however many elements ask, one verification and one
 * fetchToken call per renewal. Pair every acquire with a release.
 */
export function acquireSession(key: SessionKey): TokenSession {
  const id = identity(key);
  const byIdentity = sessions.get(key.serverUrl) ?? new Map<FetchToken | string, Entry>();
  sessions.set(key.serverUrl, byIdentity);
  let entry = id === undefined ? undefined : byIdentity.get(id);
  if (!entry) {
    const session = new TokenSession({
      serverUrl: key.serverUrl,
      ...(key.token ? { token: key.token } : {}),
      ...(key.fetchToken ? { fetchToken: key.fetchToken } : {}),
    });
    entry = { session, users: 0 };
    if (id !== undefined) byIdentity.set(id, entry);
  }
  entry.users++;
  return entry.session;
}

/**
 * Drops one user of a session; the last one disposes it after the current task, so an element that is only
 * moved in the DOM (disconnected, then connected again at once) keeps its session.
 */
export function releaseSession(session: TokenSession): void {
  const byIdentity = sessions.get(session.serverUrl);
  const found = byIdentity && [...byIdentity].find(([, entry]) => entry.session === session);
  if (!found) {
    session.dispose();
    return;
  }
  const [id, entry] = found;
  entry.users--;
  queueMicrotask(() => {
    if (entry.users > 0 || byIdentity.get(id) !== entry) return;
    byIdentity.delete(id);
    if (byIdentity.size === 0) sessions.delete(session.serverUrl);
    session.dispose();
  });
}
