import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { isRealFailure, launchChromium } from './browser.ts';
import {
  authorizeOrigin,
  demoApiKey,
  ensurePackagesBuilt,
  exampleDir,
  nextBuild,
  startExample,
  startNextExample,
  typecheck,
  viteBuild,
  type RunningExample,
} from './integrator-kit.ts';
import { freePort, startServerProcess, type ServerProcess } from './server-process.ts';

/** The first column of the "Revenue by region" tile's table: the regions row-level security let through. */
async function regionsShown(page: Page): Promise<string[]> {
  const tile = page.locator('tc-dashboard [part~="tile"]', { has: page.locator('h3', { hasText: 'Revenue by region' }) });
  return (await tile.locator('tbody tr td:first-child').allTextContents()).map((text) => text.trim());
}

async function statusShows(page: Page, text: string | RegExp): Promise<void> {
  await page.getByRole('status').filter({ hasText: text }).waitFor({ timeout: 20_000 });
}

/**
 * What every quick start must do in a real browser: render the seeded "Sales overview" dashboard with the rows the
 * signed-in user's attributes allow (region Europe), get its first token through the page's fetchToken, and renew
 * it through the same callback before it expires (the page's clock is fast-forwarded 55 minutes, where a one-hour
 * token is due). The API key never reaches the page; nothing fails on the way.
 */
async function checkQuickStart(browser: Browser, exampleUrl: string, apiKey: string): Promise<void> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems: string[] = [];
  const tokenRequests: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => message.type() === 'error' && problems.push(`console: ${message.text()}`));
  page.on('requestfailed', async (request) => (await isRealFailure(request)) && problems.push(`failed: ${request.url()} ${request.failure()?.errorText}`));
  page.on('response', (response) => response.status() >= 400 && problems.push(`HTTP ${response.status()}: ${response.url()}`));
  page.on('request', (request) => request.url() === `${exampleUrl}/api/tc-token` && tokenRequests.push(request.method()));
  try {
    await page.clock.install();
    await page.goto(exampleUrl);
    await statusShows(page, 'Ready for user-123');
    assert.equal((await page.locator('tc-dashboard [part="title"]').textContent())?.trim(), 'Sales overview');
    assert.ok((await page.locator('tc-dashboard [part~="tile"]').count()) >= 5, 'the dashboard shows its tiles');
    await page.waitForFunction(() => document.querySelector('tc-dashboard')?.shadowRoot?.querySelector('[part~="tile"] tbody tr'));
    assert.deepEqual([...new Set(await regionsShown(page))], ['Europe']);
    assert.deepEqual(tokenRequests, ['POST'], 'the first token came through fetchToken');

    await page.clock.fastForward('55:00');
    await statusShows(page, /Token refreshed, valid until/);
    assert.deepEqual(tokenRequests, ['POST', 'POST'], 'the renewal went through fetchToken');
    assert.deepEqual([...new Set(await regionsShown(page))], ['Europe']);

    assert.ok(!(await page.content()).includes(apiKey), 'the API key reached the page');
    assert.equal(await page.locator('tc-dashboard').getAttribute('auth-token'), null, 'a token was written into the DOM');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
}

export interface QuickStart {
  /** The folder under demo/examples/. */
  example: string;
  title: string;
  /**
   * How the example is built and run: `server` (its server.ts serves the page as written), `vite` (a Vite app
   * built first, served by its server.ts) or `next` (a Next.js app: `next build`, then `next start`).
   */
  kind: 'server' | 'vite' | 'next';
  /** How the example's code is type-checked (`next build` checks a Next.js app itself). */
  checker: 'tsc' | 'vue-tsc' | 'next build';
}

/**
 * One quick start, end to end: a real tc-embed server on a fresh data dir, the example's origin authorized with the
 * CLI, the example type-checked and built against the published packages, its server started with the demo API key,
 * and checkQuickStart in Chromium. The server starts while the example builds.
 */
export function describeQuickStart({ example: name, title, kind, checker }: QuickStart): void {
  describe(`quick start: ${title}`, { timeout: 90_000 }, () => {
    let starting: Promise<ServerProcess> | undefined;
    let example: RunningExample | undefined;
    let browser: Browser | undefined;
    let distDir: string | undefined;

    before(async () => {
      const serverPort = await freePort();
      const serverUrl = `http://localhost:${serverPort}`;
      starting = startServerProcess({ PORT: String(serverPort) });
      starting.catch(() => {}); // awaited below; a build failure must not leave it unhandled
      ensurePackagesBuilt();
      // Built into a scratch directory: the example's own dist (what `npm start` builds) is left alone. A Next.js
      // app builds into its .next, as `npm run build` does (`next dev` keeps its own output in .next/dev).
      if (kind === 'vite') {
        distDir = mkdtempSync(join(tmpdir(), `tc-embed-example-${name}-`));
        viteBuild(exampleDir(name), serverUrl, ['--outDir', distDir, '--emptyOutDir']);
      }
      if (kind === 'next') nextBuild(exampleDir(name), serverUrl);
      if (checker !== 'next build') typecheck(exampleDir(name), checker);
      const server = await starting;
      const port = await freePort();
      authorizeOrigin(server, `http://localhost:${port}`);
      const backendEnv = { TC_EMBED_URL: serverUrl, TC_EMBED_API_KEY: demoApiKey(server) };
      example =
        kind === 'next'
          ? await startNextExample(name, port, backendEnv)
          : await startExample(name, { PORT: String(port), ...backendEnv, ...(distDir ? { DIST_DIR: distDir } : {}) });
      browser = await launchChromium();
    });

    after(async () => {
      await browser?.close();
      await example?.stop();
      await (await starting?.catch(() => undefined))?.stop();
      if (distDir) rmSync(distDir, { recursive: true, force: true });
    });

    it("renders the dashboard with the user's rows, and gets and renews tokens through fetchToken", async () => {
      await checkQuickStart(browser!, example!.url, demoApiKey(await starting!));
    });
  });
}
