import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  isRetryableStatus,
  parseRetryAfterMs,
  RETRY_BASE_DELAY_MS,
  RETRY_MAX_DELAY_MS,
  retryDelayMs,
} from '../src/retry-policy.ts';

describe('retry policy', () => {
  it('retries 503 only: never a 4xx, never another 5xx answered by tc-embed itself', () => {
    assert.equal(isRetryableStatus(503), true);
    for (const status of [400, 401, 403, 404, 409, 413, 415, 429, 500, 501]) assert.equal(isRetryableStatus(status), false, String(status));
  });

  it('draws full-jitter backoff from a window that doubles and is capped', () => {
    assert.equal(retryDelayMs(1, undefined, () => 0), 0);
    assert.equal(retryDelayMs(1, undefined, () => 1), RETRY_BASE_DELAY_MS);
    assert.equal(retryDelayMs(2, undefined, () => 1), RETRY_BASE_DELAY_MS * 2);
    assert.equal(retryDelayMs(3, undefined, () => 0.5), RETRY_BASE_DELAY_MS * 2);
    assert.equal(retryDelayMs(20, undefined, () => 1), RETRY_MAX_DELAY_MS);
  });

  it('waits the server\'s Retry-After plus at most 10 % jitter', () => {
    assert.equal(retryDelayMs(1, 2000, () => 0), 2000);
    assert.equal(retryDelayMs(1, 2000, () => 1), 2200);
    assert.equal(retryDelayMs(4, 0, () => 1), 0);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    assert.equal(parseRetryAfterMs('5', now), 5000);
    assert.equal(parseRetryAfterMs(' 0 ', now), 0);
    assert.equal(parseRetryAfterMs('Thu, 01 Jan 2026 00:00:30 GMT', now), 30_000);
    assert.equal(parseRetryAfterMs('Wed, 31 Dec 2025 23:59:00 GMT', now), 0);
    assert.equal(parseRetryAfterMs(null, now), undefined);
    assert.equal(parseRetryAfterMs('soon', now), undefined);
    assert.equal(parseRetryAfterMs('-3', now), undefined);
  });
});
