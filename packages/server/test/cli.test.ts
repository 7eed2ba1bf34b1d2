import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  freePort,
  processEnv,
  processStore,
  runCli,
  startServerProcess,
  type CliResult,
  type ProcessStore,
  type ServerProcess,
} from './helpers/processes.ts';

// The seed's request, byte for byte (seeds/003-generate-a-token-via-api.md).
const SEED_BODY = `{
  "user": {
    "distinctId": "user-123",
    "role": "explorer",
    "attributes": {}
  }
}`;
const DEMO_HOST_ORIGIN = 'http://localhost:3000';

/** One line on stderr, nothing on stdout: what every failing command prints. */
function assertOneLineError(result: CliResult, exitCode: number, message: RegExp): void {
  assert.equal(result.code, exitCode, `${result.code} ${result.stdout} ${result.stderr}`);
  assert.equal(result.stdout, '');
  const lines = result.stderr.split('\n').filter(Boolean);
  assert.equal(lines.length, 1, `stderr: ${result.stderr}`);
  assert.match(lines[0]!, /^tc-embed: /);
  assert.match(lines[0]!, message);
}

function assertJsonError(result: CliResult, exitCode: number, code: string): void {
  assert.equal(result.code, exitCode, `${result.code} ${result.stdout} ${result.stderr}`);
  assert.equal(result.stdout, '');
  assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
  const body = JSON.parse(result.stderr);
  assert.deepEqual(Object.keys(body), ['error']);
  assert.equal(body.error.code, code);
  assert.equal(typeof body.error.message, 'string');
}

describe('tc-embed CLI and server as processes', () => {
  let dataDir: string;
  let store: ProcessStore;
  let port: number;
  let env: NodeJS.ProcessEnv;
  let server: ServerProcess | undefined;
  let createdKey: { id: string; key: string };
  let tokenOfCreatedKey: string;

  const url = (path: string) => `http://127.0.0.1:${port}${path}`;
  const cli = (...args: string[]) => runCli(args, env);
  const mint = (apiKey: string) =>
    fetch(url('/embed/generate-token'), {
      method: 'POST',
      headers: { 'x-api-key': apiKey, 'Content-Type': 'application/json' },
      body: SEED_BODY,
    });
  const session = (token: string, origin = DEMO_HOST_ORIGIN) =>
    fetch(url('/embed/session'), { method: 'POST', headers: { authorization: `Bearer ${token}`, origin } });

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'tc-embed-cli-'));
    store = await processStore();
    port = await freePort();
    env = processEnv({ TC_DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', TC_LOG_LEVEL: 'warn', ...store.env });
  });

  after(async () => {
    await server?.stop();
    await store.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('with no server and no organization yet, says to start the server once (one line, --json shape)', async () => {
    const json = await cli('api-keys', 'create', '--name', 'Early', '--json');
    assertJsonError(json, 1, 'not_found');
    assert.match(JSON.parse(json.stderr).error.message, /start the server once/);
  });

  it('prints usage without arguments and with --help', async () => {
    const bare = await cli();
    assert.equal(bare.code, 2);
    assert.match(bare.stdout, /Usage: tc-embed <command>/);
    const help = await runCli(['--help'], env, ['npx', '--no-install', 'tc-embed']);
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, /api-keys create --name NAME/);
  });

  it('starts the server, which seeds the demo organization and its API key on first start', async () => {
    server = await startServerProcess(env, port);
    assert.ok(existsSync(join(dataDir, 'demo-api-key')), server.output());
    assert.match(server.output(), /Demo API key: +tce_/);
  });

  it('mints with the seed\'s exact request over HTTP and opens a session from the demo host', async () => {
    const demoKey = readFileSync(join(dataDir, 'demo-api-key'), 'utf8').trim();
    const minted = await mint(demoKey);
    assert.equal(minted.status, 200);
    assert.equal(minted.headers.get('cache-control'), 'no-store');
    assert.equal(minted.headers.get('access-control-allow-origin'), null);
    const body = await minted.json();
    assert.equal(body.expiresIn, '1h');
    assert.equal(typeof body.token, 'string');

    const opened = await session(body.token);
    assert.equal(opened.status, 200);
    assert.equal(opened.headers.get('access-control-allow-origin'), DEMO_HOST_ORIGIN);
    const info = await opened.json();
    assert.equal(info.user.distinctId, 'user-123');
    assert.ok(info.authorizedOrigins.includes(DEMO_HOST_ORIGIN));
  });

  it('refuses bad keys over a real connection, before reading the body', async () => {
    assert.equal((await mint('tce_not-a-key')).status, 401);
    const twice = new Headers({ 'Content-Type': 'application/json' });
    const demoKey = readFileSync(join(dataDir, 'demo-api-key'), 'utf8').trim();
    twice.append('x-api-key', demoKey);
    twice.append('x-api-key', demoKey);
    const response = await fetch(url('/embed/generate-token'), { method: 'POST', headers: twice, body: SEED_BODY });
    assert.equal(response.status, 400);
    assert.equal((await response.json()).error.details[0].field, 'x-api-key');
  });

  it('creates an API key through the running server and prints {id, name, key, prefix, createdAt}', async () => {
    const result = await cli('api-keys', 'create', '--name', 'X');
    assert.equal(result.code, 0, result.stderr);
    const created = JSON.parse(result.stdout);
    assert.deepEqual(Object.keys(created).sort(), ['createdAt', 'id', 'key', 'name', 'prefix']);
    assert.equal(created.name, 'X');
    assert.ok(created.key.startsWith(created.prefix));
    createdKey = created;

    const minted = await mint(created.key);
    assert.equal(minted.status, 200);
    tokenOfCreatedKey = (await minted.json()).token;
    assert.equal((await session(tokenOfCreatedKey)).status, 200);
    assert.equal((await session(tokenOfCreatedKey)).status, 200);
  });

  it('lists keys with prefix and last four only', async () => {
    const result = await cli('api-keys', 'list', '--json');
    assert.equal(result.code, 0, result.stderr);
    assert.ok(!result.stdout.includes(createdKey.key));
    const listed = JSON.parse(result.stdout).find((key: { id: string }) => key.id === createdKey.id);
    assert.equal(listed.lastFour, createdKey.key.slice(-4));
    const table = await cli('api-keys', 'list');
    assert.match(table.stdout, new RegExp(`${createdKey.id}.*X`));
    assert.ok(!table.stdout.includes(createdKey.key));
  });

  it('manages origins and attributes and introspects tokens', async () => {
    const added = await cli('origins', 'add', 'HTTPS://Reports.Example.com:443', '--json');
    assert.equal(added.code, 0, added.stderr);
    assert.equal(JSON.parse(added.stdout).origin, 'https://reports.example.com');
    const listed = JSON.parse((await cli('origins', 'list', '--json')).stdout).map((o: { origin: string }) => o.origin);
    assert.ok(listed.includes('https://reports.example.com') && listed.includes(DEMO_HOST_ORIGIN));

    assert.equal((await cli('attributes', 'add', 'tier', '--type', 'number')).code, 0);
    const introspected = await cli('token', 'introspect', tokenOfCreatedKey);
    assert.equal(introspected.code, 0, introspected.stderr);
    const result = JSON.parse(introspected.stdout);
    assert.equal(result.valid, true);
    assert.equal(result.claims.distinctId, 'user-123');
  });

  it('exits non-zero with one clear line on bad input, and the contract shape with --json', async () => {
    const [noName, noNameJson, unknown, badFlag, badOrigin, duplicate, badToken] = await Promise.all([
      cli('api-keys', 'create'),
      cli('api-keys', 'create', '--json'),
      cli('frobnicate'),
      cli('api-keys', 'list', '--bogus'),
      cli('origins', 'add', 'ftp://files.example.com'),
      cli('attributes', 'add', 'region', '--type', 'string'),
      cli('token', 'introspect', 'not-a-token', '--json'),
    ]);
    assertOneLineError(noName, 2, /--name is required/);
    assertJsonError(noNameJson, 2, 'usage');
    assertOneLineError(unknown, 2, /Unknown command "frobnicate"/);
    assertOneLineError(badFlag, 2, /bogus/);
    assertOneLineError(badOrigin, 1, /http and https/);
    assertOneLineError(duplicate, 1, /already exists/);
    assertJsonError(badToken, 1, 'invalid_token');
  });

  it('revokes a key with the CLI: its cached token is refused on the very next call', async () => {
    const revoked = await cli('api-keys', 'revoke', createdKey.id);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.match(revoked.stdout, /Revoked API key/);
    const refused = await session(tokenOfCreatedKey);
    assert.equal(refused.status, 401);
    assert.equal((await refused.json()).error.code, 'invalid_token');
    assert.equal((await mint(createdKey.key)).status, 401);
  });

  it('stops on SIGTERM and gives up the control channel', async () => {
    assert.equal(await server!.stop(), 0, server!.output());
    server = undefined;
    assert.ok(!existsSync(join(dataDir, 'control.json')));
  });

  it('with no server running, opens the store itself and sees what the server wrote', async () => {
    const result = await cli('api-keys', 'list', '--json');
    assert.equal(result.code, 0, result.stderr);
    const keys = JSON.parse(result.stdout) as { id: string; name: string; revokedAt: string | null }[];
    assert.deepEqual(keys.map((key) => key.name).sort(), ['Demo API key', 'X']);
    assert.ok(keys.find((key) => key.id === createdKey.id)!.revokedAt);
    assertOneLineError(await cli('api-keys', 'revoke', 'AAAAAAAAAAAA'), 1, /not found/);
  });
});
