import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from './helpers/browser.ts';
import { ensureConsoleBuilt } from './helpers/console-build.ts';
import { POSTGRES_URL, postgresAvailability } from './helpers/postgres.ts';
import { freePort, startServerProcess, type ServerProcess } from './helpers/server-process.ts';

/**
 * The admin console end to end: the real server as a process on a fresh data dir, the built console in headless
 * Chromium, every flow driven through the UI as a person would (labels, buttons, the keyboard) — never the API.
 */

const ADMIN_EMAIL = 'admin@example.com';
const ADMIN_PASSWORD = 'e2e console password';
// The test server trusts local connections; a password in TC_TEST_DATABASE_URL is used when there is one.
const CONNECTION_PASSWORD = decodeURIComponent(new URL(POSTGRES_URL).password) || 'e2e-connection-secret-9731';

/**
 * Every text node and input value under the document and all open shadow roots. Written as a string: the test
 * runner's transform would add helpers to a function that the page cannot see.
 */
const DEEP_TEXT_SCRIPT = `(() => {
  const parts = [];
  const walk = (root) => {
    for (const node of root.childNodes) {
      if (node.nodeType === Node.TEXT_NODE) parts.push(node.textContent);
      if (node instanceof HTMLInputElement || node instanceof HTMLTextAreaElement) parts.push(node.value);
      if (node instanceof Element) {
        if (node.shadowRoot) walk(node.shadowRoot);
        walk(node);
      }
    }
  };
  walk(document);
  return parts.join(' ');
})()`;

async function deepText(page: Page): Promise<string> {
  return page.evaluate(DEEP_TEXT_SCRIPT) as Promise<string>;
}

describe('admin console in Chromium', { timeout: 240_000 }, () => {
  let server: ServerProcess;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let createdKey = '';
  const pageErrors: string[] = [];

  before(async () => {
    ensureConsoleBuilt();
    const port = await freePort();
    server = await startServerProcess(
      {
        PORT: String(port),
        TC_PUBLIC_URL: `http://127.0.0.1:${port}`,
        TC_ADMIN_EMAIL: ADMIN_EMAIL,
        TC_ADMIN_PASSWORD: ADMIN_PASSWORD,
        DATABASE_URL: '',
      },
      120_000,
    );
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    // The console's CSP allows scripts and styles from its own origin only: record anything it blocks.
    await context.addInitScript({
      content: `window.cspViolations = [];
        document.addEventListener('securitypolicyviolation', (event) => {
          window.cspViolations.push(event.violatedDirective + ' ' + event.blockedURI);
        });`,
    });
    page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    if (server) rmSync(server.dataDir, { recursive: true, force: true });
  });

  // undefined (not []) when the init script did not run, so this check cannot pass by accident.
  const cspViolations = () => page.evaluate('window.cspViolations');
  const openSettings = async () => {
    await page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Authorized origins' }).waitFor();
  };
  const openAccountSettings = async () => {
    await page.getByRole('button', { name: `Profile: ${ADMIN_EMAIL}` }).click();
    await page.getByRole('menuitem', { name: 'Account settings' }).click();
    await page.getByRole('heading', { name: 'Account settings' }).waitFor();
  };

  it('shows the sign-in form without a session, refuses a wrong password and signs in', async () => {
    const response = await page.goto(`${server.url}/console`);
    assert.equal(response?.status(), 200);
    assert.match(response!.headers()['content-security-policy'] ?? '', /script-src 'self'/);
    assert.equal(response!.headers()['x-frame-options'], 'DENY');

    await page.getByLabel('Email').fill(ADMIN_EMAIL);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'The email or password is not correct.' }).waitFor();

    await page.getByLabel('Password').fill(ADMIN_PASSWORD);
    await page.getByLabel('Password').press('Enter');
    await page.getByRole('navigation', { name: 'Main menu' }).waitFor();
    assert.equal(await page.getByRole('button', { name: `Profile: ${ADMIN_EMAIL}` }).textContent().then((text) => text?.includes('AD')), true);
  });

  it('creates an API key from Account settings, shows it once with a copy button, and only its prefix after reload', async () => {
    await openAccountSettings();
    // The button as the guide names it; without a name the key is named after when it was made.
    await page.getByRole('button', { name: 'Create API Key', exact: true }).click();
    await page.getByRole('region', { name: 'API key created' }).getByText(/API key “API key .+” created\./).waitFor();
    await page.getByRole('button', { name: 'I have stored the key' }).click();

    await page.getByLabel('Key name').fill('E2E backend');
    await page.getByRole('button', { name: 'Create API Key', exact: true }).click();
    const newKey = page.getByLabel('New API key', { exact: true });
    await newKey.waitFor();
    createdKey = await newKey.inputValue();
    assert.match(createdKey, /^tce_[0-9A-Za-z]{12}_[0-9A-Za-z]{49}$/);
    await page.getByText('this is the only time it is shown').waitFor();
    await page.getByText('Never put it in client-side code').waitFor();

    await page.getByRole('button', { name: 'Copy key' }).click();
    await page.getByRole('status').filter({ hasText: 'Copied' }).waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), createdKey);

    await page.reload();
    const row = page.getByRole('row').filter({ hasText: 'E2E backend' });
    await row.waitFor();
    const prefix = createdKey.slice(0, 'tce_'.length + 12);
    assert.match((await row.textContent()) ?? '', new RegExp(`${prefix}_…${createdKey.slice(-4)}`));
    assert.equal((await deepText(page)).includes(createdKey), false, 'the whole key is never shown again');
  });

  it('adds an authorized origin: refuses a path with an explanation, saves the normalised spelling', async () => {
    await openSettings();
    const input = page.getByLabel('Origin', { exact: true });
    await input.fill('https://partner.example.com/dashboards');
    await page.getByRole('button', { name: 'Add origin' }).click();
    await page.getByRole('alert').filter({ hasText: 'An origin has no path' }).waitFor();
    assert.equal(await input.getAttribute('aria-invalid'), 'true');

    await input.fill('HTTPS://Partner.Example.COM:443');
    await page.getByRole('button', { name: 'Add origin' }).click();
    await page.getByRole('status').filter({ hasText: 'Added as https://partner.example.com (normalised from' }).waitFor();
    await page.getByRole('row').filter({ hasText: 'https://partner.example.com' }).waitFor();

    await page.getByRole('button', { name: 'Remove https://partner.example.com' }).click();
    const dialog = page.getByRole('dialog', { name: 'Remove https://partner.example.com?' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('row').filter({ hasText: 'https://partner.example.com' }).waitFor();
  });

  it('adds a custom token attribute next to the read-only identity fields, and warns before removing one a rule uses', async () => {
    await page.getByRole('row').filter({ hasText: 'distinctId' }).getByText('Default · read-only').waitFor();
    await page.getByLabel('Name', { exact: true }).fill('9lives');
    await page.getByRole('button', { name: 'Add attribute' }).click();
    await page.getByRole('alert').filter({ hasText: 'must start with a letter or underscore' }).waitFor();

    await page.getByLabel('Name', { exact: true }).fill('department');
    await page.getByLabel('Type', { exact: true }).selectOption('string');
    await page.getByLabel('Description (optional)').fill('Department the user works in.');
    await page.getByRole('button', { name: 'Add attribute' }).click();
    await page.getByRole('row').filter({ hasText: 'Department the user works in.' }).waitFor();
    // The sandbox offers the new attribute at once.
    await page.getByLabel('department (string)').first().waitFor();

    // Removing an attribute that an access rule uses warns first (the seeded rule on Sales uses region).
    await page.getByRole('button', { name: 'Remove region' }).click();
    const dialog = page.getByRole('dialog', { name: 'Remove the attribute region?' });
    await dialog.getByRole('alert').filter({ hasText: 'Access rules on Sales use region' }).waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('row').filter({ hasText: 'Sales region the user may see.' }).waitFor();
  });

  it('generates a sandbox token with the pasted key, copies a ready snippet, and introspects the token', async () => {
    const sandbox = page.getByRole('region', { name: 'Generated token' });
    await page.getByLabel('API key').fill(createdKey);
    await page.getByLabel('distinctId').first().fill('e2e-user');
    await page.locator('#sandbox-attr-region').fill('Europe');
    await page.locator('#sandbox-attr-department').fill('Sales');
    assert.equal(await page.getByLabel('Valid for').inputValue(), '1h');
    await page.getByRole('button', { name: 'Generate Token' }).click();
    await sandbox.waitFor();
    await sandbox.getByText('Valid for 1 hour').waitFor();
    const token = await page.getByLabel('Token', { exact: true }).first().inputValue();
    assert.match(token, /^[\w-]+\.\.[\w-]+\.[\w-]+\.[\w-]+$/);
    const snippet = await page.getByLabel('Paste into a page of an authorized origin').inputValue();
    assert.ok(snippet.includes(`<script type="module" src="${server.url}/embed/embed.js"></script>`), snippet);
    assert.ok(snippet.includes(`<tc-dashboard dashboard-id="sales" auth-token="${token}" server-url="${server.url}"`), snippet);
    await sandbox.getByRole('button', { name: 'Copy token' }).click();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), token);

    await sandbox.getByRole('button', { name: 'Inspect in Token introspection' }).click();
    const details = page.getByRole('region', { name: 'Token details' });
    await details.getByText('Valid', { exact: true }).waitFor();
    assert.equal(await details.locator('[data-claim="distinctId"]').textContent(), 'e2e-user');
    assert.match((await details.locator('[data-claim="org"]').textContent()) ?? '', /Demo Organization/);
    assert.equal(await details.locator('[data-claim="permissions"]').textContent(), 'dashboards:view, assistant');
    assert.deepEqual(JSON.parse((await details.locator('[data-claim="attributes"] pre').textContent()) ?? '{}'), { region: 'Europe', department: 'Sales' });
    assert.match((await details.locator('[data-claim="timeLeft"]').textContent()) ?? '', /^(59 min|1 h 00 min)/);

    // A token that is not one of ours says why.
    await page.getByLabel('Token', { exact: true }).last().fill(`${token.slice(0, -6)}AAAAAA`);
    await page.getByRole('button', { name: 'Inspect token' }).click();
    await details.getByText('Invalid', { exact: true }).waitFor();
  });

  it('adds a PostgreSQL connection, tests it, and shows its password masked after reload', async (t) => {
    const postgres = await postgresAvailability();
    if (!postgres.available) return t.skip(postgres.reason);
    await page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Databases' }).click();
    await page.getByRole('link', { name: 'Add connection' }).click();
    await page.getByRole('heading', { name: 'Add a PostgreSQL connection' }).waitFor();
    const target = new URL(POSTGRES_URL);
    await page.getByLabel('Name').fill('E2E warehouse');
    await page.getByLabel('Host').fill(target.hostname);
    await page.getByLabel('Port').fill('1');
    await page.getByLabel('Database').fill(target.pathname.slice(1));
    await page.getByLabel('User').fill(decodeURIComponent(target.username) || 'postgres');
    await page.getByLabel('Password').fill(CONNECTION_PASSWORD);
    await page.getByLabel('SSL mode').selectOption('disable');
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.getByRole('alert').filter({ hasText: 'Host unreachable' }).waitFor();

    await page.getByLabel('Port').fill(target.port || '5432');
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.getByRole('status').filter({ hasText: /Connected in \d+ ms/ }).waitFor();
    await page.getByRole('button', { name: 'Save connection' }).click();
    await page.waitForURL(/\/console\/databases\/connections\/[^/]+$/);
    await page.getByRole('heading', { name: 'E2E warehouse' }).waitFor();

    await page.reload();
    const password = page.getByLabel('Password');
    await password.waitFor();
    assert.equal(await password.inputValue(), '••••••');
    await page.getByText('A password is stored (encrypted; never shown)').waitFor();
    assert.equal((await deepText(page)).includes(CONNECTION_PASSWORD), false);
    // Saved and tested again without retyping: the stored password is kept.
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.getByRole('status').filter({ hasText: /Connected in \d+ ms/ }).waitFor();

    await page.getByRole('link', { name: 'Databases' }).first().click();
    const row = page.getByRole('row').filter({ hasText: 'E2E warehouse' });
    await row.waitFor();
    assert.equal(await row.locator('[data-password]').textContent(), '••••••');
  });

  it("adds a table of the connection's database, which then lists for metadata and access rules", async (t) => {
    const postgres = await postgresAvailability();
    if (!postgres.available) return t.skip(postgres.reason);
    const schema = `tc_e2e_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    try {
      await admin.query(`create schema ${schema}`);
      await admin.query(`create table ${schema}.shipments (region text, weight numeric, shipped date, labels jsonb)`);
      await page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Databases' }).click();
      await page.getByRole('button', { name: 'Add tables from E2E warehouse' }).click();
      const panel = page.getByRole('region', { name: 'Add tables from E2E warehouse' });
      const row = panel.locator(`[data-available-table="${schema}.shipments"]`);
      await row.waitFor();
      assert.match((await row.textContent()) ?? '', /3 usable, 1 not supported\s+\(labels\)/);
      await row.getByRole('button', { name: `Add ${schema}.shipments` }).click();
      await panel.getByRole('status').filter({ hasText: 'No user sees its rows until you set its access rules' }).waitFor();
      await row.getByText('added').waitFor();

      const tables = page.getByRole('region', { name: 'Tables', exact: true });
      await tables.getByRole('row').filter({ hasText: `${schema}.shipments` }).getByText('no rules: no rows').waitFor();
      await tables.getByRole('link', { name: 'Shipments' }).click();
      await page.getByRole('heading', { name: 'Shipments', level: 1 }).waitFor();
      await page.getByRole('heading', { name: 'Access rules' }).waitFor();
      await page.getByRole('button', { name: 'Edit column weight' }).waitFor();

      // Removing it (after confirming) leaves the database alone; it can be added again.
      await page.getByRole('button', { name: 'Remove table' }).click();
      await page.getByRole('dialog', { name: 'Remove Shipments?' }).getByRole('button', { name: 'Remove table' }).click();
      await page.waitForURL(/\/console\/databases$/);
      await tables.getByRole('row').first().waitFor();
      assert.equal(await tables.getByRole('link', { name: 'Shipments' }).count(), 0);
      assert.equal((await admin.query(`select count(*)::int as n from ${schema}.shipments`)).rows[0].n, 0);
    } finally {
      await admin.query(`drop schema if exists ${schema} cascade`);
      await admin.end();
    }
  });

  it('changes an access rule and sees the preview count change', async () => {
    await page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Databases' }).click();
    await page.getByRole('link', { name: 'Sales' }).click();
    await page.getByRole('heading', { name: 'Access rules' }).waitFor();

    // Column metadata: give "channel" a clearer label.
    await page.getByRole('button', { name: 'Edit column channel' }).click();
    await page.getByLabel('Label of channel').fill('Sales channel');
    await page.getByLabel('Synonyms of channel, comma-separated').fill('store type, outlet');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Saved the column channel.' }).waitFor();
    assert.match((await page.getByRole('row').filter({ hasText: 'Sales channel' }).textContent()) ?? '', /store type, outlet/);
    const rowCount = async () => {
      await page.getByRole('button', { name: 'Preview row count' }).click();
      const result = page.locator('[data-row-count]');
      await result.waitFor();
      await page.getByRole('button', { name: 'Preview row count' }).and(page.locator(':enabled')).waitFor();
      return Number(await result.getAttribute('data-row-count'));
    };
    await page.getByRole('region', { name: 'Preview', exact: true }).waitFor();

    // The seeded rule: region equals the token's region.
    await page.locator('#preview-attr-region').fill('Europe');
    const europe = await rowCount();
    assert.ok(europe > 1000, `Europe shows ${europe} rows`);
    await page.locator('#preview-attr-region').fill('');
    assert.equal(await rowCount(), 0, 'no region attribute: no rows');

    // Narrow it: AND country equals the token's country.
    await page.getByRole('button', { name: 'Add condition' }).click();
    await page.getByLabel('Column of condition 2').selectOption('country');
    assert.equal(await page.getByLabel('Operator of condition 2').inputValue(), 'equals');
    assert.equal(await page.getByLabel('Token attribute of condition 2').inputValue(), 'country');
    await page.getByText('Unsaved changes').waitFor();
    await page.getByText('The preview uses the saved rules').waitFor();
    await page.getByRole('button', { name: 'Save rules' }).click();
    await page.getByRole('status').filter({ hasText: 'Access rules saved' }).waitFor();

    await page.locator('#preview-attr-region').fill('Europe');
    await page.locator('#preview-attr-country').fill('France');
    const france = await rowCount();
    assert.ok(france > 0 && france < europe, `France ${france} < Europe ${europe}`);
    await page.locator('#preview-attr-country').fill('');
    assert.equal(await rowCount(), 0, 'a rule whose attribute is missing yields no rows');
  });

  it('previews a dashboard as a chosen user with the real <tc-dashboard>', async () => {
    const embedScript = await page.request.get(`${server.url}/embed/embed.js`);
    assert.equal(embedScript.status(), 200, '/embed/embed.js is not served: run `npm run build` (the elements) first');
    await page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Dashboards' }).click();
    await page.getByRole('link', { name: 'Sales overview' }).click();
    // The rules now need region and country (previous test).
    await page.locator('#dash-attr-region').fill('Europe');
    await page.locator('#dash-attr-country').fill('France');
    await page.getByRole('button', { name: 'Show preview' }).click();
    await page.locator('tc-dashboard').waitFor();
    await page.getByRole('status').filter({ hasText: '{"country":"France","region":"Europe"}' }).waitFor();
    // Tiles render inside the element's shadow root: the top products table lists French sales.
    await page.getByRole('heading', { name: 'Top products' }).waitFor({ timeout: 30_000 });
    await page.getByRole('cell', { name: /^\$[\d,]+$/ }).first().waitFor();
    assert.equal(await page.getByRole('alert').count(), 0, await deepText(page));
  });

  it('revokes the key after confirming, and the sandbox then refuses it with a clear message', async () => {
    await openAccountSettings();
    await page.getByRole('button', { name: 'Revoke E2E backend' }).click();
    const dialog = page.getByRole('dialog', { name: 'Revoke “E2E backend”?' });
    await dialog.getByText('This cannot be undone.').waitFor();
    await dialog.getByRole('button', { name: 'Revoke key' }).click();
    await page.getByRole('row').filter({ hasText: 'E2E backend' }).getByText('Revoked').waitFor();

    await openSettings();
    await page.getByLabel('API key').fill(createdKey);
    await page.getByRole('button', { name: 'Generate Token' }).click();
    await page.getByRole('alert').filter({ hasText: 'not valid or has been revoked' }).waitFor();
    assert.equal(await page.getByLabel('API key').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.getByRole('region', { name: 'Generated token' }).count(), 0);
  });

  it('lists token mints in the audit log and filters them by distinctId', async () => {
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    const minted = page.getByRole('row').filter({ hasText: 'Token minted' }).filter({ hasText: 'e2e-user' });
    await minted.first().waitFor();
    assert.match((await minted.first().textContent()) ?? '', /E2E backend/);

    await page.getByLabel('distinctId').fill('nobody-at-all');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.getByText('No events match these filters').waitFor();
    await page.getByLabel('distinctId').fill('e2e-user');
    await page.getByRole('button', { name: 'Filter' }).click();
    await minted.first().waitFor();
    const users = await page.locator('tbody tr td:nth-child(4)').allTextContents();
    assert.ok(users.length > 0 && users.every((user) => user.trim() === 'e2e-user'), users.join(', '));
  });

  it('switches to the dark theme from the profile menu with the keyboard, and signs out', async () => {
    const profile = page.getByRole('button', { name: `Profile: ${ADMIN_EMAIL}` });
    await profile.focus();
    await page.keyboard.press('ArrowDown');
    await page.getByRole('menu', { name: 'Profile' }).waitFor();
    await page.getByRole('menuitemradio', { name: 'Dark' }).click();
    await page.keyboard.press('Escape');
    await page.getByRole('menu', { name: 'Profile' }).waitFor({ state: 'detached' });
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert.notEqual(background, 'rgb(246, 247, 249)');

    await profile.click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    const me = await page.evaluate(() => fetch('/api/auth/me').then((response) => response.status));
    assert.equal(me, 401);
  });

  it('ran without script errors or CSP violations', async () => {
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(await cspViolations(), []);
  });
});
