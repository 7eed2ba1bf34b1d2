import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REDIS_URL, redisAvailability } from '../packages/server/test/helpers/redis.ts';
import { createScratchDatabase, postgresAvailability } from './helpers/postgres.ts';
import { startServerProcess, type ServerProcess } from './helpers/server-process.ts';

const LIMIT = 5;
const postgres = await postgresAvailability();
const redis = await redisAvailability();
const skip = !postgres.available ? postgres.reason : !redis.available ? redis.reason : false;

async function waitForOutput(server: ServerProcess, text: string, limitMs = 5000): Promise<void> {
  const started = Date.now();
  while (!server.output().includes(text)) {
    if (Date.now() - started > limitMs) throw new Error(`"${text}" not printed within ${limitMs} ms:\n${server.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('two instances sharing Redis', { skip }, () => {
  let database: Awaited<ReturnType<typeof createScratchDatabase>>;
  let a: ServerProcess;
  let b: ServerProcess;
  let apiKey: string;

  const mint = (server: ServerProcess) =>
    fetch(`${server.url}/embed/generate-token`, {
      method: 'POST',
      headers: { 'x-api-key': apiKey, 'content-type': 'application/json' },
      body: JSON.stringify({ user: { distinctId: 'user-123', role: 'explorer', attributes: {} } }),
    });

  before(async () => {
    database = await createScratchDatabase();
    const shared = {
      DATABASE_URL: database.url,
      TC_REDIS_URL: REDIS_URL,
      TC_RATE_LIMIT_PER_MINUTE: String(LIMIT),
      TC_MASTER_KEY: randomBytes(32).toString('base64'),
      TC_SECRET_KEYS: `v1:${randomBytes(32).toString('base64')}`,
      TC_ADMIN_PASSWORD: 'shared-rate-limit-password',
      TC_PUBLIC_URL: 'http://analytics.test',
    };
    a = await startServerProcess(shared);
    b = await startServerProcess(shared);
    // Until an instance's Redis connection is ready it counts alone, by design.
    await Promise.all([waitForOutput(a, 'Redis reachable'), waitForOutput(b, 'Redis reachable')]);
    apiKey = readFileSync(join(a.dataDir, 'demo-api-key'), 'utf8').trim();
  });

  after(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await database?.drop();
  });

  it(`share one per-key budget: ${LIMIT} per minute, 3 requests on A and 3 on B, the 6th is refused`, async () => {
    for (let i = 0; i < 3; i++) assert.equal((await mint(a)).status, 200, `request ${i + 1} on A`);
    for (let i = 0; i < 2; i++) assert.equal((await mint(b)).status, 200, `request ${i + 4} on B`);
    const sixth = await mint(b);
    assert.equal(sixth.status, 429);
    assert.ok(Number(sixth.headers.get('retry-after')) > 0, 'Retry-After names the seconds left in the window');
    const body = (await sixth.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'rate_limited');
    assert.equal((await mint(a)).status, 429, 'A sees the same spent budget');
  });
});
