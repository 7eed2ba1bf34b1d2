import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REDIS_URL, redisAvailability } from '../packages/server/test/helpers/redis.ts';
import { createScratchDatabase, postgresAvailability } from './helpers/postgres.ts';
import { startServerProcess, type ServerProcess } from './helpers/server-process.ts';

const LIMIT = 5;
const QUESTIONS_PER_MINUTE = 3;
/** Authorized for the demo organization by the first start's seed. */
const DEMO_ORIGIN = 'http://localhost:3000';
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
  let assistantToken: string;

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
      TC_ASSISTANT_QUESTIONS_PER_MINUTE: String(QUESTIONS_PER_MINUTE),
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
    // The assistant's token, minted first: the key's first request of the window (the budget test counts it).
    const minted = await mint(a);
    assert.equal(minted.status, 200);
    assistantToken = ((await minted.json()) as { token: string }).token;
  });

  after(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await database?.drop();
  });

  it(`share one per-key budget: ${LIMIT} per minute, 3 requests on A and 3 on B, the 6th is refused`, async () => {
    for (let i = 1; i < 3; i++) assert.equal((await mint(a)).status, 200, `request ${i + 1} on A (the first was the assistant's token)`);
    for (let i = 0; i < 2; i++) assert.equal((await mint(b)).status, 200, `request ${i + 4} on B`);
    const sixth = await mint(b);
    assert.equal(sixth.status, 429);
    assert.ok(Number(sixth.headers.get('retry-after')) > 0, 'Retry-After names the seconds left in the window');
    const body = (await sixth.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'rate_limited');
    assert.equal((await mint(a)).status, 429, 'A sees the same spent budget');
  });

  it(`share one assistant budget per user: ${QUESTIONS_PER_MINUTE} questions a minute, 2 on A and 1 on B, the 4th is refused`, async () => {
    const ask = async (server: ServerProcess) => {
      const response = await fetch(`${server.url}/embed/assistant/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${assistantToken}`, origin: DEMO_ORIGIN, 'content-type': 'application/json' },
        body: JSON.stringify({ message: 'How many orders?' }),
      });
      return { status: response.status, body: await response.text() };
    };
    for (const [server, name] of [[a, 'A'], [a, 'A'], [b, 'B']] as const) {
      const answer = await ask(server);
      assert.equal(answer.status, 200, `a question on ${name}: ${answer.body}`);
    }
    const fourth = await ask(b);
    assert.equal(fourth.status, 429, fourth.body);
    assert.equal((JSON.parse(fourth.body) as { error: { code: string } }).error.code, 'rate_limited');
    assert.equal((await ask(a)).status, 429, 'A counts the questions asked on B');
  });
});
