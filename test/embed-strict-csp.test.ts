import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchChromium } from './helpers/browser.ts';
import { ensureElementsBuilt } from './helpers/elements-build.ts';
import { authorizeOrigin, demoApiKey } from './helpers/integrator-kit.ts';
import { freePort, startServerProcess, type ServerProcess } from './helpers/server-process.ts';

/**
 * A host page with a strict Content-Security-Policy: scripts only from itself and the tc-embed server, network only
 * to the tc-embed server, and no inline styles. The documented policy (README, "Content-Security-Policy") must be
 * enough for <tc-dashboard> and <tc-ai-assistant> to work, with not one violation.
 */
const NONCE = 'host-nonce-123';

function policy(serverUrl: string): string {
  return [
    "default-src 'none'",
    `script-src 'self' ${serverUrl} 'nonce-${NONCE}'`,
    `connect-src ${serverUrl}`,
    "style-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
  ].join('; ');
}

function hostPage(serverUrl: string, token: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Strict host</title>
<link rel="icon" href="data:,">
<script type="module" src="${serverUrl}/embed/embed.js"></script></head>
<body><main><h1>Sales</h1>
<tc-dashboard dashboard-id="sales" server-url="${serverUrl}" auth-token="${token}"></tc-dashboard>
<tc-ai-assistant server-url="${serverUrl}" auth-token="${token}"></tc-ai-assistant></main>
<script nonce="${NONCE}">
  window.violations = [];
  document.addEventListener('securitypolicyviolation', (event) => window.violations.push(event.violatedDirective + ' ' + event.blockedURI), true);
</script></body></html>`;
}

describe('the elements on a host page with a strict Content-Security-Policy', { timeout: 90_000 }, () => {
  let server: ServerProcess;
  let host: Server;
  let browser: Browser;
  let hostUrl: string;
  let page = '';

  before(async () => {
    ensureElementsBuilt();
    server = await startServerProcess({});
    const serverUrl = `http://localhost:${server.port}`;
    const hostPort = await freePort();
    hostUrl = `http://localhost:${hostPort}`;
    authorizeOrigin(server, hostUrl);
    const minted = await fetch(`${serverUrl}/embed/generate-token`, {
      method: 'POST',
      headers: { 'x-api-key': demoApiKey(server), 'content-type': 'application/json' },
      body: JSON.stringify({ user: { distinctId: 'strict-host-user', role: 'explorer', attributes: { region: 'Europe' } } }),
    });
    assert.equal(minted.status, 200);
    page = hostPage(serverUrl, ((await minted.json()) as { token: string }).token);
    host = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': policy(serverUrl) });
      response.end(page);
    });
    await new Promise<void>((resolve) => host.listen(hostPort, 'localhost', resolve));
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    host?.close();
    await server?.stop();
    if (server) rmSync(server.dataDir, { recursive: true, force: true });
  });

  it('renders every tile in its grid place, draws the charts and answers a question, without a violation', async () => {
    const tab = await browser.newPage();
    const problems: string[] = [];
    tab.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
    tab.on('pageerror', (error) => problems.push(error.message));
    await tab.goto(hostUrl);

    const dashboard = tab.locator('tc-dashboard');
    await dashboard.locator('[part~="kpi-value"]').first().waitFor({ timeout: 20_000 });
    await tab.waitForFunction(() => {
      const tiles = [...(document.querySelector('tc-dashboard')?.shadowRoot?.querySelectorAll('[part~="tile"]') ?? [])];
      return tiles.length >= 7 && tiles.every((tile) => tile.getAttribute('aria-busy') === 'false');
    });
    // The layout's custom properties took effect: the "Revenue by region" tile starts where its layout says.
    const placement = await tab.evaluate(() => {
      const tiles = [...document.querySelector('tc-dashboard')!.shadowRoot!.querySelectorAll<HTMLElement>('[part~="tile"]')];
      return tiles.map((tile) => ({ title: tile.querySelector('h3')!.textContent, column: getComputedStyle(tile).gridColumnStart, x: tile.style.getPropertyValue('--x') }));
    });
    assert.ok(placement.every((tile) => tile.x !== ''), JSON.stringify(placement));
    assert.ok(placement.every((tile) => tile.column === tile.x), `grid columns follow the layout: ${JSON.stringify(placement)}`);
    assert.ok(new Set(placement.map((tile) => tile.column)).size > 1, 'tiles sit side by side, not stacked in one column');
    await tab.waitForFunction(() => (document.querySelector('tc-dashboard')?.shadowRoot?.querySelector('canvas') as HTMLCanvasElement | null)?.width);

    const assistant = tab.locator('tc-ai-assistant');
    await assistant.getByRole('textbox').fill('Revenue by country');
    await assistant.getByRole('textbox').press('Enter');
    await assistant.locator('[part~="answer"] tbody tr').first().waitFor({ timeout: 20_000 });

    assert.deepEqual(await tab.evaluate('window.violations'), []);
    assert.deepEqual(problems, []);
    await tab.close();
  });
});
