/**
 * When to renew an embed token, as pure functions of durations the server reported (`expiresIn`), never of the
 * client's wall clock, which may be wrong by minutes.
 */

/** Renew at least this long before expiry, so a slow host backend still answers in time. */
export const MIN_REFRESH_LEAD_MS = 60_000;
/** …or this fraction of the token's lifetime before expiry, when that is longer (a 1 h token: 6 min before). */
export const REFRESH_LEAD_FRACTION = 0.1;
/** Never renew before half the lifetime has passed: a 1-minute token renews at about 30 s, not at once in a loop. */
export const MAX_LEAD_FRACTION = 0.5;
/** Spreads renewals of many tabs minted at the same moment; small next to the lead. */
export const MAX_JITTER_MS = 3_000;
export const JITTER_FRACTION = 0.02;
/** Floor between two renewals, should a host hand out tokens that are already nearly expired. */
export const MIN_REFRESH_INTERVAL_MS = 10_000;

/** The host's `fetchToken` gets this long before the attempt counts as failed. */
export const FETCH_TOKEN_TIMEOUT_MS = 30_000;
/** Failed renewals are retried after 1 s, 2 s, 4 s … up to 30 s, until the token expires. */
export const RETRY_BASE_MS = 1_000;
export const RETRY_CAP_MS = 30_000;
/** Once expired, a visible page keeps trying this often, so a wall display recovers on its own. */
export const EXPIRED_RETRY_MS = 60_000;

export interface RefreshTimingInput {
  /** The token's lifetime as first seen: `expiresIn` when the session verified it. */
  lifetimeMs: number;
  /** Time left before expiry now, by the server's count. */
  remainingMs: number;
  /** A number in [0, 1); Math.random() by default. */
  random?: number;
}

/** Milliseconds from now until the token should be renewed. */
export function refreshDelayMs({ lifetimeMs, remainingMs, random = Math.random() }: RefreshTimingInput): number {
  if (remainingMs <= 0) return 0;
  const lead = Math.min(Math.max(MIN_REFRESH_LEAD_MS, lifetimeMs * REFRESH_LEAD_FRACTION), lifetimeMs * MAX_LEAD_FRACTION);
  const jitter = random * Math.min(MAX_JITTER_MS, lifetimeMs * JITTER_FRACTION);
  const delay = Math.max(0, remainingMs - lead + jitter);
  return Math.max(delay, Math.min(MIN_REFRESH_INTERVAL_MS, remainingMs));
}

/** Milliseconds before retry number `attempt` (0 for the first retry): capped exponential, ±25 % jitter. */
export function retryDelayMs(attempt: number, random = Math.random()): number {
  const base = Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** Math.max(0, attempt));
  return Math.round(base * (0.75 + 0.5 * random));
}
