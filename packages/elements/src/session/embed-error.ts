/**
 * Error codes the elements report in `tc-error`: the server's (contract §5) and the ones only the browser can tell.
 */
export type EmbedErrorCode =
  | 'invalid_token'
  | 'token_expired'
  | 'origin_not_authorized'
  | 'forbidden'
  | 'not_found'
  | 'invalid_request'
  | 'rate_limited'
  | 'service_unavailable'
  | 'internal_error'
  /** The server did not answer at all: wrong `server-url`, server down, or offline. */
  | 'server_unreachable'
  /** `server-url`, a token, or the dashboard id is missing or malformed. */
  | 'missing_configuration'
  /** The host's `fetchToken` threw, timed out, or returned something that is not a new token. */
  | 'token_refresh_failed'
  /** The token is about to expire and nothing can renew it. */
  | 'missing_fetch_token'
  /** The server answered with something that is not the contract's shape. */
  | 'invalid_response';

/** What `tc-error` carries and what the element shows in its `part="error"` alert. */
export interface EmbedErrorDetail {
  code: EmbedErrorCode;
  message: string;
}

export class EmbedError extends Error {
  override name = 'EmbedError';

  constructor(
    readonly code: EmbedErrorCode,
    message: string,
    /** The HTTP status, when the server answered. */
    readonly status?: number,
  ) {
    super(message);
  }

  toDetail(): EmbedErrorDetail {
    return { code: this.code, message: this.message };
  }
}

/** Errors a new token cannot fix: renewing would only repeat them. */
export function isPermanent(error: EmbedError): boolean {
  return error.code === 'origin_not_authorized' || error.code === 'missing_configuration' || error.code === 'not_found';
}
