import type { EmbedRole, TcEmbedClient, TokenAttributeValue, TokenLifetime } from './client.ts';
import { TcEmbedError } from './errors.ts';

/** Who the browser's token is for: your signed-in user, as your app knows them. */
export interface TokenUser {
  distinctId: string;
  role?: EmbedRole;
  attributes?: Record<string, TokenAttributeValue>;
  expiresIn?: TokenLifetime;
}

/**
 * Your app's answer to "who is asking?": the signed-in user for this request, or null/undefined when nobody is
 * signed in (the browser gets 401). Throwing is treated as a server error (500, reported to `onError`).
 */
export type ResolveTokenUser<Req> = (request: Req) => TokenUser | null | undefined | Promise<TokenUser | null | undefined>;

export interface TokenHandlerOptions<Req> {
  /** Failures worth a log line (the browser only sees the code and message). Default: one console.error line. */
  onError?: (error: unknown, request: Req) => void;
}

/**
 * The client, or a function that creates it on the first request. A factory keeps a missing or wrong
 * `TC_EMBED_API_KEY` from failing at import: `next build` loads route modules without the runtime's secrets.
 */
export type TcEmbedClientSource = TcEmbedClient | (() => TcEmbedClient);

/** Resolves a client source once: a factory runs until it succeeds, then its client is reused. */
export function clientResolver(source: TcEmbedClientSource): () => TcEmbedClient {
  if (typeof source !== 'function') return () => source;
  let client: TcEmbedClient | undefined;
  return () => (client ??= source());
}

/** An HTTP answer independent of the server framework; the node and fetch adapters write it out. */
export interface TokenAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const BASE_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  // A token is a credential for one user: no browser, proxy or CDN may keep it.
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
} as const;

function answer(status: number, body: unknown, extraHeaders: Record<string, string> = {}): TokenAnswer {
  return { status, headers: { ...BASE_HEADERS, ...extraHeaders }, body: JSON.stringify(body) };
}

function errorAnswer(status: number, code: string, message: string, retryAfter?: number): TokenAnswer {
  return answer(status, { error: { code, message } }, retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) });
}

const logToConsole = (error: unknown): void => {
  const described = error instanceof TcEmbedError ? `${error.code}: ${error.message}` : error instanceof Error ? error.message : String(error);
  console.error(`[tc-embed] token handler failed: ${described}`);
};

/**
 * Mints a token for the request's signed-in user and says how to answer the browser. Failures become the
 * contract's `{"error": {code, message}}`: 401 when nobody is signed in, 429/503 (with Retry-After) when tc-embed
 * is busy or unreachable, 502 when tc-embed refused the request (a misconfigured key or attribute: see the log).
 */
export async function answerTokenRequest<Req>(
  getClient: () => TcEmbedClient,
  resolveUser: ResolveTokenUser<Req>,
  options: TokenHandlerOptions<Req>,
  request: Req,
): Promise<TokenAnswer> {
  const report = options.onError ?? logToConsole;
  let user: TokenUser | null | undefined;
  try {
    user = await resolveUser(request);
  } catch (error) {
    report(error, request);
    return errorAnswer(500, 'internal_error', 'The app could not identify the signed-in user.');
  }
  if (user === null || user === undefined) {
    return errorAnswer(401, 'unauthenticated', 'Sign in first: embedded analytics need a signed-in user.');
  }
  let client: TcEmbedClient;
  try {
    client = getClient();
  } catch (error) {
    report(error, request);
    return errorAnswer(500, 'internal_error', 'The app\'s tc-embed client is not configured (see the server log).');
  }
  try {
    const generated = await client.generateToken(user);
    return answer(200, { token: generated.token, expiresIn: generated.expiresIn, expiresAt: generated.expiresAt.toISOString() });
  } catch (error) {
    report(error, request);
    if (!(error instanceof TcEmbedError)) return errorAnswer(500, 'internal_error', 'The app could not mint an embed token.');
    switch (error.code) {
      case 'rate_limited':
        return errorAnswer(429, error.code, error.message, error.retryAfter);
      case 'service_unavailable':
      case 'network_error':
      case 'timeout':
        return errorAnswer(503, error.code, 'The analytics service is unavailable; retry shortly.', error.retryAfter);
      default:
        return errorAnswer(502, error.code, error.message);
    }
  }
}
