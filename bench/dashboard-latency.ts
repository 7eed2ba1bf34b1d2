// Latency of GET /embed/dashboards/sales (every tile of the sample dashboard, 60k rows, RLS for one region),
// requests one after another so each figure is one dashboard's full server time on loopback.

export interface BenchTarget {
  port: number;
  apiKey: string;
  origin: string;
}

export interface LatencyFigures {
  samples: number;
  median: number;
  p99: number;
  max: number;
  tiles: number;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

export async function measureDashboardLatency(target: BenchTarget, samples = 200, warmUp = 20): Promise<LatencyFigures> {
  const base = `http://127.0.0.1:${target.port}`;
  const minted = await fetch(`${base}/embed/generate-token`, {
    method: 'POST',
    headers: { 'x-api-key': target.apiKey, 'content-type': 'application/json' },
    body: JSON.stringify({ user: { distinctId: 'bench-dashboard', role: 'explorer', attributes: { region: 'Europe' } } }),
  });
  if (!minted.ok) throw new Error(`mint failed: ${minted.status} ${await minted.text()}`);
  const { token } = (await minted.json()) as { token: string };
  const headers = { authorization: `Bearer ${token}`, origin: target.origin };
  let tiles = 0;
  const timings: number[] = [];
  for (let i = 0; i < warmUp + samples; i++) {
    const started = performance.now();
    const response = await fetch(`${base}/embed/dashboards/sales`, { headers });
    const body = (await response.json()) as { tiles?: { rowCount: number; error?: unknown }[] };
    const elapsed = performance.now() - started;
    if (!response.ok || !body.tiles || body.tiles.some((tile) => tile.error)) {
      throw new Error(`dashboard request failed: ${response.status} ${JSON.stringify(body).slice(0, 300)}`);
    }
    tiles = body.tiles.length;
    if (i >= warmUp) timings.push(elapsed);
  }
  timings.sort((a, b) => a - b);
  const round = (value: number) => Math.round(value * 10) / 10;
  return { samples, median: round(percentile(timings, 50)), p99: round(percentile(timings, 99)), max: round(timings.at(-1)!), tiles };
}
