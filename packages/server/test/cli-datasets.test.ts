import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CLI_BIN, freePort, processEnv, processStore, REPO_ROOT, runCli, startServerProcess, type CliResult, type ProcessStore, type ServerProcess } from './helpers/processes.ts';
import { SAMPLE_ROWS } from './helpers/sample-reference.ts';

const DEMO_HOST_ORIGIN = 'http://localhost:3000';

function assertOneLineError(result: CliResult, exitCode: number, message: RegExp): void {
  assert.equal(result.code, exitCode, `${result.code} ${result.stdout} ${result.stderr}`);
  assert.equal(result.stdout, '');
  const lines = result.stderr.split('\n').filter(Boolean);
  assert.equal(lines.length, 1, result.stderr);
  assert.match(lines[0]!, /^tc-embed: /);
  assert.match(lines[0]!, message);
}

describe('tc-embed tables, rules and dashboards commands, as processes', () => {
  let dataDir: string;
  let workDir: string;
  let store: ProcessStore;
  let port: number;
  let env: NodeJS.ProcessEnv;
  let server: ServerProcess | undefined;

  const cli = (...args: string[]) => runCli(args, env);
  /** The CLI run from `cwd` (the server runs from the repository root, so relative paths differ between them). */
  const cliIn = (cwd: string, ...args: string[]) =>
    new Promise<CliResult>((resolve) => {
      execFile(process.execPath, [join(REPO_ROOT, CLI_BIN), ...args], { cwd, env, timeout: 60_000 }, (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
      });
    });
  /** A file in the test's own directory, named relative to the directory the CLI runs in (the repository root). */
  const writeJson = (name: string, content: unknown) => {
    const path = join(workDir, name);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    return relative(REPO_ROOT, path);
  };
  /** The seeded dashboard as a demo user with these attributes sees it, over HTTP. */
  const viewAs = async (attributes: Record<string, unknown>) => {
    const demoKey = readFileSync(join(dataDir, 'demo-api-key'), 'utf8').trim();
    const minted = await fetch(`http://127.0.0.1:${port}/embed/generate-token`, {
      method: 'POST',
      headers: { 'x-api-key': demoKey, 'content-type': 'application/json' },
      body: JSON.stringify({ user: { distinctId: 'cli-check', role: 'explorer', attributes } }),
    });
    assert.equal(minted.status, 200);
    const { token } = (await minted.json()) as { token: string };
    const response = await fetch(`http://127.0.0.1:${port}/embed/dashboards/sales`, {
      headers: { authorization: `Bearer ${token}`, origin: DEMO_HOST_ORIGIN },
    });
    assert.equal(response.status, 200);
    const body = (await response.json()) as { dashboard: { title: string }; tiles: { id: string; rows: Record<string, unknown>[] }[] };
    return { title: body.dashboard.title, orders: body.tiles.find((tile) => tile.id === 'orders-total')!.rows[0]!.orders };
  };

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'tc-embed-cli-datasets-'));
    workDir = mkdtempSync(join(tmpdir(), 'tc-embed-cli-files-'));
    store = await processStore();
    port = await freePort();
    env = processEnv({ TC_DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', TC_LOG_LEVEL: 'warn', ...store.env });
    server = await startServerProcess(env, port);
  });

  after(async () => {
    await server?.stop();
    await store.drop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(workDir, { recursive: true, force: true });
  });

  it('shows what the first start seeded: the sales table, its region rule and the "Sales overview" dashboard', async () => {
    const tables = await cli('tables', 'list');
    assert.equal(tables.code, 0, tables.stderr);
    assert.match(tables.stdout, /^sales\s+Sales\s+sample\s+11\s+rules$/m);

    const rules = await cli('rules', 'list', 'sales');
    assert.equal(rules.code, 0, rules.stderr);
    assert.match(rules.stdout, /region equals attribute region/);

    const dashboards = await cli('dashboards', 'list', '--json');
    assert.equal(dashboards.code, 0, dashboards.stderr);
    const [sales] = JSON.parse(dashboards.stdout);
    assert.equal(sales.id, 'sales');
    assert.equal(sales.title, 'Sales overview');

    assert.deepEqual(await viewAs({ region: 'Europe' }), { title: 'Sales overview', orders: SAMPLE_ROWS.filter((row) => row.region === 'Europe').length });
  });

  it('replaces a table\'s rules from a file named relative to where the command is typed, not where the server runs', async () => {
    writeJson('rules.json', {
      mode: 'rules',
      rules: { combinator: 'and', rules: [{ column: 'country', operator: 'equals', attribute: 'country' }] },
    });
    const saved = await cliIn(workDir, 'rules', 'set', 'sales', '--file', 'rules.json');
    assert.equal(saved.code, 0, saved.stderr);
    assert.match(saved.stdout, /country equals attribute country/);
    assert.equal((await viewAs({ country: 'France' })).orders, SAMPLE_ROWS.filter((row) => row.country === 'France').length);
    assert.equal((await viewAs({ region: 'Europe' })).orders, 0);

    const json = await cli('rules', 'list', 'sales', '--json');
    assert.equal(JSON.parse(json.stdout).rules.rules[0].attribute, 'country');
  });

  it('prints a dashboard as JSON that imports back, creating or replacing it', async () => {
    const shown = await cli('dashboards', 'show', 'sales');
    assert.equal(shown.code, 0, shown.stderr);
    const definition = JSON.parse(shown.stdout);
    assert.equal(definition.tiles.length, 7);

    assert.deepEqual(Object.keys(definition), ['id', 'title', 'description', 'tiles']);
    const renamed = writeJson('sales.json', { ...definition, title: 'Sales at a glance' });
    const replaced = await cli('dashboards', 'import', `--file=${renamed}`);
    assert.equal(replaced.code, 0, replaced.stderr);
    assert.match(replaced.stdout, /^Replaced dashboard sales "Sales at a glance" \(7 tiles\)\./);
    assert.equal((await viewAs({ country: 'Spain' })).title, 'Sales at a glance');

    const copy = writeJson('copy.json', { id: 'copy', title: 'Copy', tiles: [{ ...definition.tiles[0], id: 'copy-kpi' }] });
    const created = await cli('dashboards', 'import', '--file', copy);
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /^Created dashboard copy "Copy" \(1 tiles\)\./);
  });

  it('exits non-zero with one clear line on bad input', async () => {
    assertOneLineError(await cli('rules', 'set', 'sales'), 2, /--file is required/);
    assertOneLineError(await cli('rules', 'list'), 2, /table id is required/);
    assertOneLineError(await cli('rules', 'set', 'sales', '--file', join(workDir, 'missing.json')), 2, /cannot read --file .*missing\.json: ENOENT/);
    assertOneLineError(await cli('rules', 'set', 'sales', '--file', writeJson('broken.json', '{"mode": ')), 2, /is not valid JSON/);
    assertOneLineError(
      await cli('rules', 'set', 'sales', '--file', writeJson('bad-rules.json', { mode: 'rules', rules: { combinator: 'and', rules: [{ column: 'region', operator: 'gt', attribute: 'region' }] } })),
      1,
      /rules\.rules\[0\]\.operator/,
    );
    assertOneLineError(await cli('rules', 'list', 'nope'), 1, /Table "nope" was not found/);
    assertOneLineError(await cli('dashboards', 'show', 'nope'), 1, /Dashboard "nope" was not found/);
    assertOneLineError(await cli('dashboards', 'import', '--file', writeJson('bad-dash.json', { id: 'x', title: 'X', tiles: [{ id: 't', title: 'T', type: 'pie' }] })), 1, /tiles\[0\]\.type/);
    const json = await cli('dashboards', 'show', 'nope', '--json');
    assert.equal(json.code, 1);
    assert.equal(JSON.parse(json.stderr).error.code, 'not_found');
  });

  it('works on the store directly when no server is running', async () => {
    await server!.stop();
    server = undefined;
    const rules = await cli('rules', 'list', 'sales', '--json');
    assert.equal(rules.code, 0, rules.stderr);
    assert.equal(JSON.parse(rules.stdout).rules.rules[0].attribute, 'country');
    const file = writeJson('region.json', { mode: 'rules', rules: { combinator: 'and', rules: [{ column: 'region', operator: 'equals', attribute: 'region' }] } });
    const saved = await cli('rules', 'set', 'sales', '--file', file);
    assert.equal(saved.code, 0, saved.stderr);
    assert.match((await cli('rules', 'list', 'sales')).stdout, /region equals attribute region/);
  });
});
