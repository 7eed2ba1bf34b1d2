// The server under benchmark, in its own process so autocannon does not share its event loop: the real app on a
// fresh embedded store, plus a bare echo route as the baseline and /bench/rss (its memory) for the soak.
// Prints one JSON line {port, apiKey} when ready.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { buildApp } from '../packages/server/src/app.ts';
import { loadConfig } from '../packages/server/src/config.ts';
import { createServices } from '../packages/server/src/services.ts';
import { seedFirstStart } from '../packages/server/src/seed.ts';
import { migrate } from '../packages/server/src/store/migrations.ts';
import { openPgliteStore } from '../packages/server/src/store/pglite-store.ts';
import { openPostgresStore } from '../packages/server/src/store/postgres-store.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'tc-embed-bench-'));
const config = {
  ...loadConfig({
    TC_DATA_DIR: dataDir,
    TC_MASTER_KEY: randomBytes(32).toString('base64'),
    TC_SECRET_KEYS: `v1:${randomBytes(32).toString('base64')}`,
    TC_LOG_LEVEL: 'warn',
    TC_ADMIN_PASSWORD: 'bench-password-123',
    TC_RATE_LIMIT_PER_MINUTE: String(10_000_000),
  }),
  port: 0,
  host: '127.0.0.1',
};
const store = process.env.BENCH_DATABASE_URL
  ? await openPostgresStore({ connectionString: process.env.BENCH_DATABASE_URL, schema: `bench_${process.pid}` })
  : await openPgliteStore({ dataDir: join(dataDir, 'pgdata') });
await migrate(store);
const services = createServices(config, store);
const seeded = await seedFirstStart(services);
const app = await buildApp({ config, store, services, ownsStore: true });
app.get('/bench/echo', async () => ({ ok: true }));
// CPU the server process has used so far: with the load generator on the same 2 cores, req/s is bounded by
// autocannon as much as by the server, so CPU time per request is the fairer cost figure.
app.get('/bench/cpu', async () => process.cpuUsage());
// The floor of the session route: the same request (1.4 KB bearer, Origin) and a response of the same size and
// headers, with no work in between — what any route answering that exchange costs on this stack.
const sessionShapedReply = { padding: 'x'.repeat(300) };
app.post('/bench/echo-session', async (_request, reply) => {
  void reply.header('access-control-allow-origin', 'http://localhost:3000').header('vary', 'Origin').header('cache-control', 'no-store');
  return sessionShapedReply;
});
// The platform floor of the first-paint bench: a bare custom element (cross-origin module) that fetches one small
// JSON document and writes one number into its shadow root.
const floorModule = `customElements.define('bench-floor', class extends HTMLElement {
  connectedCallback() {
    const root = this.attachShadow({ mode: 'open' });
    fetch(new URL('/bench/floor-data', import.meta.url)).then((response) => response.json()).then((data) => {
      root.innerHTML = '<p part="kpi-value">' + data.value + '</p>';
    });
  }
});`;
app.get('/bench/floor.js', async (_request, reply) =>
  reply.header('content-type', 'text/javascript; charset=utf-8').header('access-control-allow-origin', '*').header('cache-control', 'no-store').send(floorModule),
);
app.get('/bench/floor-data', async (_request, reply) => reply.header('access-control-allow-origin', '*').header('cache-control', 'no-store').send({ value: 42 }));
// The soak reads the server's own memory (its RSS is what an operator's dashboards would show).
app.get('/bench/rss', async () => {
  (globalThis as { gc?: () => void }).gc?.();
  const { rss, heapUsed } = process.memoryUsage();
  return { rss, heapUsed };
});
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
const port = typeof address === 'object' && address ? address.port : 0;
process.stdout.write(`${JSON.stringify({ port, apiKey: seeded!.apiKey, origin: 'http://localhost:3000' })}\n`);
process.on('SIGTERM', () => void app.close().then(dropBenchSchema).then(() => process.exit(0)));

/** A PostgreSQL bench run leaves nothing behind in the database. */
async function dropBenchSchema(): Promise<void> {
  if (!process.env.BENCH_DATABASE_URL) return;
  const client = new pg.Client({ connectionString: process.env.BENCH_DATABASE_URL });
  await client.connect();
  await client.query(`drop schema if exists bench_${process.pid} cascade`);
  await client.end();
}
