import type { ReactiveController } from 'lit';
import { currentConfiguration, onConfigure } from '../configure.js';
import type { TcElement } from '../internal/tc-element.js';
import { normalizeServerUrl, type SessionInfo } from './api-client.js';
import { EmbedError } from './embed-error.js';
import { acquireSession, releaseSession } from './session-registry.js';
import { SessionStatus, type FetchToken, type SessionEvent, type TokenSession } from './token-session.js';

/** What the host element knows; page-wide defaults from configure() fill the gaps. */
export interface SessionSettings {
  serverUrl: string | undefined;
  authToken: string | undefined;
  fetchToken: FetchToken | undefined;
}

export interface SessionControllerOptions {
  settings: () => SessionSettings;
  /** Called (after the current update) whenever the host should load its data: first ready, recovery, new user. */
  onReady: () => void;
  /**
   * Also call onReady as soon as the first token's verification is under way (during that update) rather than
   * when it ends: the host's requests then overlap the verification (TokenSession.authorizedFetch still answers
   * only once it succeeded).
   */
  loadDuringVerification?: boolean;
}

/**
 * Connects one element to the page's shared TokenSession: picks the session from the element's settings,
 * mirrors its state for rendering, and fires tc-token-refreshed / tc-token-expired / tc-error on the host.
 * Releases the session when the host leaves the DOM (the session's timers stop with its last user).
 */
export class TokenSessionController implements ReactiveController {
  status: SessionStatus = SessionStatus.idle;
  info: SessionInfo | undefined;
  error: EmbedError | undefined;

  readonly #host: TcElement;
  readonly #options: SessionControllerOptions;
  #session: TokenSession | undefined;
  #identity: FetchToken | string | undefined;
  #offeredToken: string | undefined;
  #unsubscribe: (() => void) | undefined;
  #stopConfigure: (() => void) | undefined;
  #connected = false;
  #reportedError: string | undefined;
  /** onReady already ran for the verification in flight: its 'ready' must not start a second load. */
  #loadedDuringVerification = false;
  /** Missing settings are reported only once the page had its chance to set them (see settingsGrace). */
  #graceOver = false;
  #waitingForSettings = false;

  constructor(host: TcElement, options: SessionControllerOptions) {
    this.#host = host;
    this.#options = options;
    host.addController(this);
  }

  get session(): TokenSession | undefined {
    return this.#session;
  }

  hostConnected(): void {
    this.#connected = true;
    this.#stopConfigure = onConfigure(() => this.#host.requestUpdate());
    // Settle in the next update, so properties a framework sets right after appending are seen together.
    this.#host.requestUpdate();
  }

  hostUpdate(): void {
    this.#sync();
  }

  hostDisconnected(): void {
    this.#connected = false;
    this.#stopConfigure?.();
    this.#detach();
  }

  /** fetch() against the server with the session's token (renewed and retried once on token_expired). */
  fetch(path: string, init?: RequestInit): Promise<Response> {
    if (!this.#session) return Promise.reject(this.error ?? new EmbedError('missing_configuration', 'The element is not connected.'));
    return this.#session.authorizedFetch(path, init);
  }

  /** The user's "Try again". */
  retry(): void {
    if (this.#session) this.#session.retry();
    else this.#host.requestUpdate();
  }

  #sync(): void {
    if (!this.#connected) return;
    const defaults = currentConfiguration();
    const settings = this.#options.settings();
    const fetchToken = settings.fetchToken ?? defaults.fetchToken;
    const token = settings.authToken || undefined;
    const missing = !(settings.serverUrl || defaults.serverUrl) || (!token && !fetchToken);
    if (missing && !this.#graceOver) {
      // The documented page sets fetchToken (or calls configure()) in a script after embed.js, which runs after
      // this first update: wait for it rather than flash an error.
      this.#waitForSettings();
      return;
    }
    let serverUrl: string;
    try {
      serverUrl = normalizeServerUrl(settings.serverUrl || defaults.serverUrl);
      if (!token && !fetchToken) {
        throw new EmbedError('missing_configuration', 'auth-token is required: pass the token your backend minted with POST /embed/generate-token, or set fetchToken.');
      }
    } catch (error) {
      this.#detach();
      this.#showLocalError(error as EmbedError);
      return;
    }
    const identity = fetchToken ?? token;
    if (this.#session && (this.#session.serverUrl !== serverUrl || this.#identity !== identity)) this.#detach();
    if (!this.#session) {
      this.#attach(acquireSession({ serverUrl, fetchToken, token }), identity, token);
      return;
    }
    if (token && token !== this.#offeredToken) {
      // The host handed over a new token for the same callback: the shared session switches to it.
      this.#offeredToken = token;
      void this.#session.useToken(token);
    }
  }

  #waitForSettings(): void {
    if (this.#waitingForSettings) return;
    this.#waitingForSettings = true;
    void settingsGrace().then(() => {
      this.#waitingForSettings = false;
      this.#graceOver = true;
      this.#host.requestUpdate();
    });
  }

  #attach(session: TokenSession, identity: FetchToken | string | undefined, token: string | undefined): void {
    this.#session = session;
    this.#identity = identity;
    this.#offeredToken = token;
    this.#reportedError = undefined;
    this.status = session.status;
    this.info = session.info;
    this.error = session.error;
    this.#unsubscribe = session.subscribe((event) => this.#onSessionEvent(event));
    if (session.status === SessionStatus.ready) queueMicrotask(() => this.#options.onReady());
    else if (session.status === SessionStatus.failed && session.error) this.#later(() => this.#report(session.error!));
    void session.start();
    if (this.#options.loadDuringVerification && session.verifyingFirstToken) {
      // At once, not after this update: the request then leaves before the loading skeleton is rendered.
      this.#loadedDuringVerification = true;
      this.#options.onReady();
    }
  }

  #detach(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    if (this.#session) releaseSession(this.#session);
    this.#session = undefined;
    this.#identity = undefined;
    this.#loadedDuringVerification = false;
    this.status = SessionStatus.idle;
  }

  #onSessionEvent(event: SessionEvent): void {
    const session = this.#session!;
    this.status = session.status;
    this.info = session.info;
    this.error = session.error;
    switch (event.type) {
      case 'ready':
        this.#reportedError = undefined;
        if (this.#loadedDuringVerification) this.#loadedDuringVerification = false;
        else this.#options.onReady();
        break;
      case 'refreshed':
        this.#reportedError = undefined;
        this.#host.emit('tc-token-refreshed', { expiresAt: event.info.expiresAt, expiresIn: event.info.expiresIn, recovered: event.recovered });
        if (event.recovered || event.replaced) this.#options.onReady();
        break;
      case 'expired':
        this.#host.emit('tc-token-expired', { expiresAt: event.expiresAt });
        break;
      case 'error':
        // A failed first verification failed the early load too: a later success (retry) loads again.
        this.#loadedDuringVerification = false;
        this.error = event.error;
        this.#reportedError = undefined;
        this.#report(event.error);
        break;
      case 'status':
        break;
    }
    this.#host.requestUpdate();
  }

  #showLocalError(error: EmbedError): void {
    this.status = SessionStatus.failed;
    this.error = error;
    this.#later(() => this.#report(error));
  }

  /** One tc-error per distinct failure, however many renders show it. */
  #report(error: EmbedError): void {
    const key = `${error.code}:${error.message}`;
    if (this.#reportedError === key) return;
    this.#reportedError = key;
    this.#host.emit('tc-error', error.toDetail());
  }

  #later(task: () => void): void {
    queueMicrotask(task);
  }
}

/** How long after the page's scripts have run an element still waits for its token or server settings. */
export const SETTINGS_GRACE_MS = 50;

/**
 * Resolves once the page's own scripts had their turn: after DOMContentLoaded (every classic and module script
 * in the markup has run by then, including the one after embed.js that sets fetchToken), plus a short grace
 * for code that sets them in a later task (an element created and appended by script, a framework's effect).
 */
function settingsGrace(): Promise<void> {
  const parsed =
    document.readyState === 'loading'
      ? new Promise<void>((resolve) => document.addEventListener('DOMContentLoaded', () => resolve(), { once: true }))
      : Promise.resolve();
  return parsed.then(() => new Promise<void>((resolve) => setTimeout(resolve, SETTINGS_GRACE_MS)));
}
