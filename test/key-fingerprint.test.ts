import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { createScratchDatabase, postgresAvailability } from './helpers/postgres.ts';
import { freePort, REPO_ROOT, startServerProcess, type ServerProcess } from './helpers/server-process.ts';

const availability = await postgresAvailability();

/** Runs the server until it exits (a refused start) and returns its exit code and what it printed. */
async function refusedStart(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  try {
    const { stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'packages/server/src/main.ts')], {
      cwd: REPO_ROOT,
      env: { ...process.env, NODE_ENV: 'development', HOST: '127.0.0.1', PORT: String(await freePort()), TC_DATA_DIR: mkdtempSync(join(tmpdir(), 'tc-embed-keys-')), ...env },
      timeout: 60_000,
    });
    return { code: 0, stderr };
  } catch (error) {
    const failed = error as { code: number | null; stderr: string; killed?: boolean };
    assert.ok(!failed.killed, 'the instance exits on its own instead of serving');
    return { code: failed.code, stderr: failed.stderr };
  }
}

describe('instances on one database must hold the same keys', { skip: availability.available ? false : availability.reason }, () => {
  let database: Awaited<ReturnType<typeof createScratchDatabase>>;
  let first: ServerProcess;
  const masterKey = randomBytes(32).toString('base64');
  const secretKey = randomBytes(32).toString('base64');
  const shared = () => ({ DATABASE_URL: database.url, TC_ADMIN_PASSWORD: 'key-fingerprint-password' });

  before(async () => {
    database = await createScratchDatabase();
    first = await startServerProcess({ ...shared(), TC_MASTER_KEY: masterKey, TC_SECRET_KEYS: `v1:${secretKey}` }, 60_000);
  });
  after(async () => {
    await first?.stop();
    await database?.drop();
  });

  it('refuses to start, with one line naming the setting, an instance that made its own keys (none set)', async () => {
    const { code, stderr } = await refusedStart(shared());
    assert.equal(code, 1);
    const lines = stderr.trim().split('\n');
    assert.equal(lines.length, 1, stderr);
    assert.match(lines[0]!, /^tc-embed: TC_MASTER_KEY is not the key this database was first started with/);
    assert.match(lines[0]!, /same TC_MASTER_KEY and TC_SECRET_KEYS/);
  });

  it('refuses a wrong secret keyring version even with the right master key', async () => {
    const { code, stderr } = await refusedStart({ ...shared(), TC_MASTER_KEY: masterKey, TC_SECRET_KEYS: `v1:${randomBytes(32).toString('base64')}` });
    assert.equal(code, 1);
    assert.match(stderr.trim(), /^tc-embed: TC_SECRET_KEYS v1 is not the key this database was first started with/);
  });

  it('starts an instance with the same keys (and a newly added keyring version), and stores fingerprints, never keys', async () => {
    const second = await startServerProcess({ ...shared(), TC_MASTER_KEY: masterKey, TC_SECRET_KEYS: `v2:${randomBytes(32).toString('base64')},v1:${secretKey}` }, 60_000);
    try {
      assert.equal((await fetch(`${second.url}/readyz`)).status, 200);
    } finally {
      await second.stop();
    }
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ key: string; value: string }>("select key, value from instance_settings where key like '%fingerprint%' order by key");
      assert.deepEqual(rows.map((row) => row.key), ['master_key_fingerprint', 'secret_key_fingerprint:v1', 'secret_key_fingerprint:v2']);
      const keyForms = [masterKey, secretKey].flatMap((key) => [key, Buffer.from(key, 'base64').toString('hex')]);
      for (const row of rows) {
        assert.match(row.value, /^[0-9a-f]{64}$/);
        for (const form of keyForms) assert.ok(!row.value.includes(form), 'no key material is stored');
      }
    } finally {
      await client.end();
    }
  });
});
