import type { Redis } from 'ioredis';

/** One key's count in the current window and the milliseconds until that window ends. */
export interface WindowCount {
  current: number;
  ttl: number;
}

export interface WindowCounters {
  increment(key: string, windowMs: number): Promise<WindowCount>;
  /** Forgets a key's count (a successful sign-in clears its failures). */
  reset(key: string): Promise<void>;
}

const MAX_LOCAL_KEYS = 10_000;

/** Fixed-window counters in this process's memory, bounded (the oldest key goes first). */
export class LocalWindowCounters implements WindowCounters {
  private readonly windows = new Map<string, { count: number; endsAt: number }>();

  async increment(key: string, windowMs: number, now = Date.now()): Promise<WindowCount> {
    let window = this.windows.get(key);
    if (!window || window.endsAt <= now) {
      this.windows.delete(key);
      if (this.windows.size >= MAX_LOCAL_KEYS) this.windows.delete(this.windows.keys().next().value!);
      window = { count: 0, endsAt: now + windowMs };
      this.windows.set(key, window);
    }
    window.count++;
    return { current: window.count, ttl: window.endsAt - now };
  }

  async reset(key: string): Promise<void> {
    this.windows.delete(key);
  }
}

// INCR and set the window's expiry on the first hit, atomically; a key that somehow lost its expiry gets one back.
const INCREMENT_SCRIPT = `
local current = redis.call('INCR', KEYS[1])
if current == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {current, ttl}
`;

// After Redis failed to answer, stay on local counters this long before asking it again, so an unresponsive
// Redis costs one command timeout per period rather than one per request.
const REDIS_RETRY_AFTER_MS = 2000;
const KEY_PREFIX = 'tc-embed:rate-limit:';

/**
 * Fixed-window counters shared by every instance through Redis. While Redis is unreachable or slow, each
 * instance counts on its own (the same per-key budget, per instance): rate limiting degrades to what a single
 * instance enforces, never to no limit and never to refusing every request.
 */
export class SharedWindowCounters implements WindowCounters {
  private readonly local = new LocalWindowCounters();
  private redisSkippedUntil = 0;

  constructor(
    private readonly redis: Redis,
    /** Told each time a decision falls back to local counters (metrics). */
    private readonly onFallback: () => void = () => {},
  ) {}

  async increment(key: string, windowMs: number): Promise<WindowCount> {
    if (this.redis.status === 'ready' && Date.now() >= this.redisSkippedUntil) {
      try {
        const [current, ttl] = (await this.redis.eval(INCREMENT_SCRIPT, 1, KEY_PREFIX + key, windowMs)) as [number, number];
        return { current, ttl };
      } catch {
        this.redisSkippedUntil = Date.now() + REDIS_RETRY_AFTER_MS;
      }
    }
    this.onFallback();
    return this.local.increment(key, windowMs);
  }

  async reset(key: string): Promise<void> {
    // Counted locally while Redis was away, perhaps: clear both.
    await this.local.reset(key);
    if (this.redis.status === 'ready' && Date.now() >= this.redisSkippedUntil) {
      try {
        await this.redis.del(KEY_PREFIX + key);
      } catch {
        this.redisSkippedUntil = Date.now() + REDIS_RETRY_AFTER_MS;
      }
    }
  }
}
