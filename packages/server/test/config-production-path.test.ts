import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../src/config.ts';

const base = () => ({
  TC_DATA_DIR: mkdtempSync(join(tmpdir(), 'tc-embed-config-')),
  TC_MASTER_KEY: randomBytes(32).toString('base64'),
  TC_SECRET_KEYS: `v1:${randomBytes(32).toString('base64')}`,
});

function refusal(env: Record<string, string>): string {
  try {
    loadConfig({ ...base(), ...env });
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    assert.doesNotMatch(error.message, /\n/, 'one line');
    return error.message;
  }
  assert.fail(`accepted ${JSON.stringify(env)}`);
}

describe('configuration of the production path', () => {
  it('has safe defaults: no Redis, loopback-only metrics, shedding past one second of event-loop delay', () => {
    const config = loadConfig(base());
    assert.equal(config.redisUrl, undefined);
    assert.equal(config.metricsToken, undefined);
    assert.deepEqual(config.loadShedding, { maxEventLoopDelayMs: 1000, maxEventLoopUtilization: 0, maxHeapUsedBytes: 0, maxRssBytes: 0 });
  });

  it('reads TC_REDIS_URL (redis:// or rediss://)', () => {
    assert.equal(loadConfig({ ...base(), TC_REDIS_URL: 'redis://127.0.0.1:6379/2' }).redisUrl, 'redis://127.0.0.1:6379/2');
    assert.equal(loadConfig({ ...base(), TC_REDIS_URL: 'rediss://cache.internal:6380' }).redisUrl, 'rediss://cache.internal:6380');
    assert.match(refusal({ TC_REDIS_URL: 'http://127.0.0.1:6379' }), /^TC_REDIS_URL must start with redis:\/\//);
    assert.match(refusal({ TC_REDIS_URL: '127.0.0.1:6379' }), /^TC_REDIS_URL must/);
    assert.match(refusal({ TC_REDIS_URL: 'not a url' }), /^TC_REDIS_URL must be a URL/);
  });

  it('reads TC_METRICS_TOKEN and refuses a weak one', () => {
    assert.equal(loadConfig({ ...base(), TC_METRICS_TOKEN: 'a'.repeat(32) }).metricsToken, 'a'.repeat(32));
    assert.match(refusal({ TC_METRICS_TOKEN: 'short' }), /^TC_METRICS_TOKEN must be at least 16 characters/);
    assert.match(refusal({ TC_METRICS_TOKEN: 'has a space in it somewhere' }), /^TC_METRICS_TOKEN/);
  });

  it('reads the load-shedding thresholds (MiB for memory, 0 turns one off)', () => {
    const config = loadConfig({
      ...base(),
      TC_MAX_EVENT_LOOP_DELAY_MS: '0',
      TC_MAX_EVENT_LOOP_UTILIZATION: '0.95',
      TC_MAX_HEAP_USED_MB: '512',
      TC_MAX_RSS_MB: '1024',
    });
    assert.deepEqual(config.loadShedding, {
      maxEventLoopDelayMs: 0,
      maxEventLoopUtilization: 0.95,
      maxHeapUsedBytes: 512 * 1024 * 1024,
      maxRssBytes: 1024 * 1024 * 1024,
    });
    assert.match(refusal({ TC_MAX_EVENT_LOOP_DELAY_MS: '-1' }), /^TC_MAX_EVENT_LOOP_DELAY_MS must be a number ≥ 0/);
    assert.match(refusal({ TC_MAX_EVENT_LOOP_UTILIZATION: '1.5' }), /^TC_MAX_EVENT_LOOP_UTILIZATION must be a number from 0 to 1/);
    assert.match(refusal({ TC_MAX_HEAP_USED_MB: 'lots' }), /^TC_MAX_HEAP_USED_MB must be/);
    assert.match(refusal({ TC_MAX_RSS_MB: 'Infinity' }), /^TC_MAX_RSS_MB must be/);
  });
});
