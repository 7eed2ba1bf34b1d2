import { Redis } from 'ioredis';

export interface RedisStateListener {
  (state: 'available' | 'unavailable', error?: Error): void;
}

// A rate-limit check must never hold a request: fail fast, and let SharedWindowCounters count locally instead.
const COMMAND_TIMEOUT_MS = 250;
const CONNECT_TIMEOUT_MS = 1000;
const MAX_RECONNECT_DELAY_MS = 2000;

/**
 * The Redis connection behind shared rate limits. Commands never queue while disconnected (they fail at once),
 * reconnection retries forever with a capped delay, and `onState` hears each change between reachable and not
 * (once per change, not once per failed attempt).
 */
export function connectRateLimitRedis(url: string, onState: RedisStateListener = () => {}): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: COMMAND_TIMEOUT_MS,
    connectTimeout: CONNECT_TIMEOUT_MS,
    retryStrategy: (attempt) => Math.min(attempt * 200, MAX_RECONNECT_DELAY_MS),
  });
  let available: boolean | undefined;
  redis.on('ready', () => {
    if (available !== true) onState('available');
    available = true;
  });
  // Without an 'error' listener ioredis reports every failed reconnect attempt as an unhandled error event.
  redis.on('error', (error: Error) => {
    if (available !== false) onState('unavailable', error);
    available = false;
  });
  redis.on('close', () => {
    if (available === true) onState('unavailable');
    available = false;
  });
  return redis;
}
