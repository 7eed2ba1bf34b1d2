import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createPrivatePostgres, privatePostgresAvailability, type PrivatePostgres } from './helpers/private-postgres.ts';
import { startServerProcess, type ServerProcess } from './helpers/server-process.ts';

const DEMO_ORIGIN = 'http://localhost:3000';
const RECOVERY_LIMIT_MS = 5000;
// The server's bound on one unanswered store query (TC_DATABASE_QUERY_TIMEOUT_MS) in this file.
const QUERY_TIMEOUT_MS = 2000;
const availability = privatePostgresAvailability();

type Phase = 'before' | 'stopping' | 'outage' | 'after';
type Kind = 'mint (cached key)' | 'mint (uncached key)' | 'session' | 'list keys' | 'create key' | 'readyz';

interface Outcome {
  kind: Kind;
  phase: Phase;
  status: number;
  body: string;
  retryAfter: string | null;
  /** The key name a create request asked for. */
  name?: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the PostgreSQL store stops during traffic', { skip: availability.available ? false : availability.reason }, () => {
  let cluster: PrivatePostgres;
  let server: ServerProcess;
  let adminHeaders: Record<string, string>;
  let cachedKey: string;
  let uncachedKey: string;
  let token: string;

  const call = (path: string, init: RequestInit = {}) => fetch(`${server.url}${path}`, { ...init, signal: AbortSignal.timeout(10_000) });
  const admin = (path: string, init: RequestInit = {}) =>
    call(path, { ...init, headers: { ...adminHeaders, 'content-type': 'application/json', ...(init.headers ?? {}) } });
  const mint = (key: string) =>
    call('/embed/generate-token', {
      method: 'POST',
      headers: { 'x-api-key': key, 'content-type': 'application/json' },
      body: JSON.stringify({ user: { distinctId: 'user-123', role: 'explorer', attributes: {} } }),
    });
  const listKeys = async () => {
    const response = await admin('/api/api-keys');
    assert.equal(response.status, 200);
    return ((await response.json()) as { apiKeys: { id: string; name: string; revokedAt: string | null }[] }).apiKeys;
  };

  before(async () => {
    cluster = await createPrivatePostgres();
    server = await startServerProcess({
      DATABASE_URL: cluster.url,
      TC_MASTER_KEY: randomBytes(32).toString('base64'),
      TC_SECRET_KEYS: `v1:${randomBytes(32).toString('base64')}`,
      TC_ADMIN_PASSWORD: 'outage-test-password',
      TC_DATABASE_QUERY_TIMEOUT_MS: String(QUERY_TIMEOUT_MS),
    });
    const login = await call('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@example.com', password: 'outage-test-password' }),
    });
    assert.equal(login.status, 200);
    const cookie = login.headers.getSetCookie().find((value) => value.startsWith('tc_admin='))!.split(';')[0]!;
    adminHeaders = { cookie, 'x-csrf-token': ((await login.json()) as { csrfToken: string }).csrfToken };
    cachedKey = readFileSync(join(server.dataDir, 'demo-api-key'), 'utf8').trim();
    const created = await admin('/api/api-keys', { method: 'POST', body: JSON.stringify({ name: 'first used during the outage' }) });
    uncachedKey = ((await created.json()) as { key: string }).key;
    const minted = await mint(cachedKey);
    token = ((await minted.json()) as { token: string }).token;
  });

  after(async () => {
    await server?.stop();
    await cluster?.destroy();
  });

  it('answers 503 service_unavailable while it is down, never crashes, and recovers within five seconds', async (t) => {
    let phase: Phase = 'before';
    let running = true;
    let created = 0;
    const outcomes: Outcome[] = [];
    const failures: string[] = [];

    const request = async (kind: Kind): Promise<void> => {
      let name: string | undefined;
      let response: Response;
      const at = phase;
      try {
        switch (kind) {
          case 'mint (cached key)':
            response = await mint(cachedKey);
            break;
          case 'mint (uncached key)':
            response = await mint(uncachedKey);
            break;
          case 'session':
            response = await call('/embed/session', { method: 'POST', headers: { authorization: `Bearer ${token}`, origin: DEMO_ORIGIN } });
            break;
          case 'list keys':
            response = await admin('/api/api-keys');
            break;
          case 'create key':
            name = `outage-${++created}`;
            response = await admin('/api/api-keys', { method: 'POST', body: JSON.stringify({ name }) });
            break;
          case 'readyz':
            response = await call('/readyz');
            break;
        }
      } catch (error) {
        failures.push(`${kind} (${at}): ${(error as Error).message}`);
        return;
      }
      outcomes.push({ kind, phase: at, status: response.status, body: await response.text(), retryAfter: response.headers.get('retry-after'), ...(name ? { name } : {}) });
    };

    const kinds: Kind[] = ['mint (cached key)', 'session', 'list keys', 'create key', 'readyz'];
    const worker = async (offset: number) => {
      for (let i = offset; running; i++) {
        // The uncached key joins once the store is down: used earlier, it would be in the key cache.
        const pool: Kind[] = phase === 'before' || phase === 'stopping' ? kinds : [...kinds, 'mint (uncached key)'];
        await request(pool[i % pool.length]!);
        await sleep(10);
      }
    };
    const workers = [0, 1, 2, 3].map(worker);

    await sleep(1000);
    phase = 'stopping';
    await cluster.stop();
    phase = 'outage';
    await sleep(3000);
    await cluster.start();
    phase = 'after';
    const restartedAt = Date.now();
    // Recovery: a request that needs the database succeeds again.
    let recoveredAfterMs: number | undefined;
    while (recoveredAfterMs === undefined && Date.now() - restartedAt < RECOVERY_LIMIT_MS + 5000) {
      if ((await admin('/api/api-keys')).status === 200) recoveredAfterMs = Date.now() - restartedAt;
      else await sleep(50);
    }
    await sleep(1500);
    running = false;
    await Promise.all(workers);

    const tally = new Map<string, number>();
    for (const o of outcomes) tally.set(`${o.phase} ${o.status}`, (tally.get(`${o.phase} ${o.status}`) ?? 0) + 1);
    t.diagnostic(`recovered ${recoveredAfterMs} ms after restart; responses by phase and status: ${JSON.stringify(Object.fromEntries(tally))}`);
    assert.deepEqual(failures, [], 'every request got an answer (no reset connection, no hang)');
    assert.ok(recoveredAfterMs !== undefined && recoveredAfterMs <= RECOVERY_LIMIT_MS, `recovered after ${recoveredAfterMs} ms`);
    assert.equal(server.child.exitCode, null, 'the server is still running');
    assert.doesNotMatch(server.output(), /uncaught|unhandled/i);

    for (const outcome of outcomes) {
      const label = `${outcome.kind} (${outcome.phase}) → ${outcome.status} ${outcome.body.slice(0, 300)}`;
      assert.ok([200, 201, 503].includes(outcome.status), label);
      if (outcome.status === 503) {
        const body = JSON.parse(outcome.body) as { error: { code: string; message: string } };
        assert.deepEqual(Object.keys(body), ['error'], label);
        assert.equal(body.error.code, 'service_unavailable', label);
        assert.ok(body.error.message.length > 10, label);
        assert.ok(Number(outcome.retryAfter) > 0, `Retry-After on ${label}`);
      }
      if (outcome.phase === 'before') assert.ok(outcome.status < 300, label);
    }
    for (const kind of ['list keys', 'create key', 'readyz', 'mint (uncached key)'] as const) {
      const during = outcomes.filter((o) => o.kind === kind && o.phase === 'outage');
      assert.ok(during.some((o) => o.status === 503), `${kind} answered 503 during the outage: ${during.map((o) => o.status).join(', ')}`);
    }
    const lastSecond = outcomes.filter((o) => o.phase === 'after').slice(-20);
    assert.ok(lastSecond.length >= 10 && lastSecond.every((o) => o.status < 300), 'everything succeeds again after recovery');

    // No API key lost or duplicated: every acknowledged creation is there once; nothing appears twice.
    const listed = await listKeys();
    assert.equal(new Set(listed.map((key) => key.id)).size, listed.length, 'ids are unique');
    const byName = new Map<string, number>();
    for (const key of listed) byName.set(key.name, (byName.get(key.name) ?? 0) + 1);
    for (const outcome of outcomes.filter((o) => o.kind === 'create key')) {
      const count = byName.get(outcome.name!) ?? 0;
      if (outcome.status === 201) {
        assert.equal(count, 1, `acknowledged key ${outcome.name} is listed once`);
        const { id } = JSON.parse(outcome.body) as { id: string };
        assert.ok(listed.some((key) => key.id === id && key.revokedAt === null), `key ${id} is live`);
      } else {
        assert.ok(count <= 1, `refused key ${outcome.name} is not listed twice`);
      }
    }
    assert.equal((await mint(uncachedKey)).status, 200, 'the key first needed during the outage works now');
  });

  it('answers 503 within a bound, never hangs, while the database stops answering without closing connections', async (t) => {
    // A request fails at its first stuck step: one query (QUERY_TIMEOUT_MS) or one wait for a connection (same bound).
    const answerLimitMs = 2 * QUERY_TIMEOUT_MS + 2000;
    const timed = async (kind: string, send: () => Promise<Response>) => {
      const started = Date.now();
      const response = await send();
      return { kind, status: response.status, body: await response.text(), retryAfter: response.headers.get('retry-after'), ms: Date.now() - started };
    };
    const probes = [
      () => timed('list keys', () => admin('/api/api-keys')),
      () => timed('readyz', () => call('/readyz')),
      () => timed('create key', () => admin('/api/api-keys', { method: 'POST', body: JSON.stringify({ name: `frozen-${Date.now()}` }) })),
      () => timed('session', () => call('/embed/session', { method: 'POST', headers: { authorization: `Bearer ${token}`, origin: DEMO_ORIGIN } })),
    ];
    assert.equal((await probes[0]!()).status, 200);

    cluster.freeze();
    const frozenAt = Date.now();
    const during: Awaited<ReturnType<typeof timed>>[] = [];
    try {
      // Several requests at once, twice over, for about as long as two query timeouts and more.
      while (Date.now() - frozenAt < 2 * QUERY_TIMEOUT_MS + 1000) {
        during.push(...(await Promise.all(probes.map((probe) => probe()))));
      }
    } finally {
      cluster.thaw();
    }
    const thawedAt = Date.now();
    let recoveredAfterMs: number | undefined;
    while (recoveredAfterMs === undefined && Date.now() - thawedAt < RECOVERY_LIMIT_MS + 5000) {
      if ((await probes[0]!()).status === 200) recoveredAfterMs = Date.now() - thawedAt;
      else await sleep(50);
    }
    t.diagnostic(`while frozen: ${during.map((o) => `${o.kind} ${o.status} in ${o.ms} ms`).join('; ')}; recovered ${recoveredAfterMs} ms after SIGCONT`);

    for (const outcome of during) {
      const label = `${outcome.kind} → ${outcome.status} after ${outcome.ms} ms: ${outcome.body.slice(0, 200)}`;
      assert.ok(outcome.ms <= answerLimitMs, `answered within ${answerLimitMs} ms: ${label}`);
      assert.ok([200, 201, 503].includes(outcome.status), label);
      if (outcome.status === 503) {
        assert.equal((JSON.parse(outcome.body) as { error: { code: string } }).error.code, 'service_unavailable', label);
        assert.ok(Number(outcome.retryAfter) > 0, `Retry-After on ${label}`);
      }
    }
    for (const kind of ['list keys', 'readyz', 'create key']) {
      assert.ok(during.some((o) => o.kind === kind && o.status === 503), `${kind} answered 503 while the database was frozen`);
    }
    assert.ok(recoveredAfterMs !== undefined && recoveredAfterMs <= RECOVERY_LIMIT_MS, `recovered after ${recoveredAfterMs} ms`);
    for (const probe of probes) assert.ok((await probe()).status < 300, 'everything succeeds again after SIGCONT');
    assert.equal(server.child.exitCode, null, 'the server is still running');
  });
});
