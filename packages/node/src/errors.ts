/**
 * Codes the tc-embed server answers with (contract §5), plus the ones this SDK raises itself before or instead of
 * an answer. The `string & {}` member keeps editors completing the known codes while accepting codes a newer
 * server may add.
 */
export type TcEmbedErrorCode =
  // Answered by the server.
  | 'invalid_request'
  | 'unsupported_role'
  | 'missing_api_key'
  | 'invalid_api_key'
  | 'invalid_token'
  | 'token_expired'
  | 'origin_not_authorized'
  | 'forbidden'
  | 'not_found'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'internal_error'
  | 'service_unavailable'
  // Raised by the SDK.
  /** Options passed to createTcEmbedClient or generateToken are unusable (no request was sent). */
  | 'invalid_configuration'
  /** The client was created where browser globals exist: the API key must stay on a server. */
  | 'browser_not_supported'
  /** The server could not be reached (DNS, refused or reset connection) on every attempt. */
  | 'network_error'
  /** No answer within `timeoutMs`, retries included. */
  | 'timeout'
  /** The caller's AbortSignal fired. */
  | 'aborted'
  /** The server (or a proxy in front of it) answered something that is not tc-embed's JSON. */
  | 'invalid_response'
  | (string & {});

export interface TcEmbedErrorDetail {
  field?: string;
  message: string;
}

export interface TcEmbedErrorInit {
  /** HTTP status of the server's answer; undefined when none arrived. */
  status?: number;
  details?: TcEmbedErrorDetail[];
  /** Seconds the server asked us to wait (`Retry-After`), on 429 and 503. */
  retryAfter?: number;
  cause?: unknown;
}

/**
 * Every failure of the SDK: a stable `code` to branch on, the server's `message` (it names the field or the fix),
 * and the HTTP `status` when the server answered.
 *
 * @example
 * try {
 *   await tc.generateToken({ distinctId: user.id });
 * } catch (error) {
 *   if (error instanceof TcEmbedError && error.code === 'rate_limited') retryLater(error.retryAfter);
 *   else throw error;
 * }
 */
export class TcEmbedError extends Error {
  readonly code: TcEmbedErrorCode;
  readonly status: number | undefined;
  readonly details: TcEmbedErrorDetail[] | undefined;
  readonly retryAfter: number | undefined;

  constructor(code: TcEmbedErrorCode, message: string, init: TcEmbedErrorInit = {}) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'TcEmbedError';
    this.code = code;
    this.status = init.status;
    this.details = init.details;
    this.retryAfter = init.retryAfter;
  }

  /** The contract's error shape, for answering a browser (never includes `cause`). */
  toJSON(): { error: { code: TcEmbedErrorCode; message: string; details?: TcEmbedErrorDetail[] } } {
    return { error: { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) } };
  }
}

export function isTcEmbedError(value: unknown): value is TcEmbedError {
  return value instanceof TcEmbedError;
}
