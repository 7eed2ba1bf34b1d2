import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createTcEmbedClient, createTokenHandler } from '../packages/node/src/index.ts';
import { launchChromium } from './helpers/browser.ts';
import { authorizeOrigin, demoApiKey, ensurePackagesBuilt, typecheck, viteBuild } from './helpers/integrator-kit.ts';
import { freePort, REPO_ROOT, startServerProcess, type ServerProcess } from './helpers/server-process.ts';

const PACKAGE_DIR = join(REPO_ROOT, 'packages/react');
const FIXTURE_DIR = join(PACKAGE_DIR, 'test/fixture');

interface RecordedEvent {
  type: string;
  element: string;
  detail: Record<string, unknown> & { code?: string; user?: { distinctId: string } };
}

/** What the fixture page (packages/react/test/fixture/main.tsx) puts on `window`. */
interface FixtureWindow {
  recorded: RecordedEvent[];
  harness: { render(props: { dashboardId?: string; theme?: 'light' | 'dark' }): void; unmount(): void };
}

/** The properties of <tc-dashboard> this test reads back. */
interface DashboardElement extends HTMLElement {
  fetchToken?: unknown;
  dashboardId?: string;
}

/**
 * @tc-embed/react in Chromium: React 19 renders <TcDashboard> and <TcAiAssistant> from the built package, against a
 * real tc-embed server, with tokens from a host endpoint made with @tc-embed/node. The page records every event
 * that reached an onTc* prop.
 */
describe('@tc-embed/react in Chromium', { timeout: 90_000 }, () => {
  let starting: Promise<ServerProcess> | undefined;
  let server: ServerProcess;
  let host: Server;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let outDir: string;
  const tokenRequests: string[] = [];
  const problems: string[] = [];

  const recorded = (): Promise<RecordedEvent[]> => page.evaluate(() => (window as unknown as FixtureWindow).recorded);
  const waitForEvent = async (type: string, element: string, count = 1) => {
    await page.waitForFunction(
      ([t, e, n]) => (window as unknown as FixtureWindow).recorded.filter((event) => event.type === t && event.element === e).length >= (n as number),
      [type, element, count] as const,
      { timeout: 20_000 },
    );
    return (await recorded()).filter((event) => event.type === type && event.element === element).at(-1)!;
  };

  before(async () => {
    // The server starts while the package and the page build.
    const serverPort = await freePort();
    const serverUrl = `http://localhost:${serverPort}`;
    starting = startServerProcess({ PORT: String(serverPort) });
    starting.catch(() => {}); // awaited below; a build failure must not leave it unhandled
    ensurePackagesBuilt();
    typecheck(PACKAGE_DIR);
    outDir = mkdtempSync(join(tmpdir(), 'tc-embed-react-fixture-'));
    viteBuild(FIXTURE_DIR, serverUrl, ['--outDir', outDir, '--emptyOutDir']);
    server = await starting;

    // The host app: the built page, and a token endpoint that mints for its signed-in user.
    const tc = createTcEmbedClient({ serverUrl, apiKey: demoApiKey(server) });
    const tokenEndpoint = createTokenHandler(tc, () => ({ distinctId: 'react-user', attributes: { region: 'Europe' } }));
    host = createServer(async (request, response) => {
      if (request.url === '/token') {
        tokenRequests.push(request.method!);
        return tokenEndpoint(request, response);
      }
      const file = request.url === '/' ? 'index.html' : request.url!.slice(1).split('?')[0]!;
      try {
        const body = await readFile(join(outDir, file.replaceAll('..', '')));
        response.writeHead(200, { 'content-type': extname(file) === '.html' ? 'text/html' : 'text/javascript' }).end(body);
      } catch {
        response.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
    const hostUrl = `http://localhost:${(host.address() as AddressInfo).port}`;
    authorizeOrigin(server, hostUrl);

    browser = await launchChromium();
    context = await browser.newContext();
    page = await context.newPage();
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => message.type() === 'error' && problems.push(`console: ${message.text()}`));
    await page.clock.install();
    await page.goto(hostUrl);
  });

  after(async () => {
    await browser?.close();
    host?.closeAllConnections();
    await new Promise((resolve) => (host ? host.close(resolve) : resolve(undefined)));
    await (await starting?.catch(() => undefined))?.stop();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  it('sets props as element properties and delivers tc-ready to onTcReady, for both components', async () => {
    await page.evaluate(() => (window as unknown as FixtureWindow).harness.render({ dashboardId: 'sales' }));
    const dashboardReady = await waitForEvent('tc-ready', 'tc-dashboard');
    const assistantReady = await waitForEvent('tc-ready', 'tc-ai-assistant');
    assert.equal(dashboardReady.detail.user?.distinctId, 'react-user');
    assert.equal(assistantReady.detail.user?.distinctId, 'react-user');

    const element = await page.evaluate(() => {
      const dashboard = document.querySelector<DashboardElement>('tc-dashboard')!;
      return {
        fetchTokenIsProperty: typeof dashboard.fetchToken === 'function' && !dashboard.hasAttribute('fetchtoken'),
        dashboardId: dashboard.dashboardId,
        theme: dashboard.getAttribute('data-theme'),
      };
    });
    assert.deepEqual(element, { fetchTokenIsProperty: true, dashboardId: 'sales', theme: 'light' });
    assert.equal((await page.locator('tc-dashboard [part="title"]').textContent())?.trim(), 'Sales overview');
    // Both elements got their token from the same callback: one session, one request.
    assert.deepEqual(tokenRequests, ['POST']);
  });

  it('passes a changed prop on: an unknown dashboard arrives as onTcError with its code', async () => {
    await page.evaluate(() => (window as unknown as FixtureWindow).harness.render({ dashboardId: 'no-such-dashboard', theme: 'dark' }));
    const error = await waitForEvent('tc-error', 'tc-dashboard');
    assert.equal(error.detail.code, 'not_found');
    assert.equal(await page.locator('tc-dashboard').getAttribute('data-theme'), 'dark');
    assert.equal(await page.evaluate(() => document.querySelector<DashboardElement>('tc-dashboard')!.dashboardId), 'no-such-dashboard');
    await page.evaluate(() => (window as unknown as FixtureWindow).harness.render({ dashboardId: 'sales' }));
    await page.locator('tc-dashboard [part="title"]', { hasText: 'Sales overview' }).waitFor();
  });

  it('delivers tc-token-refreshed to onTcTokenRefreshed when the token is renewed through fetchToken', async () => {
    await page.clock.fastForward('55:00');
    const refreshed = await waitForEvent('tc-token-refreshed', 'tc-dashboard');
    assert.ok(Date.parse(String(refreshed.detail.expiresAt)) > Date.now() + 50 * 60_000);
    assert.deepEqual(tokenRequests, ['POST', 'POST']);
    assert.equal((await recorded()).filter((event) => event.type === 'tc-token-expired').length, 0);
  });

  it('unmounting removes the elements, and their session stops renewing', async () => {
    await page.evaluate(() => (window as unknown as FixtureWindow).harness.unmount());
    assert.equal(await page.locator('tc-dashboard, tc-ai-assistant').count(), 0);
    await page.clock.fastForward('02:00:00');
    await page.waitForTimeout(200);
    assert.deepEqual(tokenRequests, ['POST', 'POST']);
    assert.deepEqual(problems.filter((problem) => !problem.includes('404')), []);
  });
});
