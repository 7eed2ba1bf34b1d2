// `npm run bench`: throughput and latency of the hot routes against the real server on loopback, then the 60 s
// soak of bench/soak.ts (generate-token and the dashboard under concurrent load: errors, p99, memory flat).
// BENCH_SECONDS (default 10) per route; BENCH_CONNECTIONS (default 50); BENCH_SOAK_SECONDS (default 60).
// `npm run bench:soak` (or BENCH_SOAK=1): the soak alone; BENCH_SOAK=0 leaves it out.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { cpus, totalmem } from 'node:os';
import autocannon from 'autocannon';
import { runAssistantBench } from './assistant-eval.ts';
import { measureDashboardLatency, type LatencyFigures } from './dashboard-latency.ts';
import { measureFirstDataPaint, type PaintFigures } from './first-paint.ts';
import { printSoakReport, runSoak } from './soak.ts';
import { execFileSync } from 'node:child_process';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);

interface Target {
  name: string;
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

interface Figures {
  name: string;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  /** Server CPU (user + system) per request, microseconds. */
  cpuMicros: number;
  errors: number;
  non2xx: number;
}

async function serverCpuMicros(port: number): Promise<number> {
  const usage = (await (await fetch(`http://127.0.0.1:${port}/bench/cpu`)).json()) as { user: number; system: number };
  return usage.user + usage.system;
}

async function startServer(env: Record<string, string> = {}): Promise<{ child: ChildProcess; port: number; apiKey: string; origin: string }> {
  // --expose-gc: /bench/rss collects garbage before it reads the RSS, so the soak compares retained memory.
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', new URL('./bench-server.ts', import.meta.url).pathname], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...env },
  });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
  });
  return { child, ...(JSON.parse(line) as { port: number; apiKey: string; origin: string }) };
}

async function measure(port: number, target: Target): Promise<Figures> {
  const run = (duration: number) =>
    autocannon({
      url: `http://127.0.0.1:${port}${target.path}`,
      method: target.method,
      connections,
      duration,
      headers: target.headers,
      body: target.body,
    });
  await run(2); // warm-up: JIT, caches, connection pools
  const cpuBefore = await serverCpuMicros(port);
  const result = await run(seconds);
  const cpuAfter = await serverCpuMicros(port);
  return {
    name: target.name,
    requestsPerSecond: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    cpuMicros: Math.round(((cpuAfter - cpuBefore) / Math.max(1, result.requests.total)) * 10) / 10,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

/** The soak on a server of its own (fresh memory, so its RSS figures are the soak's alone). */
async function soak(): Promise<void> {
  const server = await startServer();
  try {
    const report = await runSoak(server, connections);
    printSoakReport(report);
    if (!report.ok) process.exitCode = 1;
  } finally {
    server.child.kill('SIGTERM');
  }
}

if (process.argv.includes('--soak') || process.env.BENCH_SOAK === '1') {
  await soak();
  process.exit();
}

/** First data paint alone (`npm run bench:paint`): a quicker loop while working on the elements' load path. */
async function paintOnly(): Promise<void> {
  const server = await startServer();
  try {
    printPaint(await measureFirstDataPaint(server, (origin) => authorizeOrigin(server.port, origin), Number(process.env.BENCH_PAINT_LOADS ?? 10)));
  } finally {
    server.child.kill('SIGTERM');
  }
}

function printPaint(paint: PaintFigures): void {
  console.log(`\n<tc-dashboard> first data paint (navigation start → the frame with the first KPI value), Chromium, cache disabled, ${paint.loads} loads:`);
  console.log(`median ${paint.median} ms, min ${paint.min} ms, max ${paint.max} ms (target ≤ 150 ms); element defined at ${paint.definedMedian} ms (median)`);
  console.log(`platform floor (a bare element: one cross-origin module, one fetch, one number; loads interleaved): median ${paint.floor.median} ms, min ${paint.floor.min} ms, max ${paint.floor.max} ms; dashboard − floor: ${paint.median - paint.floor.median} ms`);
}

if (process.argv.includes('--paint')) {
  await paintOnly();
  process.exit();
}

const server = await startServer();
try {
  const mint = await fetch(`http://127.0.0.1:${server.port}/embed/generate-token`, {
    method: 'POST',
    headers: { 'x-api-key': server.apiKey, 'content-type': 'application/json' },
    body: JSON.stringify({ user: { distinctId: 'bench-user', role: 'explorer', attributes: { region: 'Europe' } } }),
  });
  const { token } = (await mint.json()) as { token: string };
  const targets: Target[] = [
    { name: 'echo (baseline)', method: 'GET', path: '/bench/echo' },
    {
      name: 'POST /embed/generate-token',
      method: 'POST',
      path: '/embed/generate-token',
      headers: { 'x-api-key': server.apiKey, 'content-type': 'application/json' },
      body: JSON.stringify({ user: { distinctId: 'user-123', role: 'explorer', attributes: { region: 'Europe' } } }),
    },
    {
      name: 'echo, session-shaped (floor)',
      method: 'POST',
      path: '/bench/echo-session',
      headers: { authorization: `Bearer ${token}`, origin: server.origin },
    },
    {
      name: 'POST /embed/session (cached token)',
      method: 'POST',
      path: '/embed/session',
      headers: { authorization: `Bearer ${token}`, origin: server.origin },
    },
  ];
  const figures: Figures[] = [];
  for (const target of targets) figures.push(await measure(server.port, target));
  const echo = figures[0]!.requestsPerSecond;
  console.log(`\nmachine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
  console.log(`autocannon: ${connections} connections, ${seconds} s per route after a 2 s warm-up\n`);
  const echoCpu = figures[0]!.cpuMicros;
  console.log('route                                  req/s    p50 ms  p99 ms  ×echo  CPU µs/req  echo/CPU  errors  non-2xx');
  for (const row of figures) {
    console.log(
      `${row.name.padEnd(37)} ${String(row.requestsPerSecond).padStart(7)}  ${String(row.p50).padStart(6)}  ${String(row.p99).padStart(6)}  ${(row.requestsPerSecond / echo).toFixed(2).padStart(5)}  ${String(row.cpuMicros).padStart(10)}  ${(echoCpu / row.cpuMicros).toFixed(2).padStart(8)}  ${String(row.errors).padStart(6)}  ${String(row.non2xx).padStart(7)}`,
    );
  }
  console.log('(×echo: throughput ratio, bounded by the load generator sharing the cores; echo/CPU: the server\'s own cost ratio)');
  const failed = figures.some((row) => row.errors > 0 || row.non2xx > 0);
  if (failed) process.exitCode = 1;

  const dashboardOnPglite = await measureDashboardLatency(server);
  const paint = await measureFirstDataPaint(server, (origin) => authorizeOrigin(server.port, origin));
  server.child.kill('SIGTERM');
  const dashboardOnPostgres = await dashboardLatencyOnPostgres();
  const row = (store: string, figures: LatencyFigures | string) =>
    typeof figures === 'string'
      ? `${store.padEnd(12)} ${figures}`
      : `${store.padEnd(12)} ${String(figures.median).padStart(8)}  ${String(figures.p99).padStart(6)}  ${String(figures.max).padStart(6)}  ${figures.tiles} tiles, ${figures.samples} requests, RLS region=Europe`;
  console.log('\nGET /embed/dashboards/sales, one request at a time (target: median ≤ 100 ms on the embedded store)');
  console.log('store        median ms  p99 ms  max ms');
  console.log(row('PGlite', dashboardOnPglite));
  console.log(row('PostgreSQL', dashboardOnPostgres));
  printPaint(paint);
  console.log('\nembed.js bundle (min+gzip; target ≤ 15 KB for embed.js, chunks load lazily):');
  console.log(execFileSync(process.execPath, [new URL('../packages/elements/scripts/bundle-size.mjs', import.meta.url).pathname], { encoding: 'utf8' }).trimEnd());
} finally {
  server.child.kill('SIGTERM');
}

/** Signs in to the bench server's console API and authorizes one more origin (the first-paint host page). */
async function authorizeOrigin(port: number, origin: string): Promise<void> {
  const base = `http://127.0.0.1:${port}`;
  const login = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'admin@example.com', password: 'bench-password-123' }),
  });
  const cookie = login.headers.getSetCookie()[0]!.split(';')[0]!;
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  const added = await fetch(`${base}/api/origins`, {
    method: 'POST',
    headers: { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' },
    body: JSON.stringify({ origin }),
  });
  if (!added.ok) throw new Error(`could not authorize ${origin}: ${await added.text()}`);
}

/** The same dashboard with the platform store on PostgreSQL (BENCH_DATABASE_URL, default the local service). */
async function dashboardLatencyOnPostgres(): Promise<LatencyFigures | string> {
  const url = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  let pgServer;
  try {
    pgServer = await startServer({ BENCH_DATABASE_URL: url });
  } catch (error) {
    return `skipped: no PostgreSQL at ${new URL(url).host} (${(error as Error).message})`;
  }
  try {
    return await measureDashboardLatency(pgServer);
  } finally {
    pgServer.child.kill('SIGTERM');
  }
}

// The assistant's evaluation score and answer times (in process, after the HTTP routes' server has stopped).
const assistant = await runAssistantBench();
if (assistant.correct / assistant.total < 0.9) process.exitCode = 1;

if (process.env.BENCH_SOAK !== '0') await soak();
