import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startFakePostgres, type FakePostgres } from './helpers/fake-postgres.ts';
import {
  CLI_BIN,
  freePort,
  processEnv,
  processStore,
  REPO_ROOT,
  startServerProcess,
  type CliResult,
  type ProcessStore,
  type ServerProcess,
} from './helpers/processes.ts';

/** `printf … | tc-embed …args`: the CLI as a process with something on its stdin. */
function cli(args: string[], env: NodeJS.ProcessEnv, stdin = ''): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_BIN, ...args], { cwd: REPO_ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, stdout, stderr });
    });
    child.stdin.end(stdin);
  });
}

describe('tc-embed connections and secrets rotate as processes', () => {
  const password = `stdin-${randomBytes(12).toString('base64url')}`;
  const keys = { v1: randomBytes(32).toString('base64'), v2: randomBytes(32).toString('base64'), v3: randomBytes(32).toString('base64') };
  let dataDir: string;
  let store: ProcessStore;
  let fake: FakePostgres;
  let server: ServerProcess | undefined;
  let env: (secretKeys: string) => NodeJS.ProcessEnv;
  let port: number;
  let connectionId: string;

  const assertNoPassword = (result: CliResult) => {
    assert.ok(!result.stdout.includes(password) && !result.stderr.includes(password), 'the password was printed');
  };

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'tc-embed-connections-cli-'));
    store = await processStore();
    fake = await startFakePostgres('password-refused');
    port = await freePort();
    env = (secretKeys) =>
      processEnv({ TC_DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', TC_LOG_LEVEL: 'warn', TC_SECRET_KEYS: secretKeys, ...store.env });
    server = await startServerProcess(env(`v1:${keys.v1}`), port);
  });

  after(async () => {
    await server?.stop();
    await fake.close();
    await store.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('adds a connection with --password-stdin through the running server and prints it masked', async () => {
    const added = await cli(
      ['connections', 'add', '--name', 'Warehouse', '--host', '127.0.0.1', '--port', String(fake.port), '--database', 'sales', '--user', 'reader', '--ssl-mode', 'disable', '--password-stdin', '--json'],
      env(`v1:${keys.v1}`),
      `${password}\n`,
    );
    assert.equal(added.code, 0, added.stderr);
    assertNoPassword(added);
    const connection = JSON.parse(added.stdout);
    assert.equal(connection.password, '••••••');
    assert.equal(connection.passwordSet, true);
    assert.equal(connection.port, fake.port);
    connectionId = connection.id;

    const listed = await cli(['connections', 'list'], env(`v1:${keys.v1}`));
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, new RegExp(`${connectionId}\\s+Warehouse\\s+postgres\\s+127\\.0\\.0\\.1\\s+${fake.port}\\s+sales\\s+reader\\s+••••••\\s+disable`));
    assert.match(listed.stdout, /sample\s+Sample database\s+sample/);
    assertNoPassword(listed);
  });

  it('tests it: the server receives exactly the piped password (newline stripped); failure exits 1 with the reason', async () => {
    const tested = await cli(['connections', 'test', connectionId], env(`v1:${keys.v1}`));
    assert.equal(tested.code, 1);
    assert.match(tested.stdout, /^Connection failed \(auth_failed\): The server refused the password for user "reader"/);
    assert.equal(fake.passwordsReceived.at(-1), password);
    assertNoPassword(tested);
  });

  it('refuses bad input with one line naming the field', async () => {
    const badPort = await cli(['connections', 'add', '--name', 'X', '--host', 'db.example.com', '--database', 'd', '--user', 'u', '--port', 'abc'], env(`v1:${keys.v1}`));
    assert.equal(badPort.code, 1);
    assert.equal(badPort.stdout, '');
    assert.match(badPort.stderr, /^tc-embed: port must be a whole number from 1 to 65535/);
    assert.equal(badPort.stderr.trim().split('\n').length, 1);

    const empty = await cli(['connections', 'add', '--name', 'Y', '--host', 'h', '--database', 'd', '--user', 'u', '--password-stdin'], env(`v1:${keys.v1}`), '');
    assert.equal(empty.code, 1);
    assert.match(empty.stderr, /^tc-embed: --password-stdin read an empty password/);

    const sample = await cli(['connections', 'remove', 'sample'], env(`v1:${keys.v1}`));
    assert.equal(sample.code, 1);
    assert.match(sample.stderr, /cannot be edited or removed/);
  });

  it('`secrets rotate` with TC_SECRET_KEYS=v2,v1 re-encrypts and prints counts; the secret still opens', async () => {
    await server!.stop();
    server = undefined;
    const rotatedEnv = env(`v2:${keys.v2},v1:${keys.v1}`);
    const first = await cli(['secrets', 'rotate', '--json'], rotatedEnv);
    assert.equal(first.code, 0, first.stderr);
    assert.deepEqual(JSON.parse(first.stdout), { rotated: 1, alreadyCurrent: 0, failed: 0, failures: [] });

    const second = await cli(['secrets', 'rotate'], rotatedEnv);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(second.stdout, 'Re-encrypted under v2: 0 rotated, 1 already current, 0 failed.\n');

    // v1 can now be retired: v2 alone opens the secret.
    const tested = await cli(['connections', 'test', connectionId, '--json'], env(`v2:${keys.v2}`));
    assert.equal(tested.code, 1);
    assert.equal(JSON.parse(tested.stdout).reason, 'auth_failed');
    assert.equal(fake.passwordsReceived.at(-1), password);
  });

  it('`secrets rotate` without the key a secret needs counts it as failed, names the version and exits 1', async () => {
    const lost = await cli(['secrets', 'rotate'], env(`v3:${keys.v3}`));
    assert.equal(lost.code, 1);
    assert.match(lost.stdout, /^Re-encrypted under v3: 0 rotated, 0 already current, 1 failed\./);
    assert.match(lost.stdout, new RegExp(`${connectionId} "Warehouse".*key version v2, which is not in TC_SECRET_KEYS \\(v3\\)`));
    assertNoPassword(lost);

    const tested = await cli(['connections', 'test', connectionId], env(`v3:${keys.v3}`));
    assert.equal(tested.code, 1);
    assert.match(tested.stdout, /Connection failed \(secret_unavailable\): The password of connection "Warehouse" cannot be decrypted/);
  });
});
