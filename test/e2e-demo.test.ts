import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { isRealFailure, launchChromium } from './helpers/browser.ts';
import { ensureElementsBuilt } from './helpers/elements-build.ts';
import { freePort, REPO_ROOT, startServerProcess, type ServerProcess } from './helpers/server-process.ts';

/**
 * The demo host app end to end, as an integrator's page runs: the real server and the demo host as processes on a
 * fresh data dir, embed.js from the server, tokens minted by the host's backend, the page in headless Chromium.
 */

interface DemoProcess {
  child: ChildProcess;
  output(): string;
}

async function startDemo(env: Record<string, string>): Promise<DemoProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'demo/server.ts')], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the demo did not start:\n${output}`)), 20_000);
    child.stdout!.on('data', () => output.includes('Demo host app on') && (clearTimeout(timer), resolve()));
    child.once('exit', (code) => (clearTimeout(timer), reject(new Error(`the demo exited with ${code}:\n${output}`))));
  });
  child.removeAllListeners('exit');
  return { child, output: () => output };
}

function stopGroup(child: ChildProcess | undefined): void {
  if (!child?.pid || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    // already gone
  }
}

/** The region names shown in the "Revenue by region" tile (its screen-reader table holds the chart's rows). */
function regionsShown(page: Page): Promise<string[] | null> {
  return page.evaluate(() => {
    const root = document.querySelector('tc-dashboard')?.shadowRoot;
    const tile = [...(root?.querySelectorAll('[part~="tile"]') ?? [])].find((t) => t.querySelector('h3')?.textContent === 'Revenue by region');
    if (!tile) return null;
    return [...tile.querySelectorAll('tbody tr')].map((row) => row.querySelector('td')!.textContent!.trim());
  });
}

async function eventsLogged(page: Page, type: string): Promise<number> {
  return page.locator(`#log li[data-event="${type}"]`).count();
}

describe('demo host app in Chromium', { timeout: 120_000 }, () => {
  let server: ServerProcess;
  let demo: DemoProcess;
  let browser: Browser;
  let demoUrl: string;
  let otherOriginUrl: string;

  before(async () => {
    ensureElementsBuilt();
    server = await startServerProcess({ TC_ADMIN_PASSWORD: 'e2e demo password' });
    const serverUrl = `http://localhost:${server.port}`;
    const [demoPort, otherPort] = [await freePort(), await freePort()];
    demoUrl = `http://localhost:${demoPort}`;
    otherOriginUrl = `http://127.0.0.1:${otherPort}`;
    // As an operator would: authorize the host's origin (the seed knows only port 3000). Not the second origin.
    const cli = spawnSync(process.execPath, [join(REPO_ROOT, 'packages/server/bin/tc-embed.js'), 'origins', 'add', demoUrl], {
      cwd: REPO_ROOT,
      env: { ...process.env, TC_DATA_DIR: server.dataDir, PORT: String(server.port) },
      encoding: 'utf8',
    });
    assert.equal(cli.status, 0, cli.stderr);
    demo = await startDemo({
      TC_DATA_DIR: server.dataDir,
      TC_DEMO_PORT: String(demoPort),
      TC_DEMO_SECOND_PORT: String(otherPort),
      TC_DEMO_SERVER_URL: serverUrl,
    });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    stopGroup(demo?.child);
    await server?.stop();
    if (server) rmSync(server.dataDir, { recursive: true, force: true });
  });

  it('renders the dashboard, and each user sees only the rows row-level security allows', async () => {
    const page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(demoUrl);
    // The dashboard's tc-ready (the assistant has one too) comes once every tile has arrived.
    await page.locator('#log li[data-event="tc-ready"]', { hasText: 'tc-dashboard' }).first().waitFor({ timeout: 20_000 });
    assert.equal(await page.locator('tc-dashboard [part="title"]').textContent(), 'Sales overview');
    assert.ok((await page.locator('tc-dashboard [part~="tile"]').count()) >= 5);
    await page.waitForFunction(() => document.querySelector('tc-dashboard')?.shadowRoot?.querySelector('canvas')?.width);

    assert.deepEqual(await regionsShown(page), ['Europe']);
    await page.selectOption('#user', 'north-america');
    await waitFor(async () => JSON.stringify(await regionsShown(page)) === '["North America"]', 'North American rows');

    await page.selectOption('#user', 'no-region');
    await waitFor(async () => (await page.locator('tc-dashboard [part~="tile"] [part="empty"]').count()) >= 5, 'empty tiles for a user without region');
    assert.deepEqual(await regionsShown(page), []);
    // The API key stays on the host's server.
    assert.doesNotMatch(await page.content(), /tce_|x-api-key/i);
    assert.deepEqual(pageErrors, []);
    await page.close();
  });

  it('renews a 1-minute token at about 30 s, with no failed request and no token written back', async () => {
    const page = await browser.newPage();
    const failures: string[] = [];
    page.on('requestfailed', async (request) => (await isRealFailure(request)) && failures.push(`${request.url()} ${request.failure()?.errorText}`));
    page.on('response', (response) => response.status() >= 400 && failures.push(`${response.url()} ${response.status()}`));
    await page.goto(demoUrl);
    await page.locator('#log li[data-event="tc-ready"]', { hasText: 'tc-dashboard' }).first().waitFor({ timeout: 20_000 });
    await page.locator('#log li[data-event="tc-ready"]', { hasText: 'tc-ai-assistant' }).first().waitFor({ timeout: 20_000 });
    failures.length = 0;
    await page.selectOption('#lifetime', '1m');
    // Wait for the remount with the 1-minute callback, not a tile of the element it replaces.
    await page.locator('#log li[data-event="host-mounted"]', { hasText: '"expiresIn":"1m"' }).first().waitFor({ timeout: 20_000 });
    await page.locator('tc-dashboard [part~="tile"]').first().waitFor();
    const mountedAt = Date.now();
    const initialToken = await page.locator('tc-dashboard').getAttribute('auth-token');
    await page.locator('#log li[data-event="tc-token-refreshed"]').first().waitFor({ timeout: 45_000 });
    const elapsed = Date.now() - mountedAt;
    assert.ok(elapsed > 25_000 && elapsed < 40_000, `refreshed after ${elapsed} ms`);
    // Dashboard and assistant share the session: one mint for the first token, one for the renewal.
    await page.waitForTimeout(500);
    const mints = await page.locator('#log li[data-event="host-minted-token"]').count();
    assert.equal(mints, 2 + 1, 'one mint for the first page mount, one after choosing 1 minute, one renewal');
    assert.equal(await eventsLogged(page, 'tc-token-expired'), 0);
    assert.equal(await eventsLogged(page, 'tc-error'), 0);
    assert.equal(await page.locator('tc-dashboard').getAttribute('auth-token'), initialToken);
    assert.deepEqual(failures, []);
    await page.close();
  });

  it('shows the origin error on a host origin that is not authorized', async () => {
    const page = await browser.newPage();
    await page.goto(otherOriginUrl);
    const error = page.locator('tc-dashboard [part="error"]');
    await error.waitFor({ timeout: 20_000 });
    const text = (await error.textContent()) ?? '';
    assert.match(text, new RegExp(otherOriginUrl.replaceAll('.', '\\.')));
    assert.match(text, /Settings › Embed & access › Authorized origins/);
    assert.equal(await error.getAttribute('role'), 'alert');
    assert.equal(await page.locator('tc-dashboard [part~="tile"]').count(), 0);
    await page.locator('#log li[data-event="tc-error"]').first().waitFor();
    assert.match((await page.locator('#log li[data-event="tc-error"]').first().textContent()) ?? '', /origin_not_authorized/);
    await page.close();
  });
});

async function waitFor(probe: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (await probe()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}
