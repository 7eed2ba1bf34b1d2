// First data paint of <tc-dashboard> for the sample dashboard: from navigation start on a host page to the frame
// that shows the first KPI value in the element's shadow DOM, in headless Chromium on loopback; median of N loads
// (a fresh browser context each time, the HTTP cache disabled so embed.js and its chunks are fetched every time).
//
// Beside it, the platform floor on the same machine in the same browser, loads interleaved: a host page whose
// module (served by the same server, cross-origin) defines a bare custom element that fetches one small JSON
// document and writes one number into its shadow root. No embed can paint sooner than that; the gap between the
// two is what tc-embed itself costs (a bigger script, the session, the preflights, the query, the rendering).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS } from '../test/helpers/browser.ts';
import type { BenchTarget } from './dashboard-latency.ts';

export interface PaintFigures {
  loads: number;
  median: number;
  min: number;
  max: number;
  /** Median time at which the element was defined (embed.js fetched, compiled and run). */
  definedMedian: number;
  /** The bare element's figures, loaded alternately with the dashboard. */
  floor: { median: number; min: number; max: number };
}


/**
 * Resolves window.firstDataPaint once the selector matches inside the element's shadow root and that frame is
 * painted: the check runs in requestAnimationFrame (before the frame's style, layout and paint), and a message
 * posted from there is handled right after the frame's rendering.
 */
const paintProbe = (tag: string, selector: string) => `<script>
  window.marks = {};
  window.firstDataPaint = new Promise((resolve) => {
    const check = () => {
      if (!marks.defined && customElements.get('${tag}')) marks.defined = performance.now();
      const root = document.querySelector('${tag}')?.shadowRoot;
      if (root && root.querySelector('${selector}')) {
        const channel = new MessageChannel();
        channel.port1.onmessage = () => resolve(performance.now());
        channel.port2.postMessage(null);
      } else requestAnimationFrame(check);
    };
    check();
  });
</script>`;

function dashboardPage(serverUrl: string, token: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>host</title>
<script type="module" src="${serverUrl}/embed/embed.js"></script></head>
<body><tc-dashboard dashboard-id="sales" server-url="${serverUrl}" auth-token="${token}"></tc-dashboard>
${paintProbe('tc-dashboard', '[part~="kpi-value"]')}</body></html>`;
}

function floorPage(serverUrl: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>host</title>
<script type="module" src="${serverUrl}/bench/floor.js"></script></head>
<body><bench-floor></bench-floor>
${paintProbe('bench-floor', '[part~="kpi-value"]')}</body></html>`;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export async function measureFirstDataPaint(target: BenchTarget, addOrigin: (origin: string) => Promise<void>, loads = 10): Promise<PaintFigures> {
  const serverUrl = `http://127.0.0.1:${target.port}`;
  let page = '';
  const host = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    response.end(page);
  });
  await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
  const hostOrigin = `http://127.0.0.1:${(host.address() as AddressInfo).port}`;
  await addOrigin(hostOrigin);
  const browser = await chromium.launch({ executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });

  /** One cold load of the page: its first data paint and when the element was defined. */
  async function load(html: string): Promise<{ paintedAt: number; definedAt: number }> {
    page = html;
    const context = await browser.newContext();
    try {
      const tab = await context.newPage();
      const cdp = await context.newCDPSession(tab);
      await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
      await tab.goto(hostOrigin);
      const paintedAt = (await tab.evaluate('window.firstDataPaint')) as number;
      const definedAt = (await tab.evaluate('window.marks.defined')) as number;
      return { paintedAt, definedAt };
    } finally {
      await context.close();
    }
  }

  const paints: number[] = [];
  const defined: number[] = [];
  const floor: number[] = [];
  try {
    for (let i = 0; i <= loads; i++) {
      const minted = await fetch(`${serverUrl}/embed/generate-token`, {
        method: 'POST',
        headers: { 'x-api-key': target.apiKey, 'content-type': 'application/json' },
        body: JSON.stringify({ user: { distinctId: `paint-${i}`, role: 'explorer', attributes: { region: 'Europe' } } }),
      });
      const { token } = (await minted.json()) as { token: string };
      const dashboard = await load(dashboardPage(serverUrl, token));
      const bare = await load(floorPage(serverUrl));
      if (i === 0) continue; // the first loads warm the server and the browser
      paints.push(dashboard.paintedAt);
      defined.push(dashboard.definedAt);
      floor.push(bare.paintedAt);
    }
  } finally {
    await browser.close();
    host.close();
  }
  const round = Math.round;
  return {
    loads,
    median: round(median(paints)),
    min: round(Math.min(...paints)),
    max: round(Math.max(...paints)),
    definedMedian: round(median(defined)),
    floor: { median: round(median(floor)), min: round(Math.min(...floor)), max: round(Math.max(...floor)) },
  };
}
