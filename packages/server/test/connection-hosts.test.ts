import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../src/config.ts';
import { HostAllowlist } from '../src/connections/host-allowlist.ts';
import { isTcError } from '../src/errors.ts';
import { assertContractError } from './helpers/assert-error.ts';
import { createTestContext, type TestContext } from './helpers/test-app.ts';

describe('TC_CONNECTION_HOSTS: which hosts data connections may use', () => {
  const list = new HostAllowlist(' db.internal , *.warehouse.example.com,10.20.0.0/16, 192.0.2.7, fd00:ab::/32 ');

  it('allows listed names (any case, a trailing dot), subdomains of a wildcard, addresses in a range', () => {
    for (const host of ['db.internal', 'DB.Internal.', 'eu.warehouse.example.com', 'a.b.warehouse.example.com', '10.20.0.1', '10.20.255.254', '192.0.2.7', 'fd00:ab::5', '[fd00:ab::5]', '::ffff:10.20.0.1']) {
      assert.ok(list.allows(host), host);
    }
  });

  it('refuses everything else, look-alikes and the network around the server included', () => {
    for (const host of [
      'warehouse.example.com', // a wildcard covers subdomains only
      'evilwarehouse.example.com',
      'warehouse.example.com.evil.net',
      'db.internal.evil.net',
      'xdb.internal',
      '10.21.0.1',
      '192.0.2.8',
      '169.254.169.254', // cloud metadata
      '127.0.0.1',
      'localhost',
      '::1',
      'fd00:ac::1',
      '::ffff:169.254.169.254', // an IPv4 address written as IPv6 is still that address
    ]) {
      assert.equal(list.allows(host), false, host);
    }
  });

  it('never resolves a name to match it against a range', () => {
    assert.equal(new HostAllowlist('127.0.0.0/8').allows('localhost'), false);
  });

  it('refuses a setting it cannot read, naming the variable and the entry, in one line', () => {
    const base = () => ({
      TC_DATA_DIR: mkdtempSync(join(tmpdir(), 'tc-embed-config-')),
      TC_MASTER_KEY: randomBytes(32).toString('base64'),
      TC_SECRET_KEYS: `v1:${randomBytes(32).toString('base64')}`,
    });
    for (const [value, mentions] of [
      ['10.0.0.0/33', /"10\.0\.0\.0\/33" is not a CIDR range/],
      ['db.internal, http://db.example.com', /"http:\/\/db\.example\.com" is not a host name/],
      ['*.', /"\*\." is not a host name/],
      ['db internal', /"db internal" is not a host name/],
      [' , ', /lists no host/],
    ] as const) {
      let message = '';
      try {
        loadConfig({ ...base(), TC_CONNECTION_HOSTS: value });
      } catch (error) {
        assert.ok(error instanceof ConfigError, String(error));
        message = error.message;
      }
      assert.match(message, /^TC_CONNECTION_HOSTS /, value);
      assert.match(message, mentions, value);
      assert.doesNotMatch(message, /\n/);
    }
    assert.equal(loadConfig(base()).connectionHosts, undefined, 'unset: every host');
    assert.ok(loadConfig({ ...base(), TC_CONNECTION_HOSTS: 'db.internal' }).connectionHosts?.allows('db.internal'));
  });
});

describe('the admin API under TC_CONNECTION_HOSTS', () => {
  let ctx: TestContext;
  let headers: Record<string, string>;
  const api = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) => ctx.inject({ method, url, headers, payload: payload as object });
  const draft = (host: string) => ({ name: `Warehouse ${host}`, host, database: 'analytics', user: 'reader', password: 'pw-123', sslMode: 'disable' });

  before(async () => {
    ctx = await createTestContext({ config: { connectionHosts: new HostAllowlist('127.0.0.1,*.warehouse.example.com') } });
    headers = await ctx.adminHeaders();
  });
  after(() => ctx.close());

  it('refuses to save, edit or test a connection to a host not listed, naming the field and the setting', async () => {
    for (const host of ['169.254.169.254', 'metadata.google.internal', 'localhost', 'warehouse.example.com']) {
      const created = assertContractError(await api('POST', '/api/connections', draft(host)), { status: 400, code: 'invalid_request', mentions: /TC_CONNECTION_HOSTS/ });
      assert.deepEqual(created.error.details?.map((detail) => detail.field), ['host'], host);
      assertContractError(await api('POST', '/api/connections/test', draft(host)), { status: 400, code: 'invalid_request', mentions: /TC_CONNECTION_HOSTS/ });
    }
    const saved = await api('POST', '/api/connections', draft('127.0.0.1'));
    assert.equal(saved.statusCode, 201, saved.body);
    const id = saved.json().id as string;
    assertContractError(await api('PATCH', `/api/connections/${id}`, { host: '10.0.0.5' }), { status: 400, code: 'invalid_request', mentions: /TC_CONNECTION_HOSTS/ });
    assertContractError(await api('POST', `/api/connections/${id}/test`, { host: '10.0.0.5' }), { status: 400, code: 'invalid_request', mentions: /TC_CONNECTION_HOSTS/ });
    assert.equal((await api('GET', `/api/connections/${id}`)).json().host, '127.0.0.1', 'the refused edit changed nothing');
    assert.equal((await api('POST', '/api/connections', draft('eu.warehouse.example.com'))).statusCode, 201);
  });

  it('does not connect to a saved connection whose host the operator has since taken off the list', async () => {
    const saved = (await api('POST', '/api/connections', { ...draft('127.0.0.1'), name: 'Before the change' })).json() as { id: string };
    // As if saved before TC_CONNECTION_HOSTS was set or narrowed.
    await ctx.store.query("update connections set host = '10.9.9.9' where id = $1", [saved.id]);
    const tested = await api('POST', `/api/connections/${saved.id}/test`);
    assert.equal(tested.statusCode, 200, tested.body);
    const result = tested.json() as { ok: boolean; reason: string; message: string };
    assert.deepEqual([result.ok, result.reason], [false, 'host_not_allowed']);
    assert.match(result.message, /"10\.9\.9\.9".*TC_CONNECTION_HOSTS/);
    await assert.rejects(ctx.services.connections.query(ctx.orgId, saved.id, 'select 1', []), (error: unknown) => {
      assert.ok(isTcError(error) && error.code === 'connection_failed', String(error));
      assert.match(error.message, /TC_CONNECTION_HOSTS/);
      return true;
    });
  });
});
