import { expect } from '@open-wc/testing';
import {
  MIN_REFRESH_INTERVAL_MS,
  RETRY_CAP_MS,
  refreshDelayMs,
  retryDelayMs,
} from '../src/session/refresh-timing.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe('refreshDelayMs', () => {
  it('renews a 1-minute token at half its lifetime (about 30 s), never at once', () => {
    expect(refreshDelayMs({ lifetimeMs: MINUTE, remainingMs: MINUTE, random: 0 })).to.equal(30_000);
    const withJitter = refreshDelayMs({ lifetimeMs: MINUTE, remainingMs: MINUTE, random: 0.999 });
    expect(withJitter).to.be.within(30_000, 31_200);
  });

  it('renews a 1-hour token 10 % of its lifetime (6 min) before expiry', () => {
    expect(refreshDelayMs({ lifetimeMs: HOUR, remainingMs: HOUR, random: 0 })).to.equal(HOUR - 6 * MINUTE);
    expect(refreshDelayMs({ lifetimeMs: HOUR, remainingMs: HOUR, random: 0.999 })).to.be.within(HOUR - 6 * MINUTE, HOUR - 6 * MINUTE + 3_000);
  });

  it('keeps at least 60 s of lead for tokens under 10 minutes (5 min token: at 4 min)', () => {
    expect(refreshDelayMs({ lifetimeMs: 5 * MINUTE, remainingMs: 5 * MINUTE, random: 0 })).to.equal(4 * MINUTE);
  });

  it('measures from what is left when the token was already partly used', () => {
    // A 1 h token first seen with 10 min left: lifetime as seen is 10 min, so renew 60 s before expiry.
    expect(refreshDelayMs({ lifetimeMs: 10 * MINUTE, remainingMs: 10 * MINUTE, random: 0 })).to.equal(9 * MINUTE);
  });

  it('never schedules in the past, and never sooner than the floor while time remains', () => {
    expect(refreshDelayMs({ lifetimeMs: HOUR, remainingMs: 0, random: 0 })).to.equal(0);
    expect(refreshDelayMs({ lifetimeMs: HOUR, remainingMs: -5_000, random: 0 })).to.equal(0);
    expect(refreshDelayMs({ lifetimeMs: 4_000, remainingMs: 4_000, random: 0 })).to.equal(4_000);
    expect(refreshDelayMs({ lifetimeMs: HOUR, remainingMs: 30_000, random: 0 })).to.equal(MIN_REFRESH_INTERVAL_MS);
  });
});

describe('retryDelayMs', () => {
  it('doubles from 1 s and caps at 30 s', () => {
    const delays = [0, 1, 2, 3, 4, 5, 6, 10].map((attempt) => retryDelayMs(attempt, 0.5));
    expect(delays).to.deep.equal([1_000, 2_000, 4_000, 8_000, 16_000, RETRY_CAP_MS, RETRY_CAP_MS, RETRY_CAP_MS]);
  });

  it('spreads retries by ±25 %', () => {
    expect(retryDelayMs(2, 0)).to.equal(3_000);
    expect(retryDelayMs(2, 0.999)).to.be.within(4_990, 5_000);
  });
});
