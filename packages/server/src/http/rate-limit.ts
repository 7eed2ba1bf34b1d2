import rateLimit, { type FastifyRateLimitStore, type FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { TcError } from '../errors.ts';
import { connectRateLimitRedis } from '../ratelimit/redis-client.ts';
import { LocalWindowCounters, SharedWindowCounters, type WindowCounters } from '../ratelimit/window-counters.ts';
import type { Services } from '../services.ts';

/** @fastify/rate-limit's store interface over our counters; each route counts under its own key prefix. */
function storeOver(counters: WindowCounters): FastifyRateLimitStoreCtor {
  return class CountersStore implements FastifyRateLimitStore {
    private prefix = '';

    incr(key: string, callback: (error: Error | null, result?: { current: number; ttl: number }) => void, timeWindow: number): void {
      counters.increment(this.prefix + key, timeWindow).then(
        (count) => callback(null, count),
        (error: Error) => callback(error),
      );
    }

    child(options: unknown): FastifyRateLimitStore {
      // The plugin passes the merged limit options: a route's config names the route under `routeInfo`; a limiter
      // made with app.rateLimit() / app.createRateLimit() gets an empty `routeInfo` and names itself in `name`.
      const { routeInfo: route, name } = options as { routeInfo?: { method?: unknown; url?: unknown }; name?: unknown };
      const store = new CountersStore();
      store.prefix = typeof name === 'string' ? `${name}:` : `${String(route?.method ?? '')}:${String(route?.url ?? '')}:`;
      return store;
    }
  };
}

/** Options for `app.rateLimit()` / `app.createRateLimit()` with the `name` their counters are kept under. */
export function namedLimit<T extends object>(name: string, options: T): T {
  return { ...options, name };
}

/**
 * Registers @fastify/rate-limit (routes opt in with `config.rateLimit`, or build a limiter with `app.rateLimit()` /
 * `app.createRateLimit()` and a `name` that keeps its counters apart). With TC_REDIS_URL the counters live in
 * Redis and every instance shares one budget per key; without it, or while Redis does not answer, each instance
 * counts alone (see SharedWindowCounters). `skipOnError` stays false: the counters never fail, they fall back.
 * Returns the counters, for the other per-window budgets (the assistant's questions per user).
 */
export async function registerRateLimit(app: FastifyInstance, services: Services): Promise<WindowCounters> {
  let counters: WindowCounters = new LocalWindowCounters();
  const { redisUrl } = services.config;
  if (redisUrl) {
    const redis = connectRateLimitRedis(redisUrl, (state, error) => {
      if (state === 'available') app.log.info('rate limits: Redis reachable, counters shared by every instance');
      else app.log.warn({ err: error }, 'rate limits: Redis unreachable, each instance counts alone until it returns');
    });
    counters = new SharedWindowCounters(redis, () => services.metrics.recordRateLimitFallback());
    app.addHook('onClose', async () => {
      redis.removeAllListeners('close');
      redis.disconnect();
    });
  }
  await app.register(rateLimit, {
    global: false,
    store: storeOver(counters),
    skipOnError: false,
    errorResponseBuilder: (_request, context) =>
      Object.assign(new TcError('rate_limited', `Too many requests for this API key; retry in ${Math.ceil(context.ttl / 1000)} seconds.`), {
        statusCode: 429,
      }),
  });
  return counters;
}
