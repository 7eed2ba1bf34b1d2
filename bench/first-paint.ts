// First data paint of <tc-dashboard> for the sample dashboard: from navigation start on a host page to the first
// KPI value in the element's shadow DOM, in headless Chromium on loopback; median of N loads (cold page each time,
// the browser's HTTP cache disabled so embed.js and its chunks are fetched every time).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium } from 'playwright-core';
import type { BenchTarget } from './dashboard-latency.ts';

export interface PaintFigures {
  loads: number;
  median: number;
  min: number;
  max: number;
}

const CHROMIUM_ARGS = ['--no-sandbox', '--headless=new', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

function hostPage(serverUrl: string, token: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>host</title>
<script type="module" src="${serverUrl}/embed/embed.js"></script></head>
<body><tc-dashboard dashboard-id="sales" server-url="${serverUrl}" auth-token="${token}"></tc-dashboard>
<script>
  // Resolve when the first KPI value is painted inside the element.
  window.firstDataPaint = new Promise((resolve) => {
    const check = () => {
      const root = document.querySelector('tc-dashboard')?.shadowRoot;
      if (root && root.querySelector('[part~="kpi-value"]')) requestAnimationFrame(() => resolve(performance.now()));
      else requestAnimationFrame(check);
    };
    check();
  });
</script></body></html>`;
}

export async function measureFirstDataPaint(target: BenchTarget, addOrigin: (origin: string) => Promise<void>, loads = 10): Promise<PaintFigures> {
  const serverUrl = `http://127.0.0.1:${target.port}`;
  let token = '';
  const host = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    response.end(hostPage(serverUrl, token));
  });
  await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
  const hostOrigin = `http://127.0.0.1:${(host.address() as AddressInfo).port}`;
  await addOrigin(hostOrigin);
  const browser = await chromium.launch({ executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const timings: number[] = [];
  try {
    for (let i = 0; i <= loads; i++) {
      const minted = await fetch(`${serverUrl}/embed/generate-token`, {
        method: 'POST',
        headers: { 'x-api-key': target.apiKey, 'content-type': 'application/json' },
        body: JSON.stringify({ user: { distinctId: `paint-${i}`, role: 'explorer', attributes: { region: 'Europe' } } }),
      });
      token = ((await minted.json()) as { token: string }).token;
      const context = await browser.newContext();
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
      await page.goto(hostOrigin);
      const paintedAt = (await page.evaluate('window.firstDataPaint')) as number;
      if (i > 0) timings.push(paintedAt); // the first load warms the server
      await context.close();
    }
  } finally {
    await browser.close();
    host.close();
  }
  timings.sort((a, b) => a - b);
  const round = (value: number) => Math.round(value);
  return { loads, median: round(timings[Math.floor(timings.length / 2)]!), min: round(timings[0]!), max: round(timings.at(-1)!) };
}
