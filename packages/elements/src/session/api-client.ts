import { EmbedError, type EmbedErrorCode } from './embed-error.js';

/** What `POST /embed/session` answers (contract §4). */
export interface SessionInfo {
  org: { id: string; name: string };
  user: { distinctId: string; role: string; permissions: string[] };
  expiresAt: string;
  /** Seconds left by the server's clock: the only time the refresh schedule trusts. */
  expiresIn: number;
  serverTime: string;
  authorizedOrigins: string[];
}

export const AUTHORIZED_ORIGINS_HELP = 'Settings › Embed & access › Authorized origins';

/** `server-url` as an origin-rooted base without a trailing slash, or an error naming the attribute. */
export function normalizeServerUrl(serverUrl: string | undefined): string {
  if (!serverUrl) {
    throw new EmbedError('missing_configuration', 'server-url is required: set it to your tc-embed server, e.g. server-url="https://analytics.example.com".');
  }
  let url: URL;
  try {
    url = new URL(serverUrl);
  } catch {
    throw new EmbedError('missing_configuration', `server-url "${serverUrl}" is not an absolute URL; use e.g. "https://analytics.example.com".`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new EmbedError('missing_configuration', `server-url must be an http(s) URL, got "${serverUrl}".`);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

export function originNotAuthorized(origin: string): EmbedError {
  return new EmbedError(
    'origin_not_authorized',
    `This page's origin ${origin} is not authorized to embed this content; add it under ${AUTHORIZED_ORIGINS_HELP}.`,
  );
}

/**
 * fetch() against the tc-embed server. Any non-2xx answer becomes an EmbedError with the server's code and
 * message; a network-level failure is told apart: if `/embed/health` (CORS `*`) answers, the server is up and
 * refused this origin in CORS, else it is unreachable.
 */
export async function serverFetch(serverUrl: string, path: string, init: RequestInit = {}): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(`${serverUrl}${path}`, { credentials: 'omit', cache: 'no-store', ...init });
  } catch (error) {
    if (init.signal?.aborted) throw error;
    throw await diagnoseNetworkFailure(serverUrl, init.signal ?? undefined);
  }
  if (!response.ok) throw await errorFromResponse(response);
  return response;
}

export async function readJson<T>(response: Response): Promise<T> {
  try {
    return (await response.json()) as T;
  } catch {
    throw new EmbedError('invalid_response', `The tc-embed server answered ${response.url} with something that is not JSON.`, response.status);
  }
}

async function errorFromResponse(response: Response): Promise<EmbedError> {
  let body: { error?: { code?: unknown; message?: unknown } } | undefined;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  const code = typeof body?.error?.code === 'string' ? (body.error.code as EmbedErrorCode) : undefined;
  const message = typeof body?.error?.message === 'string' ? body.error.message : undefined;
  if (code && message) return new EmbedError(code, message, response.status);
  return new EmbedError(
    response.status >= 500 ? 'service_unavailable' : 'invalid_response',
    `The tc-embed server answered ${response.status} ${response.statusText} for ${new URL(response.url || 'about:blank').pathname}; check server-url.`,
    response.status,
  );
}

async function diagnoseNetworkFailure(serverUrl: string, signal?: AbortSignal): Promise<EmbedError> {
  try {
    const probe = await fetch(`${serverUrl}/embed/health`, { credentials: 'omit', cache: 'no-store', ...(signal ? { signal } : {}) });
    if (probe.ok) return originNotAuthorized(location.origin);
  } catch {
    // Unreachable as well: fall through.
  }
  return new EmbedError(
    'server_unreachable',
    `Cannot reach the tc-embed server at ${serverUrl}; check the server-url attribute and that the server is running.`,
  );
}
