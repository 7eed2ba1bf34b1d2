/** One failed admin API call, in the contract's error shape: `{"error": {code, message, details?}}`. */
export class ApiError extends Error {
  override name = 'ApiError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: { field?: string; message: string }[] = [],
  ) {
    super(message);
  }

  /**
   * The message for one input, when the server named that field. With one problem the top-level message is the
   * full sentence; with several, each detail carries its own.
   */
  forField(field: string): string | undefined {
    const detail = this.details.find((entry) => entry.field === field);
    if (!detail) return undefined;
    return this.details.length > 1 ? detail.message : this.message;
  }
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

const SAFE_METHODS = new Set<Method>(['GET']);

/**
 * The console's only way to read or change anything: the admin HTTP API under /api, with the session cookie
 * (sent by the browser) and, on writes, the CSRF token from the sign-in response.
 */
export class ApiClient {
  private csrfToken: string | undefined;
  private readonly signedOutListeners = new Set<() => void>();

  setCsrfToken(token: string | undefined): void {
    this.csrfToken = token;
  }

  /** Called when a call answers 401 `unauthenticated`: the session ended, show the sign-in form. */
  onSignedOut(listener: () => void): () => void {
    this.signedOutListeners.add(listener);
    return () => this.signedOutListeners.delete(listener);
  }

  get<T>(path: string, query?: Record<string, string | undefined>): Promise<T> {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(query ?? {})) if (value !== undefined && value !== '') search.set(key, value);
    const suffix = search.size ? `?${search.toString()}` : '';
    return this.request<T>('GET', `${path}${suffix}`);
  }

  post<T>(path: string, body: unknown = {}): Promise<T> {
    return this.request<T>('POST', path, body);
  }

  put<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PUT', path, body);
  }

  patch<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PATCH', path, body);
  }

  delete<T>(path: string): Promise<T> {
    return this.request<T>('DELETE', path);
  }

  async request<T>(method: Method, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (!SAFE_METHODS.has(method) && this.csrfToken) headers['x-csrf-token'] = this.csrfToken;
    let response: Response;
    try {
      response = await fetch(path, {
        method,
        headers,
        credentials: 'same-origin',
        cache: 'no-store',
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    } catch {
      throw new ApiError(0, 'network_error', 'The tc-embed server could not be reached. Check that it is running, then try again.');
    }
    const payload = await response.json().catch(() => undefined);
    if (response.ok) return payload as T;
    const error = (payload as { error?: { code?: string; message?: string; details?: ApiError['details'] } } | undefined)?.error;
    const apiError = new ApiError(
      response.status,
      error?.code ?? 'http_error',
      error?.message ?? `The server answered ${response.status} ${response.statusText}.`,
      error?.details ?? [],
    );
    if (apiError.code === 'unauthenticated' && !path.startsWith('/api/auth/login')) {
      for (const listener of this.signedOutListeners) listener();
    }
    throw apiError;
  }
}

export const api = new ApiClient();

/** A readable message for anything a call can throw. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
