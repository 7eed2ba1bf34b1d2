import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestContext, TEST_ORIGIN, type TestContext } from './helpers/test-app.ts';

/**
 * Runs a whole flow with every log line captured at trace level, then looks for each secret the flow handled.
 * Secrets are collected as the flow produces them, so the assertion covers the real values, not guesses.
 */
describe('logs never contain secrets', () => {
  const lines: string[] = [];
  const secrets = new Map<string, string>();
  let ctx: TestContext;

  before(async () => {
    ctx = await createTestContext({
      config: { logLevel: 'trace' },
      logStream: { write: (line: string) => void lines.push(line) },
    });
    secrets.set('admin password', ctx.config.adminPassword!);
    secrets.set('seeded API key', ctx.apiKey);

    const login = await ctx.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: ctx.config.adminEmail, password: ctx.config.adminPassword },
    });
    assert.equal(login.statusCode, 200);
    const sessionCookie = login.cookies.find((cookie) => cookie.name === 'tc_admin')!.value;
    const csrfToken = login.json().csrfToken as string;
    secrets.set('session cookie', sessionCookie);
    secrets.set('CSRF token', csrfToken);
    const admin = { cookie: `tc_admin=${sessionCookie}`, 'x-csrf-token': csrfToken };

    const created = await ctx.inject({ method: 'POST', url: '/api/api-keys', headers: admin, payload: { name: 'logged' } });
    assert.equal(created.statusCode, 201);
    const apiKey = created.json().key as string;
    secrets.set('created API key', apiKey);
    secrets.set('created API key secret', apiKey.slice(apiKey.indexOf('_', 4) + 1));

    const token = await ctx.mint({ distinctId: 'log-user', role: 'explorer', attributes: { region: 'Europe' } }, {}, apiKey);
    secrets.set('embed token', token);
    secrets.set('embed token ciphertext', token.split('.')[3]!);

    const calls = [
      // The happy path.
      { method: 'POST', url: '/embed/session', headers: { authorization: `Bearer ${token}`, origin: TEST_ORIGIN } },
      { method: 'POST', url: '/api/tokens/introspect', headers: admin, payload: { token } },
      {
        method: 'POST',
        url: '/api/tokens/sandbox',
        headers: admin,
        payload: { apiKey, user: { distinctId: 'sandbox', role: 'explorer', attributes: {} } },
      },
      // Bad requests that carry secrets.
      { method: 'POST', url: '/api/auth/login', payload: { email: ctx.config.adminEmail, password: `${ctx.config.adminPassword}-wrong` } },
      { method: 'POST', url: '/embed/session', headers: { authorization: `Bearer ${token}`, origin: 'https://evil.example.com' } },
      { method: 'POST', url: '/embed/session', headers: { authorization: `Bearer ${token}x`, origin: TEST_ORIGIN } },
      {
        method: 'POST',
        url: '/embed/generate-token',
        headers: { 'x-api-key': apiKey, 'content-type': 'application/json' },
        payload: `{"user": {"distinctId": "${apiKey}", "role": "admin"`,
      },
      { method: 'POST', url: '/embed/generate-token', headers: { 'x-api-key': `${apiKey.slice(0, -1)}0`, 'content-type': 'application/json' }, payload: '{}' },
      { method: 'POST', url: '/embed/generate-token', headers: { 'x-api-key': [apiKey, apiKey], 'content-type': 'application/json' }, payload: '{}' },
      // Secrets where they do not belong: in the URL.
      { method: 'GET', url: `/embed/session?token=${token}&api_key=${apiKey}` },
      { method: 'POST', url: `/api/tokens/introspect?token=${token}`, headers: admin, payload: { token } },
      { method: 'GET', url: `/api/audit?distinctId=${encodeURIComponent(apiKey)}`, headers: admin },
    ] as const;
    for (const call of calls) await ctx.inject(call as Parameters<TestContext['inject']>[0]);

    // A server error, logged with its stack: the store loses a table for one request.
    await ctx.store.query('alter table token_attributes rename to token_attributes_moved');
    try {
      const failed = await ctx.inject({ method: 'POST', url: '/api/attributes', headers: admin, payload: { name: 'tier', type: 'string' } });
      assert.equal(failed.statusCode, 500);
      assert.doesNotMatch(failed.body, /token_attributes|at /, 'the 500 answer leaks internals');
    } finally {
      await ctx.store.query('alter table token_attributes_moved rename to token_attributes');
    }
  });
  after(() => ctx.close());

  it('captured the flow (so the check below is not vacuous)', () => {
    const text = lines.join('');
    assert.ok(lines.length > 20, `only ${lines.length} log lines`);
    assert.match(text, /"url":"\/api\/auth\/login"/);
    assert.match(text, /"url":"\/embed\/generate-token"/);
    assert.match(text, /"statusCode":500/);
    assert.match(text, /token_attributes/, 'the server error is logged with its cause');
    assert.doesNotMatch(text, /"params":\[/, 'the bound parameters of the failed statement are logged');
  });

  it('contains no API key, token, password, session cookie or CSRF token', () => {
    const text = lines.join('');
    for (const [what, secret] of secrets) {
      assert.ok(secret.length >= 12, `${what} is too short to search for`);
      assert.ok(!text.includes(secret), `the ${what} appears in the logs`);
    }
  });

  it('keeps the non-secret part of a URL useful: path and harmless parameters stay', () => {
    const text = lines.join('');
    assert.match(text, /"url":"\/embed\/session\?token=\[redacted\]/);
    assert.match(text, /"url":"\/api\/audit\?distinctId=\[redacted\]/);
  });
});
