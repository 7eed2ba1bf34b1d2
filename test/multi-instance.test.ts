import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { createScratchDatabase, postgresAvailability } from './helpers/postgres.ts';
import { startServerProcess, type ServerProcess } from './helpers/server-process.ts';

const DEMO_ORIGIN = 'http://localhost:3000';
// The change relay's safety net runs every 5 s (heartbeat, revoked keys, origin and attribute digests).
const SAFETY_NET_MS = 5000;
const availability = await postgresAvailability();

/** Polls `probe` until it returns true; resolves with the time it took, or fails after `limitMs`. */
async function within(limitMs: number, probe: () => Promise<boolean>, what = 'the change'): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < limitMs + 2000) {
    if (await probe()) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`${what}: not within ${limitMs} ms`);
}

describe('two instances on one PostgreSQL', { skip: availability.available ? false : availability.reason }, () => {
  let database: Awaited<ReturnType<typeof createScratchDatabase>>;
  let a: ServerProcess;
  let b: ServerProcess;
  let apiKey: string;
  let adminHeaders: Record<string, string>;
  /** A live key of the organization, for tokens whose origin the lost-notification tests remove. */
  let apiKeyForOrigin: string | undefined;

  const session = (server: ServerProcess, token: string) =>
    fetch(`${server.url}/embed/session`, { method: 'POST', headers: { authorization: `Bearer ${token}`, origin: DEMO_ORIGIN } });
  const mint = async (server: ServerProcess, key: string) => {
    const response = await fetch(`${server.url}/embed/generate-token`, {
      method: 'POST',
      headers: { 'x-api-key': key, 'content-type': 'application/json' },
      body: JSON.stringify({ user: { distinctId: 'user-123', role: 'explorer', attributes: {} } }),
    });
    assert.equal(response.status, 200, await response.clone().text());
    return ((await response.json()) as { token: string }).token;
  };
  const admin = (path: string, init: RequestInit = {}) =>
    fetch(`${a.url}${path}`, { ...init, headers: { ...adminHeaders, 'content-type': 'application/json', ...(init.headers ?? {}) } });

  before(async () => {
    database = await createScratchDatabase();
    const shared = {
      DATABASE_URL: database.url,
      TC_MASTER_KEY: randomBytes(32).toString('base64'),
      TC_SECRET_KEYS: `v1:${randomBytes(32).toString('base64')}`,
      TC_ADMIN_PASSWORD: 'multi-instance-password',
      // Behind one load balancer every instance has the same public URL, which is the tokens' issuer.
      TC_PUBLIC_URL: 'http://analytics.test',
    };
    a = await startServerProcess(shared);
    b = await startServerProcess(shared);
    apiKey = readFileSync(join(a.dataDir, 'demo-api-key'), 'utf8').trim();
    const login = await fetch(`${a.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@example.com', password: shared.TC_ADMIN_PASSWORD }),
    });
    assert.equal(login.status, 200);
    const cookie = login.headers.getSetCookie().find((value) => value.startsWith('tc_admin='))!.split(';')[0]!;
    adminHeaders = { cookie, 'x-csrf-token': ((await login.json()) as { csrfToken: string }).csrfToken };
  });

  after(async () => {
    if (process.env.DEBUG_MI) console.log(b.output().split('\n').filter((line) => /relay|warn|error/i.test(line)).join('\n'));
    await Promise.all([a?.stop(), b?.stop()]);
    await database?.drop();
  });

  it('a token minted on A opens a session on B', async () => {
    const token = await mint(a, apiKey);
    assert.equal((await session(b, token)).status, 200);
  });

  it('a key revoked through A is refused by B within one second, even for a token B had cached', async () => {
    const token = await mint(a, apiKey);
    assert.equal((await session(b, token)).status, 200); // now in B's session cache
    const keys = (await (await admin('/api/api-keys')).json()) as { apiKeys: { id: string }[] };
    const revoke = await admin(`/api/api-keys/${keys.apiKeys[0]!.id}`, { method: 'DELETE' });
    assert.equal(revoke.status, 200);
    const elapsed = await within(1000, async () => (await session(b, token)).status === 401);
    assert.ok(elapsed <= 1000, `took ${elapsed} ms`);
    const minting = await fetch(`${b.url}/embed/generate-token`, {
      method: 'POST',
      headers: { 'x-api-key': apiKey, 'content-type': 'application/json' },
      body: JSON.stringify({ user: { distinctId: 'u', role: 'explorer', attributes: {} } }),
    });
    assert.equal(minting.status, 401);
  });

  it('an origin removed through A is refused on B within one second', async () => {
    const created = await admin('/api/api-keys', { method: 'POST', body: JSON.stringify({ name: 'second' }) });
    const { key } = (await created.json()) as { key: string };
    const token = await mint(b, key);
    assert.equal((await session(b, token)).status, 200);
    const removal = await admin(`/api/origins?origin=${encodeURIComponent(DEMO_ORIGIN)}`, { method: 'DELETE' });
    assert.equal(removal.status, 200);
    const elapsed = await within(1000, async () => (await session(b, token)).status === 403);
    assert.ok(elapsed <= 1000, `took ${elapsed} ms`);
  });

  it('an attribute added or removed through A is accepted or refused by B within one second', async () => {
    const created = await admin('/api/api-keys', { method: 'POST', body: JSON.stringify({ name: 'attributes' }) });
    const { key } = (await created.json()) as { key: string };
    const mintWithDepartment = () =>
      fetch(`${b.url}/embed/generate-token`, {
        method: 'POST',
        headers: { 'x-api-key': key, 'content-type': 'application/json' },
        body: JSON.stringify({ user: { distinctId: 'user-123', role: 'explorer', attributes: { department: 'sales' } } }),
      });
    assert.equal((await mintWithDepartment()).status, 400, 'unregistered: B has now cached the organization\'s attributes');

    const added = await admin('/api/attributes', { method: 'POST', body: JSON.stringify({ name: 'department', type: 'string' }) });
    assert.equal(added.status, 201);
    const accepted = await within(1000, async () => (await mintWithDepartment()).status === 200);
    assert.ok(accepted <= 1000, `took ${accepted} ms`);

    const removed = await admin('/api/attributes/department', { method: 'DELETE' });
    assert.equal(removed.status, 200);
    const refused = await within(1000, async () => (await mintWithDepartment()).status === 400);
    assert.ok(refused <= 1000, `took ${refused} ms`);
  });

  it('an access rule changed through A applies to B\'s very next dashboard view', async () => {
    // The origin test above removed the demo origin: authorize it again.
    assert.equal((await admin('/api/origins', { method: 'POST', body: JSON.stringify({ origin: DEMO_ORIGIN }) })).status < 300, true);
    const created = await admin('/api/api-keys', { method: 'POST', body: JSON.stringify({ name: 'rules' }) });
    const { key } = (await created.json()) as { key: string };
    const minted = await fetch(`${b.url}/embed/generate-token`, {
      method: 'POST',
      headers: { 'x-api-key': key, 'content-type': 'application/json' },
      body: JSON.stringify({ user: { distinctId: 'viewer', role: 'explorer', attributes: { region: 'Europe' } } }),
    });
    const { token } = (await minted.json()) as { token: string };
    const rowsOnB = async () => {
      const response = await fetch(`${b.url}/embed/dashboards/sales`, { headers: { authorization: `Bearer ${token}`, origin: DEMO_ORIGIN } });
      assert.equal(response.status, 200, await response.clone().text());
      // One row per region the viewer may see (aggregate tiles answer one row even over no rows).
      const view = (await response.json()) as { tiles: { id: string; rows: unknown[] }[] };
      return view.tiles.find((tile) => tile.id === 'revenue-by-region')!.rows.length;
    };
    assert.equal(await rowsOnB(), 1, 'the region rule lets a Europe viewer see Europe');

    const denied = await admin('/api/tables/sales/rules', { method: 'PUT', body: JSON.stringify({ mode: 'rules', rules: null }) });
    assert.equal(denied.status, 200, await denied.clone().text());
    assert.equal(await rowsOnB(), 0, 'rules are read per request: no instance serves a stale policy');
  });

  it('an admin who logs out on A is signed out on B within one second', async () => {
    const login = await fetch(`${a.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@example.com', password: 'multi-instance-password' }),
    });
    assert.equal(login.status, 200);
    const cookie = login.headers.getSetCookie().find((value) => value.startsWith('tc_admin='))!.split(';')[0]!;
    const csrf = ((await login.json()) as { csrfToken: string }).csrfToken;
    const listOn = (server: ServerProcess) => fetch(`${server.url}/api/api-keys`, { headers: { cookie } });
    assert.equal((await listOn(b)).status, 200, 'B now holds the session in its cache');

    const logout = await fetch(`${a.url}/api/auth/logout`, { method: 'POST', headers: { cookie, 'x-csrf-token': csrf } });
    assert.ok(logout.status < 300, String(logout.status));
    assert.equal((await listOn(a)).status, 401);
    const elapsed = await within(1000, async () => (await listOn(b)).status === 401, 'logout on B');
    assert.ok(elapsed <= 1000, `took ${elapsed} ms`);
  });

  describe('when notifications are lost', () => {
    let sql: pg.Client;
    before(async () => {
      sql = new pg.Client({ connectionString: database.url });
      await sql.connect();
    });
    after(async () => {
      await sql?.end();
    });

    const newKey = async (name: string) => {
      const created = await admin('/api/api-keys', { method: 'POST', body: JSON.stringify({ name }) });
      assert.equal(created.status, 201);
      return (await created.json()) as { id: string; key: string };
    };
    const origin = 'https://lost-notify.example';
    const sessionFrom = (server: ServerProcess, token: string, from: string) =>
      fetch(`${server.url}/embed/session`, { method: 'POST', headers: { authorization: `Bearer ${token}`, origin: from } });

    it('B\'s LISTEN connection killed: a key revoked and an origin removed on A right after are refused by B within the bound', async () => {
      assert.ok((await admin('/api/origins', { method: 'POST', body: JSON.stringify({ origin }) })).status < 300);
      const { id, key } = await newKey('listen killed');
      const keyToken = await mint(b, key);
      const originToken = await mint(b, apiKeyForOrigin ??= (await newKey('origin holder')).key);
      assert.equal((await sessionFrom(b, keyToken, DEMO_ORIGIN)).status, 200);
      assert.equal((await sessionFrom(b, originToken, origin)).status, 200);

      const killed = await sql.query<{ pid: number }>(
        `select pg_terminate_backend(pid) as killed, pid from pg_stat_activity where datname = current_database() and application_name = $1`,
        [`tc-embed change relay (pid ${b.child.pid})`],
      );
      assert.equal(killed.rows.length, 1, 'B\'s relay connection is named in pg_stat_activity');
      assert.equal((await admin(`/api/api-keys/${id}`, { method: 'DELETE' })).status, 200);
      assert.equal((await admin(`/api/origins?origin=${encodeURIComponent(origin)}`, { method: 'DELETE' })).status, 200);

      const revoked = await within(SAFETY_NET_MS, async () => (await sessionFrom(b, keyToken, DEMO_ORIGIN)).status === 401, 'revoked key');
      const removed = await within(SAFETY_NET_MS, async () => (await sessionFrom(b, originToken, origin)).status === 403, 'removed origin');
      assert.ok(Math.max(revoked, removed) <= SAFETY_NET_MS + 1000, `took ${revoked} and ${removed} ms`);
    });

    it('changes that never sent a NOTIFY (written straight to the database) reach B\'s caches within the bound', async () => {
      assert.ok((await admin('/api/origins', { method: 'POST', body: JSON.stringify({ origin }) })).status < 300);
      const { id, key } = await newKey('silent changes');
      const keyToken = await mint(b, key);
      const originToken = await mint(b, apiKeyForOrigin!);
      assert.equal((await sessionFrom(b, keyToken, DEMO_ORIGIN)).status, 200);
      assert.equal((await sessionFrom(b, originToken, origin)).status, 200);
      const mintWithTeam = () =>
        fetch(`${b.url}/embed/generate-token`, {
          method: 'POST',
          headers: { 'x-api-key': apiKeyForOrigin!, 'content-type': 'application/json' },
          body: JSON.stringify({ user: { distinctId: 'user-123', role: 'explorer', attributes: { team: 'blue' } } }),
        });
      assert.equal((await mintWithTeam()).status, 400, 'unregistered attribute: B caches the organization\'s attributes');

      const { rows } = await sql.query<{ org_id: string }>('select org_id from api_keys where id = $1', [id]);
      const orgId = rows[0]!.org_id;
      await sql.query('update api_keys set revoked_at = now() where id = $1', [id]);
      const deleted = await sql.query('delete from authorized_origins where org_id = $1 and origin = $2', [orgId, origin]);
      assert.equal(deleted.rowCount, 1, 'the origin was there to remove');
      await sql.query(`insert into token_attributes (org_id, name, type) values ($1, 'team', 'string')`, [orgId]);

      const revoked = await within(SAFETY_NET_MS, async () => (await sessionFrom(b, keyToken, DEMO_ORIGIN)).status === 401, 'revoked key');
      const removed = await within(SAFETY_NET_MS, async () => (await sessionFrom(b, originToken, origin)).status === 403, 'removed origin');
      const accepted = await within(SAFETY_NET_MS, async () => (await mintWithTeam()).status === 200, 'added attribute');
      assert.ok(Math.max(revoked, removed, accepted) <= SAFETY_NET_MS + 1000, `took ${revoked}, ${removed} and ${accepted} ms`);
    });
  });
});
