import { originNotAuthorized, readJson, serverFetch, type SessionInfo } from './api-client.js';
import { EmbedError, isPermanent } from './embed-error.js';
import { firstUnauthorizedOrigin, framingOriginUnknown, pageOrigins, UNKNOWN_FRAMING_ORIGIN } from './origin-check.js';
import {
  EXPIRED_RETRY_MS,
  FETCH_TOKEN_TIMEOUT_MS,
  refreshDelayMs,
  retryDelayMs,
} from './refresh-timing.js';

/** The host's refresh callback: resolves to a new token (or the generate-token answer `{token}`). */
export type FetchToken = () => Promise<string | { token: string }>;

export const SessionStatus = {
  /** Created, not started. */
  idle: 'idle',
  /** Getting or verifying the first token. */
  verifying: 'verifying',
  /** A verified token; data requests may go. */
  ready: 'ready',
  /** The token expired and no renewal has succeeded yet; recovers when one does. */
  expired: 'expired',
  /** A failure that no renewal can fix by itself (wrong origin, no token at all, bad configuration). */
  failed: 'failed',
} as const;
export type SessionStatus = (typeof SessionStatus)[keyof typeof SessionStatus];

export type SessionEvent =
  | { type: 'status'; status: SessionStatus }
  | { type: 'ready'; info: SessionInfo }
  /** A new token is in use: renewed on schedule, `recovered` after expiry, or `replaced` by the host. */
  | { type: 'refreshed'; info: SessionInfo; recovered: boolean; replaced: boolean }
  | { type: 'expired'; expiresAt: string }
  | { type: 'error'; error: EmbedError };

export interface TokenSessionOptions {
  /** Normalised server URL (see normalizeServerUrl). */
  serverUrl: string;
  /** A token the host already has; without one the session starts by calling fetchToken. */
  token?: string;
  fetchToken?: FetchToken;
  /** Injected for tests; Date.now and Math.random by default. */
  now?: () => number;
  random?: () => number;
}

/** Window events after which timers may have slept; `visibilitychange` fires on the document. */
const WAKE_EVENTS = ['online', 'pageshow'] as const;
const MAX_TOKEN_LENGTH = 32_768;

/**
 * One embed session: a token verified with `POST /embed/session`, checked against the page's origins, and
 * renewed through the host's `fetchToken` before it expires. Framework-free; any number of elements share one
 * (see session-registry.ts). The token lives only here, in memory: it is never written back to the DOM.
 *
 * @example
 * const session = new TokenSession({ serverUrl: 'https://analytics.example.com', fetchToken });
 * session.subscribe((event) => console.log(event.type));
 * const response = await session.authorizedFetch('/embed/dashboards/sales');
 */
export class TokenSession {
  readonly serverUrl: string;
  readonly fetchToken: FetchToken | undefined;
  status: SessionStatus = SessionStatus.idle;
  info: SessionInfo | undefined;
  error: EmbedError | undefined;

  #token: string | undefined;
  #now: () => number;
  #random: () => number;
  #listeners = new Set<(event: SessionEvent) => void>();
  #started: Promise<void> | undefined;
  #renewal: Promise<void> | undefined;
  /** Bumped whenever a newer verification starts or the session is disposed: older results are dropped. */
  #generation = 0;
  #lifetimeMs = 0;
  #expiresAtMs = 0;
  /** When the next renewal attempt is due (scheduled refresh or retry). */
  #renewAtMs = Number.POSITIVE_INFINITY;
  #renewTimer: ReturnType<typeof setTimeout> | undefined;
  #expiryTimer: ReturnType<typeof setTimeout> | undefined;
  #failedAttempts = 0;
  /** The first token while POST /embed/session verifies it: data requests may go out with it meanwhile. */
  #firstTokenInVerification: string | undefined;
  #disposed = false;
  #listening = false;

  constructor(options: TokenSessionOptions) {
    this.serverUrl = options.serverUrl;
    this.fetchToken = options.fetchToken;
    this.#token = options.token;
    this.#now = options.now ?? (() => Date.now());
    this.#random = options.random ?? Math.random;
  }

  /** Whether the first token is being verified right now: authorizedFetch() calls then go out at once. */
  get verifyingFirstToken(): boolean {
    return this.#firstTokenInVerification !== undefined;
  }

  /** The token in use; for the elements' requests only. */
  get token(): string | undefined {
    return this.#token;
  }

  /** Milliseconds until the token expires by the server's count, as of now. */
  get remainingMs(): number {
    return Math.max(0, this.#expiresAtMs - this.#now());
  }

  subscribe(listener: (event: SessionEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Verifies the first token once; later calls return the same promise. Never rejects: see `status`/`error`. */
  start(): Promise<void> {
    this.#started ??= this.#begin();
    return this.#started;
  }

  /** Resolves with the session once it is ready (renewing first when expired); rejects with the blocking error. */
  async ready(): Promise<SessionInfo> {
    await this.start();
    if (this.status === SessionStatus.expired) await this.refresh();
    if (this.status === SessionStatus.ready && this.info) return this.info;
    throw this.error ?? new EmbedError('token_expired', 'The embed session has expired.');
  }

  /**
   * Renews the token through fetchToken now. Concurrent callers share one call; never rejects (failures are
   * retried with backoff and reported through `error` events).
   */
  refresh(): Promise<void> {
    this.#renewal ??= this.#renew().finally(() => {
      this.#renewal = undefined;
    });
    return this.#renewal;
  }

  /** The host set another token (a new `auth-token`): verify and use it. */
  async useToken(token: string): Promise<void> {
    if (token === this.#token) return;
    await this.start();
    if (token === this.#token) return;
    try {
      await this.#adopt(token, { replaced: true });
    } catch (error) {
      this.#fail(asEmbedError(error));
    }
  }

  /**
   * fetch() with the session's token. A `token_expired` answer renews the token once and retries once.
   * Non-2xx answers reject with an EmbedError.
   */
  async authorizedFetch(path: string, init: RequestInit = {}): Promise<Response> {
    const send = (token: string | undefined) =>
      serverFetch(this.serverUrl, path, { ...init, headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${token}` } });
    // While the first token is being verified, the request already goes out with it (the server checks the token
    // and the Origin on its own), saving a round trip; its answer is held back until the verification and the
    // page-origins check succeed, and dropped if they fail or another token ends up in use.
    const earlyToken = this.#firstTokenInVerification;
    const early = earlyToken === undefined ? undefined : send(earlyToken);
    early?.catch(() => undefined); // Read below, or dropped; never an unhandled rejection meanwhile.
    try {
      await this.ready();
    } catch (error) {
      discard(early);
      throw error;
    }
    const sentWith = this.#token;
    let answer: Promise<Response>;
    if (early && earlyToken === sentWith) {
      answer = early;
    } else {
      discard(early);
      answer = send(sentWith);
    }
    try {
      return await answer;
    } catch (error) {
      if (!(error instanceof EmbedError) || error.code !== 'token_expired') throw error;
      // Another element may have renewed meanwhile; otherwise renew now (shared with any concurrent caller).
      if (this.#token === sentWith) {
        if (!this.fetchToken) throw error;
        await this.refresh();
      }
      if (this.status !== SessionStatus.ready || this.#token === sentWith) throw this.error ?? error;
      return send(this.#token);
    }
  }

  /**
   * Catch up after the page slept: timers are throttled or frozen in background tabs and on suspended laptops,
   * so on wake-up the due time is compared with the clock rather than trusted to a timer.
   */
  checkNow(): void {
    if (this.#disposed) return;
    if (this.status === SessionStatus.failed && this.error?.code === 'server_unreachable') {
      this.retry();
      return;
    }
    if (this.#awaitingFirstToken()) {
      // The host's token endpoint failed for the first token (offline, its backend briefly down): try now.
      void this.refresh();
      return;
    }
    if (this.status !== SessionStatus.ready && this.status !== SessionStatus.expired) return;
    if (this.status === SessionStatus.expired && !this.fetchToken) return;
    const now = this.#now();
    if (this.status === SessionStatus.ready && now >= this.#expiresAtMs) this.#markExpired();
    if (this.#renewal) return;
    if (now >= this.#renewAtMs || this.status === SessionStatus.expired) {
      void this.refresh();
      return;
    }
    this.#arm(this.#renewAtMs - now, this.#expiresAtMs - now);
  }

  /** A user's "Try again": starts over after a failure, renews after expiry. */
  retry(): void {
    if (this.#disposed) return;
    if (this.#awaitingFirstToken()) {
      void this.refresh();
    } else if (this.status === SessionStatus.failed) {
      this.#started = undefined;
      this.#failedAttempts = 0;
      void this.start();
    } else if (this.status === SessionStatus.expired || this.status === SessionStatus.ready) {
      void this.refresh();
    }
  }

  /** Stops every timer and listener; results still in flight are dropped. */
  dispose(): void {
    this.#disposed = true;
    this.#generation++;
    this.#firstTokenInVerification = undefined;
    this.#clearTimers();
    for (const type of WAKE_EVENTS) removeEventListener(type, this.#onWake);
    document.removeEventListener('visibilitychange', this.#onWake);
    this.#listeners.clear();
  }

  async #begin(): Promise<void> {
    if (!this.#listening) {
      this.#listening = true;
      for (const type of WAKE_EVENTS) addEventListener(type, this.#onWake);
      document.addEventListener('visibilitychange', this.#onWake);
    }
    this.#setStatus(SessionStatus.verifying);
    if (!this.#token) {
      if (!this.fetchToken) {
        this.#fail(new EmbedError('missing_configuration', 'No embed token: set the auth-token attribute or a fetchToken callback that returns one.'));
        return;
      }
      await this.refresh();
      return;
    }
    try {
      await this.#adopt(this.#token, { replaced: false });
    } catch (error) {
      const embedError = asEmbedError(error);
      // The page may have kept an old token (back/forward cache, a long-open tab): one fresh token may fix it.
      if ((embedError.code === 'token_expired' || embedError.code === 'invalid_token') && this.fetchToken) {
        await this.refresh();
        return;
      }
      this.#fail(embedError);
    }
  }

  async #renew(): Promise<void> {
    if (this.#disposed) return;
    if (!this.fetchToken) {
      const seconds = Math.round(this.remainingMs / 1000);
      this.#emit({
        type: 'error',
        error: new EmbedError(
          'missing_fetch_token',
          `The embed token expires in ${seconds} s and cannot be renewed: set the element's fetchToken property to a function that asks your backend for a new token.`,
        ),
      });
      return;
    }
    try {
      const token = await this.#callFetchToken();
      await this.#adopt(token, { replaced: false });
    } catch (error) {
      this.#onRenewalFailure(asEmbedError(error));
    }
  }

  async #callFetchToken(): Promise<string> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new EmbedError('token_refresh_failed', `fetchToken did not answer within ${FETCH_TOKEN_TIMEOUT_MS / 1000} s.`)),
        FETCH_TOKEN_TIMEOUT_MS,
      );
    });
    let result: unknown;
    try {
      result = await Promise.race([Promise.resolve().then(() => this.fetchToken!()), timeout]);
    } catch (error) {
      if (error instanceof EmbedError) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      throw new EmbedError('token_refresh_failed', `fetchToken failed: ${reason}. Check the endpoint your backend mints tokens with.`);
    } finally {
      clearTimeout(timer);
    }
    const answered = endpointError(result);
    if (answered) {
      throw new EmbedError('token_refresh_failed', `fetchToken resolved to an error instead of a token. Your token endpoint answered: ${answered}`);
    }
    const token = typeof result === 'object' && result !== null && 'token' in result ? (result as { token: unknown }).token : result;
    if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH || /\s/.test(token)) {
      throw new EmbedError('token_refresh_failed', 'fetchToken must resolve to the token string from POST /embed/generate-token (or its {token} answer).');
    }
    if (token === this.#token) {
      throw new EmbedError('token_refresh_failed', 'fetchToken returned the token already in use; it must mint a new token on each call.');
    }
    return token;
  }

  /** Verifies a token and, if this page may show it, makes it the session's token. Throws EmbedError. */
  async #adopt(token: string, { replaced }: { replaced: boolean }): Promise<void> {
    const generation = ++this.#generation;
    if (this.info === undefined) this.#firstTokenInVerification = token;
    let info: SessionInfo;
    try {
      const response = await serverFetch(this.serverUrl, '/embed/session', {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
      });
      info = await readJson<SessionInfo>(response);
    } finally {
      if (generation === this.#generation) this.#firstTokenInVerification = undefined;
    }
    if (typeof info?.expiresIn !== 'number' || !Array.isArray(info.authorizedOrigins) || typeof info.expiresAt !== 'string') {
      throw new EmbedError('invalid_response', 'POST /embed/session answered without expiresIn, expiresAt or authorizedOrigins; is server-url a tc-embed server?');
    }
    if (generation !== this.#generation) return;
    const unauthorized = firstUnauthorizedOrigin(pageOrigins(), info.authorizedOrigins);
    if (unauthorized === UNKNOWN_FRAMING_ORIGIN) throw framingOriginUnknown();
    if (unauthorized) throw originNotAuthorized(unauthorized);

    const first = this.info === undefined;
    const recovered = this.status === SessionStatus.expired;
    this.#token = token;
    this.info = info;
    this.error = undefined;
    this.#failedAttempts = 0;
    this.#lifetimeMs = info.expiresIn * 1000;
    this.#expiresAtMs = this.#now() + this.#lifetimeMs;
    const delay = refreshDelayMs({ lifetimeMs: this.#lifetimeMs, remainingMs: this.#lifetimeMs, random: this.#random() });
    this.#renewAtMs = this.#now() + delay;
    this.#arm(delay, this.#lifetimeMs);
    this.#setStatus(SessionStatus.ready);
    this.#emit(first ? { type: 'ready', info } : { type: 'refreshed', info, recovered, replaced });
  }

  #onRenewalFailure(error: EmbedError): void {
    if (this.#disposed) return;
    if (error.code === 'token_refresh_failed' && this.info === undefined) {
      this.#retryFirstToken(error);
      return;
    }
    // Without a first token there is nothing to show or keep; a permanent error cannot be retried away.
    if (isPermanent(error) || (this.status !== SessionStatus.ready && this.status !== SessionStatus.expired)) {
      this.#fail(error);
      return;
    }
    this.error = error;
    // One tc-error per run of failures; retries stay quiet until one succeeds.
    if (this.#failedAttempts === 0) this.#emit({ type: 'error', error });
    const now = this.#now();
    const delay = this.status === SessionStatus.expired ? EXPIRED_RETRY_MS : retryDelayMs(this.#failedAttempts, this.#random());
    this.#failedAttempts++;
    if (this.status === SessionStatus.ready && now + delay >= this.#expiresAtMs) {
      // No time for another try: the expiry timer shows the expired state; wake-ups and the slow retry recover.
      this.#renewAtMs = this.#expiresAtMs;
      this.#arm(this.#expiresAtMs - now + EXPIRED_RETRY_MS, this.#expiresAtMs - now);
      return;
    }
    this.#renewAtMs = now + delay;
    this.#arm(delay, this.#expiresAtMs - now);
  }

  /**
   * fetchToken failed before any token was verified: the session shows the failure (status `failed`, one
   * tc-error) but keeps asking with the capped backoff, and at once on wake-up; the first success makes it ready.
   */
  #retryFirstToken(error: EmbedError): void {
    this.#clearTimers();
    this.error = error;
    if (this.#failedAttempts === 0) {
      this.#setStatus(SessionStatus.failed);
      this.#emit({ type: 'error', error });
    }
    const delay = retryDelayMs(this.#failedAttempts, this.#random());
    this.#failedAttempts++;
    this.#renewAtMs = this.#now() + delay;
    this.#renewTimer = setTimeout(() => void this.refresh(), delay);
  }

  /** Failed only because fetchToken has not given a first token yet (retried by itself, see #retryFirstToken). */
  #awaitingFirstToken(): boolean {
    return this.status === SessionStatus.failed && this.info === undefined && this.error?.code === 'token_refresh_failed' && this.fetchToken !== undefined;
  }

  #arm(renewInMs: number, expireInMs: number): void {
    this.#clearTimers();
    this.#renewTimer = setTimeout(() => {
      // Background tabs only retry once visible again (the wake-up listener does it).
      if (this.status === SessionStatus.expired && document.visibilityState === 'hidden') return;
      void this.refresh();
    }, Math.max(0, renewInMs));
    if (this.status !== SessionStatus.expired) {
      this.#expiryTimer = setTimeout(() => this.#markExpired(), Math.max(0, expireInMs));
    }
  }

  #markExpired(): void {
    if (this.status !== SessionStatus.ready) return;
    clearTimeout(this.#expiryTimer);
    this.#setStatus(SessionStatus.expired);
    this.#emit({ type: 'expired', expiresAt: this.info?.expiresAt ?? new Date(this.#expiresAtMs).toISOString() });
    if (!this.#renewal && this.fetchToken && this.#now() >= this.#renewAtMs) {
      this.#renewAtMs = this.#now() + EXPIRED_RETRY_MS;
      this.#arm(EXPIRED_RETRY_MS, 0);
    }
  }

  #fail(error: EmbedError): void {
    if (this.#disposed) return;
    this.#clearTimers();
    this.error = error;
    this.#setStatus(SessionStatus.failed);
    this.#emit({ type: 'error', error });
  }

  #onWake = (): void => {
    if (document.visibilityState !== 'hidden') this.checkNow();
  };

  #clearTimers(): void {
    clearTimeout(this.#renewTimer);
    clearTimeout(this.#expiryTimer);
    this.#renewTimer = this.#expiryTimer = undefined;
  }

  #setStatus(status: SessionStatus): void {
    if (this.status === status) return;
    this.status = status;
    this.#emit({ type: 'status', status });
  }

  #emit(event: SessionEvent): void {
    for (const listener of [...this.#listeners]) listener(event);
  }
}

/** Lets go of an answer that will not be used (its body is not read). */
function discard(response: Promise<Response> | undefined): void {
  void response?.then((dropped) => dropped.body?.cancel(), () => undefined);
}

function asEmbedError(error: unknown): EmbedError {
  if (error instanceof EmbedError) return error;
  return new EmbedError('invalid_response', error instanceof Error ? error.message : String(error));
}

/**
 * `fetch(url).then((r) => r.json())` turns the host backend's 401/503 into `{error: {code, message}}` (the
 * contract's shape, also what @tc-embed/node's handlers answer): its code and message, for the error shown.
 */
function endpointError(result: unknown): string | undefined {
  if (typeof result !== 'object' || result === null || !('error' in result)) return undefined;
  const error = (result as { error: unknown }).error;
  if (typeof error === 'string') return clip(error);
  if (typeof error !== 'object' || error === null) return 'an error without a message.';
  const { code, message } = error as { code?: unknown; message?: unknown };
  const parts = [code, message].filter((part): part is string => typeof part === 'string' && part.length > 0);
  return parts.length > 0 ? clip(parts.join(': ')) : 'an error without a message.';
}

/** The endpoint's text goes into the element's message and tc-error: bounded. */
function clip(text: string): string {
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}
