import { TcEmbedError, type TcEmbedErrorDetail } from './errors.ts';
import {
  DEFAULT_MAX_RETRIES,
  MAX_HONOURED_RETRY_AFTER_MS,
  isRetryableStatus,
  parseRetryAfterMs,
  retryDelayMs,
} from './retry-policy.ts';
import { assertServerRuntime } from './runtime-guard.ts';
import { SDK_VERSION } from './version.ts';

/** Roles a token may carry. The server decides; "explorer" is the one it supports today. */
export type EmbedRole = 'explorer' | (string & {});

/** A token attribute's value, as registered under Settings › Embed & access › Token attributes. */
export type TokenAttributeValue = string | number | boolean | string[];

/** A lifetime from 1 minute to 24 hours: `"15m"`, `"1h"`, `"900s"`, or a number of seconds. */
export type TokenLifetime = `${number}${'s' | 'm' | 'h' | 'd'}` | number;

export interface TcEmbedClientOptions {
  /** Base URL of your tc-embed server, e.g. `https://analytics.example.com`. */
  serverUrl: string | URL;
  /** An API key from Account settings › API keys (or `tc-embed api-keys create`). Keep it in server config. */
  apiKey: string;
  /**
   * Deadline of one generateToken call, retries and waits included. Default 10 000 ms. An attempt with retries
   * left may use half of what remains, so one that hangs is retried within the deadline.
   */
  timeoutMs?: number;
  /** Extra attempts after a network error or a 503. Default 2; 0 disables retries. 4xx answers are never retried. */
  maxRetries?: number;
  /** The fetch to use (a proxy agent, a test double); the global fetch by default. */
  fetch?: typeof globalThis.fetch;
}

export interface GenerateTokenOptions {
  /** Your app's stable id for the user; it becomes the token's subject and appears in the audit log. */
  distinctId: string;
  /** Default "explorer". */
  role?: EmbedRole;
  /** Registered token attributes, used by row-level security. Default `{}` (no attributes). */
  attributes?: Record<string, TokenAttributeValue>;
  /** Token lifetime; the server's default is one hour. */
  expiresIn?: TokenLifetime;
  /** Cancels the call (and its retries). */
  signal?: AbortSignal;
}

export interface GeneratedToken {
  /** The embed token (compact JWE) for `auth-token` or the elements' `fetchToken`. */
  token: string;
  /** The lifetime as the server normalised it, e.g. `"1h"`. */
  expiresIn: string;
  /**
   * When the token expires, by the server's clock. A Date for arithmetic on your server; `JSON.stringify` turns it
   * into the ISO 8601 string the browser sees.
   */
  expiresAt: Date;
}

export interface TcEmbedClient {
  /** The normalised server URL (no trailing slash). */
  readonly serverUrl: string;
  /** Mints a token for one of your users: `POST /embed/generate-token` with your API key. */
  generateToken(options: GenerateTokenOptions): Promise<GeneratedToken>;
}

const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * A client for your backend that mints tc-embed tokens. Refuses to run in a browser: the API key must stay on
 * your server.
 *
 * @example
 * import { createTcEmbedClient } from '@tc-embed/node';
 *
 * const tc = createTcEmbedClient({ serverUrl: process.env.TC_EMBED_URL!, apiKey: process.env.TC_EMBED_API_KEY! });
 * const { token, expiresAt } = await tc.generateToken({ distinctId: user.id, attributes: { region: user.region } });
 */
export function createTcEmbedClient(options: TcEmbedClientOptions): TcEmbedClient {
  assertServerRuntime();
  const serverUrl = normalizeServerUrl(options?.serverUrl);
  const apiKey = normalizeApiKey(options.apiKey);
  const timeoutMs = positiveInteger('timeoutMs', options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const maxRetries = nonNegativeInteger('maxRetries', options.maxRetries ?? DEFAULT_MAX_RETRIES);
  const fetchImpl = options.fetch ?? globalThis.fetch;
  if (typeof fetchImpl !== 'function') {
    throw new TcEmbedError('invalid_configuration', 'No fetch is available: run on Node.js 20 or later, or pass options.fetch.');
  }
  const endpoint = `${serverUrl}/embed/generate-token`;

  return {
    serverUrl,
    async generateToken(request) {
      const body = JSON.stringify(requestBody(request));
      const deadline = AbortSignal.timeout(timeoutMs);
      const signal = request?.signal ? AbortSignal.any([request.signal, deadline]) : deadline;
      const stoppedError = () =>
        request?.signal?.aborted
          ? new TcEmbedError('aborted', 'generateToken was aborted by its signal.', { cause: request.signal.reason })
          : new TcEmbedError('timeout', `tc-embed did not answer within ${timeoutMs} ms (${endpoint}).`);
      const startedAt = Date.now();

      for (let attempt = 0; ; attempt++) {
        let failure: TcEmbedError;
        let retryAfterMs: number | undefined;
        // An attempt with retries left gets half the time that remains: a hung connection then still leaves room
        // for a fresh one instead of using up the whole deadline. The last attempt gets all of it.
        const attemptMs = attempt < maxRetries ? Math.max(1, Math.floor((timeoutMs - (Date.now() - startedAt)) / 2)) : undefined;
        const attemptSignal = attemptMs === undefined ? signal : AbortSignal.any([signal, AbortSignal.timeout(attemptMs)]);
        try {
          const response = await fetchImpl(endpoint, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              accept: 'application/json',
              'x-api-key': apiKey,
              'user-agent': `tc-embed-node/${SDK_VERSION}`,
            },
            body,
            signal: attemptSignal,
            // Never follow: a redirect would carry the API key to wherever it points.
            redirect: 'manual',
          });
          const text = await response.text();
          if (response.ok) return readGeneratedToken(text, response.status);
          if (response.status >= 300 && response.status < 400) throw redirected(response);
          retryAfterMs = parseRetryAfterMs(response.headers.get('retry-after'));
          failure = readErrorAnswer(text, response.status, retryAfterMs);
          if (!isRetryableStatus(response.status)) throw failure;
        } catch (error) {
          if (error instanceof TcEmbedError) throw error;
          if (signal.aborted) throw stoppedError();
          failure = attemptSignal.aborted
            ? new TcEmbedError('timeout', `tc-embed did not answer attempt ${attempt + 1} within ${attemptMs} ms (${endpoint}).`, { cause: error })
            : new TcEmbedError('network_error', `Could not reach tc-embed at ${endpoint}: ${describeNetworkError(error)}.`, { cause: error });
        }

        if (attempt >= maxRetries) throw failure;
        if (retryAfterMs !== undefined && retryAfterMs > MAX_HONOURED_RETRY_AFTER_MS) throw failure;
        // After an attempt that hung, the wait is already behind: a fresh attempt goes at once.
        const delay = attemptSignal.aborted ? 0 : retryDelayMs(attempt + 1, retryAfterMs);
        // A wait that would outlast the deadline cannot end in an answer: give the caller the real failure now.
        if (Date.now() - startedAt + delay >= timeoutMs) throw failure;
        try {
          await sleep(delay, signal);
        } catch {
          throw stoppedError();
        }
      }
    },
  };
}

function requestBody(request: GenerateTokenOptions): Record<string, unknown> {
  if (typeof request !== 'object' || request === null) {
    throw new TcEmbedError('invalid_configuration', 'generateToken takes an object: { distinctId, role?, attributes?, expiresIn? }.');
  }
  const { distinctId, role = 'explorer', attributes = {}, expiresIn } = request;
  // The server validates every field (and names it when refusing); the SDK only fills the seed's defaults.
  return { user: { distinctId, role, attributes }, ...(expiresIn === undefined ? {} : { expiresIn }) };
}

function readGeneratedToken(text: string, status: number): GeneratedToken {
  const answer = parseJson(text) as { token?: unknown; expiresIn?: unknown; expiresAt?: unknown } | undefined;
  if (typeof answer?.token !== 'string' || typeof answer.expiresIn !== 'string') {
    throw new TcEmbedError('invalid_response', 'tc-embed answered without a token; is serverUrl the tc-embed server?', { status });
  }
  const expiresAt = typeof answer.expiresAt === 'string' ? new Date(answer.expiresAt) : new Date(Number.NaN);
  if (Number.isNaN(expiresAt.getTime())) {
    throw new TcEmbedError('invalid_response', 'tc-embed answered without a valid expiresAt; upgrade the tc-embed server.', { status });
  }
  return { token: answer.token, expiresIn: answer.expiresIn, expiresAt };
}

/** The contract's `{"error": {code, message, details?}}`, or a stand-in for a proxy's non-JSON answer. */
function readErrorAnswer(text: string, status: number, retryAfterMs: number | undefined): TcEmbedError {
  const retryAfter = retryAfterMs === undefined ? undefined : Math.ceil(retryAfterMs / 1000);
  const init = { status, ...(retryAfter === undefined ? {} : { retryAfter }) };
  const error = (parseJson(text) as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)?.error;
  if (typeof error?.code === 'string' && typeof error.message === 'string') {
    const details = Array.isArray(error.details) ? (error.details as TcEmbedErrorDetail[]) : undefined;
    return new TcEmbedError(error.code, error.message, { ...init, ...(details ? { details } : {}) });
  }
  if (status === 429) return new TcEmbedError('rate_limited', 'Too many token requests; retry later.', init);
  if (status === 502 || status === 503 || status === 504) {
    return new TcEmbedError('service_unavailable', `tc-embed is unavailable (HTTP ${status} from a proxy); retry shortly.`, init);
  }
  return new TcEmbedError('invalid_response', `tc-embed answered HTTP ${status} without an error body; is serverUrl the tc-embed server?`, init);
}

function redirected(response: Response): TcEmbedError {
  const location = response.headers.get('location') ?? 'elsewhere';
  return new TcEmbedError(
    'invalid_configuration',
    `tc-embed answered HTTP ${response.status} pointing to ${location}; set serverUrl to the server's final URL (the SDK never follows redirects with your API key).`,
    { status: response.status },
  );
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } })?.cause;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message;
  return error instanceof Error ? error.message : String(error);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function normalizeServerUrl(value: unknown): string {
  const hint = 'serverUrl must be the http(s) base URL of your tc-embed server, e.g. "https://analytics.example.com".';
  if (typeof value !== 'string' && !(value instanceof URL)) throw new TcEmbedError('invalid_configuration', `serverUrl is required: ${hint}`);
  let url: URL;
  try {
    url = new URL(String(value));
  } catch {
    throw new TcEmbedError('invalid_configuration', hint);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.search || url.hash || url.username || url.password) {
    throw new TcEmbedError('invalid_configuration', `${hint} No query, fragment or credentials.`);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

function normalizeApiKey(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new TcEmbedError(
      'invalid_configuration',
      'apiKey is required: pass your tc-embed API key from server configuration, e.g. process.env.TC_EMBED_API_KEY.',
    );
  }
  const key = value.trim();
  if (/\s/.test(key)) throw new TcEmbedError('invalid_configuration', 'apiKey contains whitespace; copy the whole key, and only the key.');
  return key;
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0) throw new TcEmbedError('invalid_configuration', `${name} must be a whole number of milliseconds above 0.`);
  return value;
}

function nonNegativeInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) throw new TcEmbedError('invalid_configuration', `${name} must be a whole number, 0 or more.`);
  return value;
}
