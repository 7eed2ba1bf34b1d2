import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { createTcEmbedClient, SDK_VERSION, TcEmbedError, type TcEmbedClient } from '../src/index.ts';
import { startLiveServer, startScriptedServer, TEST_ORIGIN, type LiveServer, type ScriptedServer } from './helpers/live-server.ts';

/** Asserts that `promise` rejects with a TcEmbedError of `code` (and `status`), and returns it. */
async function rejectsWith(promise: Promise<unknown>, code: string, status?: number): Promise<TcEmbedError> {
  const error = await promise.then(
    () => assert.fail(`expected ${code}, got a token`),
    (caught: unknown) => caught,
  );
  assert.ok(error instanceof TcEmbedError, `expected a TcEmbedError, got ${String(error)}`);
  assert.equal(error.code, code, error.message);
  assert.equal(error.status, status);
  return error;
}

describe('createTcEmbedClient against a real tc-embed server', () => {
  let live: LiveServer;
  let tc: TcEmbedClient;
  before(async () => {
    live = await startLiveServer();
    tc = createTcEmbedClient({ serverUrl: `${live.url}/`, apiKey: live.ctx.apiKey });
  });
  after(() => live.close());

  it('mints a token that opens a session for the user, with expiresAt as a Date', async () => {
    const before = Date.now();
    const generated = await tc.generateToken({ distinctId: 'user-123' });
    assert.equal(generated.expiresIn, '1h');
    assert.ok(generated.expiresAt instanceof Date);
    const lifetime = generated.expiresAt.getTime() - before;
    assert.ok(lifetime > 3_595_000 && lifetime <= 3_601_000, `lifetime ${lifetime} ms`);
    assert.equal(JSON.parse(JSON.stringify(generated)).expiresAt, generated.expiresAt.toISOString());

    const session = await live.ctx.inject({
      method: 'POST',
      url: '/embed/session',
      headers: { authorization: `Bearer ${generated.token}`, origin: TEST_ORIGIN },
    });
    assert.equal(session.statusCode, 200);
    assert.equal(session.json().user.distinctId, 'user-123');
    assert.equal(session.json().user.role, 'explorer');
  });

  it('sends attributes and expiresIn, and the server applies them', async () => {
    const generated = await tc.generateToken({ distinctId: 'u-7', attributes: { region: 'EMEA', level: 3 }, expiresIn: '15m' });
    assert.equal(generated.expiresIn, '15m');
    const introspection = await live.ctx.services.tokens.introspect(generated.token);
    assert.equal(introspection.valid, true);
    assert.deepEqual(introspection.claims!.attributes, { region: 'EMEA', level: 3 });
    assert.ok(introspection.claims!.expiresInSeconds > 890 && introspection.claims!.expiresInSeconds <= 900);
  });

  it('sends the x-api-key header and a User-Agent naming the SDK version', async () => {
    const proxy = await startScriptedServer(['forward'], live.url);
    try {
      await createTcEmbedClient({ serverUrl: proxy.url, apiKey: live.ctx.apiKey }).generateToken({ distinctId: 'u' });
      assert.equal(proxy.requests[0]!.headers['x-api-key'], live.ctx.apiKey);
      assert.equal(proxy.requests[0]!.headers['user-agent'], `tc-embed-node/${SDK_VERSION}`);
      assert.equal(proxy.requests[0]!.url, '/embed/generate-token');
    } finally {
      await proxy.close();
    }
  });

  it('invalid_api_key (401) for a key the server does not know', async () => {
    const stranger = createTcEmbedClient({ serverUrl: live.url, apiKey: `${live.ctx.apiKey.slice(0, -6)}AAAAAA` });
    await rejectsWith(stranger.generateToken({ distinctId: 'u' }), 'invalid_api_key', 401);
  });

  it('invalid_api_key (401) once the key is revoked', async () => {
    const key = await live.ctx.services.apiKeys.create(live.ctx.orgId, 'short-lived');
    const client = createTcEmbedClient({ serverUrl: live.url, apiKey: key.key });
    await client.generateToken({ distinctId: 'u' });
    await live.ctx.services.apiKeys.revoke(live.ctx.orgId, key.id);
    await rejectsWith(client.generateToken({ distinctId: 'u' }), 'invalid_api_key', 401);
  });

  it('invalid_request (400) naming the field, with details', async () => {
    const error = await rejectsWith(tc.generateToken({ distinctId: 'u', attributes: { department: 'sales' } }), 'invalid_request', 400);
    assert.match(error.message, /user\.attributes\.department is not a registered token attribute/);
    assert.deepEqual(error.details?.[0]?.field, 'user.attributes.department');

    const wrongType = await rejectsWith(tc.generateToken({ distinctId: 'u', attributes: { level: 'high' } }), 'invalid_request', 400);
    assert.match(wrongType.message, /user\.attributes\.level must be a finite number/);
    await rejectsWith(tc.generateToken({ distinctId: '' }), 'invalid_request', 400);
    await rejectsWith(tc.generateToken({ distinctId: 'u', expiresIn: '2d' }), 'invalid_request', 400);
  });

  it('unsupported_role (400) for a role the server does not support', async () => {
    const error = await rejectsWith(tc.generateToken({ distinctId: 'u', role: 'admin' }), 'unsupported_role', 400);
    assert.match(error.message, /"explorer"/);
  });

  it('payload_too_large (413) for an oversized body', async () => {
    const huge = Array.from({ length: 30 }, () => 'x'.repeat(1000));
    await rejectsWith(tc.generateToken({ distinctId: 'u', attributes: { countries: huge } }), 'payload_too_large', 413);
  });

  it('rate_limited (429) with retryAfter, and never retried', async () => {
    const limited = await startLiveServer({ config: { rateLimitPerMinute: 1 } });
    const proxy = await startScriptedServer(['forward'], limited.url);
    try {
      const client = createTcEmbedClient({ serverUrl: proxy.url, apiKey: limited.ctx.apiKey });
      await client.generateToken({ distinctId: 'u' });
      const error = await rejectsWith(client.generateToken({ distinctId: 'u' }), 'rate_limited', 429);
      assert.ok(error.retryAfter! >= 1 && error.retryAfter! <= 60, `retryAfter ${error.retryAfter}`);
      assert.equal(proxy.requests.length, 2);
    } finally {
      await proxy.close();
      await limited.close();
    }
  });
});

describe('retries', () => {
  let live: LiveServer;
  before(async () => {
    live = await startLiveServer();
  });
  after(() => live.close());

  const through = async (steps: Parameters<typeof startScriptedServer>[0], run: (client: TcEmbedClient, proxy: ScriptedServer) => Promise<void>, options = {}) => {
    const proxy = await startScriptedServer(steps, live.url);
    try {
      await run(createTcEmbedClient({ serverUrl: proxy.url, apiKey: live.ctx.apiKey, ...options }), proxy);
    } finally {
      await proxy.close();
    }
  };
  const unavailable = { status: 503, headers: { 'content-type': 'application/json' }, body: '{"error":{"code":"service_unavailable","message":"The tc-embed store is unreachable; retry in a few seconds."}}' };

  it('retries a 503 twice, then gets the token', () =>
    through([unavailable, unavailable, 'forward'], async (client, proxy) => {
      const generated = await client.generateToken({ distinctId: 'u' });
      assert.ok(generated.token.length > 100);
      assert.equal(proxy.requests.length, 3);
    }));

  it('honours Retry-After between attempts', () =>
    through([{ ...unavailable, headers: { ...unavailable.headers, 'retry-after': '1' } }, 'forward'], async (client, proxy) => {
      await client.generateToken({ distinctId: 'u' });
      const waited = proxy.requests[1]!.at - proxy.requests[0]!.at;
      assert.ok(waited >= 1000 && waited < 1500, `waited ${waited} ms`);
    }));

  it('gives up after maxRetries with the last 503 and its retryAfter', () =>
    through([{ ...unavailable, headers: { ...unavailable.headers, 'retry-after': '0' } }], async (client, proxy) => {
      const error = await rejectsWith(client.generateToken({ distinctId: 'u' }), 'service_unavailable', 503);
      assert.equal(error.retryAfter, 0);
      assert.equal(proxy.requests.length, 4);
    }, { maxRetries: 3 }));

  it('does not wait for a Retry-After longer than the deadline', () =>
    through([{ ...unavailable, headers: { ...unavailable.headers, 'retry-after': '8' } }, 'forward'], async (client, proxy) => {
      const started = Date.now();
      const error = await rejectsWith(client.generateToken({ distinctId: 'u' }), 'service_unavailable', 503);
      assert.equal(error.retryAfter, 8);
      assert.ok(Date.now() - started < 1000);
      assert.equal(proxy.requests.length, 1);
    }, { timeoutMs: 3000 }));

  it('maps a proxy\'s non-JSON 502/503 to service_unavailable and retries it', () =>
    through([{ status: 503, body: '<html>Service Unavailable</html>' }, 'forward'], async (client, proxy) => {
      await client.generateToken({ distinctId: 'u' });
      assert.equal(proxy.requests.length, 2);
    }));

  it('never retries a 401', () =>
    through(['forward'], async (_client, proxy) => {
      const wrongKey = createTcEmbedClient({ serverUrl: proxy.url, apiKey: `${live.ctx.apiKey.slice(0, -6)}AAAAAA`, maxRetries: 3 });
      await rejectsWith(wrongKey.generateToken({ distinctId: 'u' }), 'invalid_api_key', 401);
      assert.equal(proxy.requests.length, 1);
    }));

  it('never retries a 400', () =>
    through(['forward'], async (client, proxy) => {
      await rejectsWith(client.generateToken({ distinctId: 'u', role: 'owner' }), 'unsupported_role', 400);
      assert.equal(proxy.requests.length, 1);
    }));

  it('retries after a reset connection', () =>
    through(['reset', 'forward'], async (client, proxy) => {
      await client.generateToken({ distinctId: 'u' });
      assert.equal(proxy.requests.length, 2);
    }));

  it('network_error when nothing listens, after its retries', async () => {
    const proxy = await startScriptedServer([{ status: 200 }]);
    const url = proxy.url;
    await proxy.close();
    const client = createTcEmbedClient({ serverUrl: url, apiKey: live.ctx.apiKey, maxRetries: 1 });
    const error = await rejectsWith(client.generateToken({ distinctId: 'u' }), 'network_error');
    assert.match(error.message, /ECONNREFUSED/);
  });

  it('timeout when the server never answers within timeoutMs', () =>
    through(['hang'], async (client) => {
      const started = Date.now();
      await rejectsWith(client.generateToken({ distinctId: 'u' }), 'timeout');
      const elapsed = Date.now() - started;
      assert.ok(elapsed >= 300 && elapsed < 1500, `elapsed ${elapsed} ms`);
    }, { timeoutMs: 300 }));

  it('abandons an attempt that hangs after half the deadline and gets the token from a fresh one', () =>
    through(['hang', 'forward'], async (client, proxy) => {
      const started = Date.now();
      const generated = await client.generateToken({ distinctId: 'u' });
      const elapsed = Date.now() - started;
      assert.ok(generated.token.length > 100);
      assert.equal(proxy.requests.length, 2);
      // Half of 4 s for the hung attempt, then the retry at once.
      assert.ok(elapsed >= 2000 && elapsed < 4000, `elapsed ${elapsed} ms`);
    }, { timeoutMs: 4000 }));

  it('timeout naming the attempt when the only retry hangs as well', () =>
    through(['hang'], async (client, proxy) => {
      const started = Date.now();
      await rejectsWith(client.generateToken({ distinctId: 'u' }), 'timeout');
      const elapsed = Date.now() - started;
      // 300 ms for the first attempt, the rest of the deadline for the last.
      assert.equal(proxy.requests.length, 2);
      assert.ok(elapsed >= 600 && elapsed < 1500, `elapsed ${elapsed} ms`);
    }, { timeoutMs: 600, maxRetries: 1 }));

  it('aborted when the caller\'s signal fires, also during a backoff wait', () =>
    through([{ ...unavailable, headers: { ...unavailable.headers, 'retry-after': '5' } }], async (client, proxy) => {
      const controller = new AbortController();
      setTimeout(() => controller.abort(new Error('user left')), 200);
      const started = Date.now();
      await rejectsWith(client.generateToken({ distinctId: 'u', signal: controller.signal }), 'aborted');
      assert.ok(Date.now() - started < 1000);
      assert.equal(proxy.requests.length, 1);
    }, { timeoutMs: 20_000 }));

  it('invalid_response when something other than tc-embed answers', () =>
    through([{ status: 200, headers: { 'content-type': 'text/html' }, body: '<html>welcome</html>' }], async (client) => {
      await rejectsWith(client.generateToken({ distinctId: 'u' }), 'invalid_response', 200);
    }));

  it('never follows a redirect (it would carry the API key along)', async () => {
    const elsewhere = await startScriptedServer([{ status: 200, body: '{}' }]);
    try {
      await through([{ status: 307, headers: { location: `${elsewhere.url}/embed/generate-token` } }], async (client) => {
        const error = await rejectsWith(client.generateToken({ distinctId: 'u' }), 'invalid_configuration', 307);
        assert.match(error.message, /serverUrl/);
      });
      assert.equal(elsewhere.requests.length, 0);
    } finally {
      await elsewhere.close();
    }
  });
});

describe('configuration', () => {
  const apiKey = 'tc_live_example';

  it('refuses a missing or malformed serverUrl and apiKey before any request', () => {
    const configError = (options: unknown, pattern: RegExp) =>
      assert.throws(() => createTcEmbedClient(options as never), (error: unknown) => {
        assert.ok(error instanceof TcEmbedError);
        assert.equal(error.code, 'invalid_configuration');
        assert.match(error.message, pattern);
        return true;
      });
    configError({ apiKey }, /serverUrl is required/);
    configError({ serverUrl: 'analytics.example.com', apiKey }, /serverUrl must be the http\(s\) base URL/);
    configError({ serverUrl: 'ftp://analytics.example.com', apiKey }, /serverUrl/);
    configError({ serverUrl: 'https://analytics.example.com?x=1', apiKey }, /No query/);
    configError({ serverUrl: 'https://analytics.example.com' }, /apiKey is required/);
    configError({ serverUrl: 'https://analytics.example.com', apiKey: '  ' }, /apiKey is required/);
    configError({ serverUrl: 'https://analytics.example.com', apiKey: 'tc_a b' }, /whitespace/);
    configError({ serverUrl: 'https://analytics.example.com', apiKey, timeoutMs: 0 }, /timeoutMs/);
    configError({ serverUrl: 'https://analytics.example.com', apiKey, maxRetries: -1 }, /maxRetries/);
  });

  it('normalises the server URL (trailing slashes, a path prefix kept)', () => {
    assert.equal(createTcEmbedClient({ serverUrl: 'https://Analytics.Example.com/', apiKey }).serverUrl, 'https://analytics.example.com');
    assert.equal(createTcEmbedClient({ serverUrl: new URL('https://example.com/tc//'), apiKey }).serverUrl, 'https://example.com/tc');
  });

  it('SDK_VERSION matches package.json', () => {
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    assert.equal(SDK_VERSION, manifest.version);
  });
});

describe('refusal in a browser-like runtime', () => {
  for (const name of ['window', 'document', 'WorkerGlobalScope']) {
    it(`throws browser_not_supported when a global ${name} exists`, () => {
      const scope = globalThis as Record<string, unknown>;
      scope[name] = {};
      try {
        assert.throws(
          () => createTcEmbedClient({ serverUrl: 'https://analytics.example.com', apiKey: 'tc_live_example' }),
          (error: unknown) => {
            assert.ok(error instanceof TcEmbedError);
            assert.equal(error.code, 'browser_not_supported');
            assert.match(error.message, /API key/);
            assert.match(error.message, /createTokenHandler/);
            return true;
          },
        );
      } finally {
        delete scope[name];
      }
    });
  }
});
