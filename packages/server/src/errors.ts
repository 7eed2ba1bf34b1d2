/**
 * Every error code the HTTP API and the CLI can answer with, its status, and the one class that carries it.
 * The error handler in app.ts renders any TcError as `{"error": {code, message, details?}}` (contract §5).
 */

export const ERROR_STATUS = {
  invalid_request: 400,
  unsupported_role: 400,
  missing_api_key: 401,
  invalid_api_key: 401,
  invalid_token: 401,
  token_expired: 401,
  unauthenticated: 401,
  origin_not_authorized: 403,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  /** Node's HTTP parser gave up waiting for the request (see http/client-error.ts). */
  request_timeout: 408,
  conflict: 409,
  payload_too_large: 413,
  /** A path segment is longer than the router accepts (see http/framework-errors.ts). */
  uri_too_long: 414,
  unsupported_media_type: 415,
  /** A data connection's query returned more rows than its maxRows. */
  row_limit_exceeded: 422,
  /** The request headers exceed Node's 16 KB limit (see http/client-error.ts). */
  headers_too_large: 431,
  rate_limited: 429,
  internal_error: 500,
  /** A stored connection secret cannot be decrypted (unknown key version, altered or moved ciphertext). */
  secret_unavailable: 500,
  /** A data connection's database could not be reached, refused us, or failed the query. */
  connection_failed: 502,
  service_unavailable: 503,
  /** A data connection's query ran past its statement timeout. */
  query_timeout: 504,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface ErrorDetail {
  field?: string;
  message: string;
}

export class TcError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: ErrorDetail[] | undefined;

  constructor(code: ErrorCode, message: string, details?: ErrorDetail[]) {
    super(message);
    this.name = 'TcError';
    this.code = code;
    this.status = ERROR_STATUS[code];
    this.details = details;
  }

  toJSON(): { error: { code: ErrorCode; message: string; details?: ErrorDetail[] } } {
    return {
      error: { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) },
    };
  }
}

export const invalidRequest = (field: string, message: string): TcError =>
  new TcError('invalid_request', message, [{ field, message }]);

export const notFound = (what: string): TcError => new TcError('not_found', `${what} was not found.`);

export function isTcError(value: unknown): value is TcError {
  return value instanceof TcError;
}
