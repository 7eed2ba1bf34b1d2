/**
 * When generateToken tries again. Pure functions, so the timing is tested without sleeping.
 *
 * Only failures that say nothing about the request itself are retried: the server was unreachable, or it answered
 * 503 (starting, draining, store briefly down). A 4xx never changes on a second try, and minting twice is harmless
 * (each answer is a fresh token), so retrying a mint that may have reached the server is safe.
 */

/** Retries after the first attempt, unless the caller sets `maxRetries`. */
export const DEFAULT_MAX_RETRIES = 2;
/** The first backoff window; each retry doubles it. */
export const RETRY_BASE_DELAY_MS = 200;
/** No backoff window grows beyond this. */
export const RETRY_MAX_DELAY_MS = 4_000;
/** A Retry-After longer than this is not waited for: the error goes to the caller with `retryAfter` set. */
export const MAX_HONOURED_RETRY_AFTER_MS = 30_000;

/** Statuses worth another attempt: the server is (momentarily) unable, not unwilling. */
export function isRetryableStatus(status: number): boolean {
  return status === 503;
}

/**
 * Milliseconds to wait before retry number `retry` (1 for the first retry). Without a Retry-After, "full jitter":
 * a uniform draw from [0, min(max, base·2^(retry−1))], so many hosts restarting at once do not retry in step.
 * With one, the server's wait plus up to 10 % jitter.
 */
export function retryDelayMs(retry: number, retryAfterMs: number | undefined, random: () => number = Math.random): number {
  if (retryAfterMs !== undefined) return Math.round(retryAfterMs + random() * retryAfterMs * 0.1);
  const window = Math.min(RETRY_MAX_DELAY_MS, RETRY_BASE_DELAY_MS * 2 ** Math.max(0, retry - 1));
  return Math.round(random() * window);
}

/**
 * A Retry-After header in milliseconds: delta-seconds ("5") or an HTTP date. Undefined when absent or unreadable;
 * a date in the past means "now" (0).
 */
export function parseRetryAfterMs(header: string | null | undefined, now: number = Date.now()): number | undefined {
  if (header === null || header === undefined) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  // An HTTP date names its weekday and month; anything else (e.g. "-3", which Date.parse reads as a year) is junk.
  const date = /^[A-Za-z]{3}, /.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
