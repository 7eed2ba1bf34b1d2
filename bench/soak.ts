// Part of `npm run bench` (alone: `npm run bench:soak`, or BENCH_SOAK=1): a long run of the two routes an embed
// deployment lives on, minting and the dashboard, checking that nothing fails and the server's memory stays flat.
import autocannon from 'autocannon';

export interface BenchServer {
  port: number;
  apiKey: string;
  origin: string;
}

export interface SoakFigures {
  name: string;
  connections: number;
  seconds: number;
  requests: number;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  max: number;
  errors: number;
  non2xx: number;
}

export interface SoakReport {
  figures: SoakFigures[];
  rssAfterWarmUpBytes: number;
  rssAtEndBytes: number;
  rssGrowth: number;
  ok: boolean;
}

const SOAK_SECONDS = Number(process.env.BENCH_SOAK_SECONDS ?? 60);
const WARM_UP_SECONDS = Number(process.env.BENCH_WARM_UP_SECONDS ?? 10);
// Memory is "flat" when the server's RSS at the end is within this share of its RSS after warm-up (both read
// after a forced garbage collection).
const MAX_RSS_GROWTH = 0.2;
const MIB = 1024 * 1024;
// A dashboard runs every tile's query; on the embedded store (one PGlite, one thread) that is ~100 ms of work
// per request, so the dashboard is driven at the concurrency a single embedded instance sustains.
const DASHBOARD_CONNECTIONS = Number(process.env.BENCH_DASHBOARD_CONNECTIONS ?? 4);

interface Target {
  name: string;
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
  connections: number;
}

async function rssOf(server: BenchServer): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${server.port}/bench/rss`);
  return ((await response.json()) as { rss: number }).rss;
}

/** Waits until the server has drained what the last run left queued and answers /readyz again. */
async function settle(server: BenchServer): Promise<void> {
  for (let attempt = 0; attempt < 120; attempt++) {
    const ready = await fetch(`http://127.0.0.1:${server.port}/readyz`).then((response) => response.ok, () => false);
    if (ready) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  await new Promise((resolve) => setTimeout(resolve, 1000));
}

async function load(server: BenchServer, target: Target, seconds: number): Promise<autocannon.Result> {
  const result = await autocannon({
    url: `http://127.0.0.1:${server.port}${target.path}`,
    method: target.method,
    connections: target.connections,
    duration: seconds,
    headers: target.headers,
    ...(target.body ? { body: target.body } : {}),
  });
  await settle(server);
  return result;
}

export async function runSoak(server: BenchServer, connections: number): Promise<SoakReport> {
  const mint = await fetch(`http://127.0.0.1:${server.port}/embed/generate-token`, {
    method: 'POST',
    headers: { 'x-api-key': server.apiKey, 'content-type': 'application/json' },
    body: JSON.stringify({ user: { distinctId: 'soak-viewer', role: 'explorer', attributes: { region: 'Europe' } } }),
  });
  const { token } = (await mint.json()) as { token: string };
  const dashboard = await fetch(`http://127.0.0.1:${server.port}/embed/dashboards/sales`, {
    headers: { authorization: `Bearer ${token}`, origin: server.origin },
  });
  if (dashboard.status !== 200) throw new Error(`GET /embed/dashboards/sales answered ${dashboard.status}: ${await dashboard.text()}`);

  const targets: Target[] = [
    {
      name: 'POST /embed/generate-token',
      method: 'POST',
      path: '/embed/generate-token',
      headers: { 'x-api-key': server.apiKey, 'content-type': 'application/json' },
      body: JSON.stringify({ user: { distinctId: 'user-123', role: 'explorer', attributes: { region: 'Europe' } } }),
      connections,
    },
    {
      name: 'GET /embed/dashboards/sales',
      method: 'GET',
      path: '/embed/dashboards/sales',
      headers: { authorization: `Bearer ${token}`, origin: server.origin },
      connections: DASHBOARD_CONNECTIONS,
    },
  ];

  for (const target of targets) await load(server, target, WARM_UP_SECONDS);
  const rssAfterWarmUpBytes = await rssOf(server);
  console.log(`soak: warmed up (${WARM_UP_SECONDS} s per route); server RSS ${(rssAfterWarmUpBytes / MIB).toFixed(1)} MiB`);

  const figures: SoakFigures[] = [];
  for (const target of targets) {
    const result = await load(server, target, SOAK_SECONDS);
    figures.push({
      name: target.name,
      connections: target.connections,
      seconds: SOAK_SECONDS,
      requests: result.requests.total,
      requestsPerSecond: Math.round(result.requests.average),
      p50: result.latency.p50,
      p99: result.latency.p99,
      max: result.latency.max,
      errors: result.errors + result.timeouts,
      non2xx: result.non2xx,
    });
    const statuses = Object.entries(result.statusCodeStats ?? {}).map(([status, { count }]) => `${status}×${count}`).join(', ');
    console.log(`soak: ${target.name} done (${statuses}); server RSS ${((await rssOf(server)) / MIB).toFixed(1)} MiB`);
  }
  const rssAtEndBytes = await rssOf(server);
  const rssGrowth = rssAtEndBytes / rssAfterWarmUpBytes - 1;
  const ok = figures.every((row) => row.errors === 0 && row.non2xx === 0) && Math.abs(rssGrowth) <= MAX_RSS_GROWTH;
  return { figures, rssAfterWarmUpBytes, rssAtEndBytes, rssGrowth, ok };
}

export function printSoakReport(report: SoakReport): void {
  console.log(`\nsoak: autocannon, ${SOAK_SECONDS} s per route after ${WARM_UP_SECONDS} s of warm-up each\n`);
  console.log('route                              conns  requests    req/s  p50 ms  p99 ms  max ms  errors  non-2xx');
  for (const row of report.figures) {
    console.log(
      `${row.name.padEnd(33)} ${String(row.connections).padStart(6)} ${String(row.requests).padStart(9)}  ${String(row.requestsPerSecond).padStart(7)}  ${String(row.p50).padStart(6)}  ${String(row.p99).padStart(6)}  ${String(row.max).padStart(6)}  ${String(row.errors).padStart(6)}  ${String(row.non2xx).padStart(7)}`,
    );
  }
  const growth = `${report.rssGrowth >= 0 ? '+' : ''}${(report.rssGrowth * 100).toFixed(1)} %`;
  console.log(
    `\nserver RSS: ${(report.rssAfterWarmUpBytes / MIB).toFixed(1)} MiB after warm-up → ${(report.rssAtEndBytes / MIB).toFixed(1)} MiB at the end (${growth}; limit ±${MAX_RSS_GROWTH * 100} %)`,
  );
  console.log(report.ok ? 'soak: PASS (no errors, no non-2xx, memory flat)' : 'soak: FAIL');
}
