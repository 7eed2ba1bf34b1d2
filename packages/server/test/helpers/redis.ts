import { Redis } from 'ioredis';

export const REDIS_URL = process.env.TC_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const inCi = process.env.CI === 'true' || process.env.CI === '1';

/**
 * Whether tests that need Redis can run. In CI a missing Redis is a failure (thrown); on a developer machine the
 * caller skips with the returned message.
 */
export async function redisAvailability(): Promise<{ available: true } | { available: false; reason: string }> {
  const client = new Redis(REDIS_URL, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.ping();
    return { available: true };
  } catch (error) {
    const reason = `Redis is not reachable at ${new URL(REDIS_URL).host} (${(error as Error).message})`;
    if (inCi) throw new Error(`${reason}; CI must run the Redis tests (set TC_TEST_REDIS_URL).`);
    return { available: false, reason: `${reason}; skipped on this machine, CI runs it.` };
  } finally {
    client.disconnect();
  }
}
