import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import {
  createFetchTokenHandler,
  createTcEmbedClient,
  createTokenHandler,
  TcEmbedError,
  type TcEmbedClient,
  type TokenUser,
} from '../src/index.ts';
import { tokenHandlerScenarios } from './helpers/host-handler-scenarios.ts';
import { startLiveServer, startScriptedServer, type LiveServer } from './helpers/live-server.ts';

/** The host app's notion of a signed-in user: here, a header its (pretend) session middleware set. */
interface HostRequest extends IncomingMessage {
  user?: { id: string; region: string };
}

const signedInUser = (request: HostRequest): TokenUser | null =>
  request.user ? { distinctId: request.user.id, attributes: { region: request.user.region } } : null;

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('createTokenHandler (node:http, as Express and connect call it)', () => {
  let live: LiveServer;
  let tc: TcEmbedClient;
  let host: Server;
  let hostUrl: string;
  const reported: unknown[] = [];

  before(async () => {
    live = await startLiveServer();
    tc = createTcEmbedClient({ serverUrl: live.url, apiKey: live.ctx.apiKey });
    const handler = createTokenHandler<HostRequest>(tc, signedInUser, { onError: (error) => reported.push(error) });
    const failing = createTokenHandler<HostRequest>(tc, () => {
      throw new Error('session store down');
    }, { onError: (error) => reported.push(error) });
    const unregistered = createTokenHandler(tc, () => ({ distinctId: 'bob', attributes: { department: 'sales' } }), {
      onError: (error) => reported.push(error),
    });
    host = createServer((request: HostRequest, response) => {
      // A stand-in for the host's session middleware.
      const session = request.headers['x-test-user'];
      if (typeof session === 'string') {
        const [id, region] = session.split(':');
        request.user = { id: id!, region: region! };
      }
      if (request.url === '/broken') return void failing(request, response);
      if (request.url === '/unregistered-attribute') return void unregistered(request, response);
      return void handler(request, response);
    });
    hostUrl = await listen(host);
  });
  after(async () => {
    host.closeAllConnections();
    await new Promise((resolve) => host.close(resolve));
    await live.close();
  });

  tokenHandlerScenarios(() => ({ hostUrl, live, reported }));
});

describe('createFetchTokenHandler (Request → Response, as Next.js route handlers and Hono call it)', () => {
  let live: LiveServer;
  let tc: TcEmbedClient;
  before(async () => {
    live = await startLiveServer();
    tc = createTcEmbedClient({ serverUrl: live.url, apiKey: live.ctx.apiKey });
  });
  after(() => live.close());

  const fromHeader = (request: Request): TokenUser | null => {
    const id = request.headers.get('x-test-user');
    return id ? { distinctId: id, expiresIn: '15m' } : null;
  };

  it('answers a token for the signed-in user with Cache-Control: no-store', async () => {
    const handler = createFetchTokenHandler(tc, fromHeader);
    const response = await handler(new Request('http://host.test/api/tc-token', { method: 'POST', headers: { 'x-test-user': 'carol' } }));
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    const body = (await response.json()) as { token: string; expiresIn: string };
    assert.equal(body.expiresIn, '15m');
    const introspection = await live.ctx.services.tokens.introspect(body.token);
    assert.equal(introspection.claims!.distinctId, 'carol');
  });

  it('401 when nobody is signed in, without calling tc-embed', async () => {
    const upstream = await startScriptedServer(['forward'], live.url);
    try {
      const client = createTcEmbedClient({ serverUrl: upstream.url, apiKey: live.ctx.apiKey });
      const response = await createFetchTokenHandler(client, fromHeader)(new Request('http://host.test/api/tc-token', { method: 'POST' }));
      assert.equal(response.status, 401);
      assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'unauthenticated');
      assert.equal(upstream.requests.length, 0);
    } finally {
      await upstream.close();
    }
  });

  it('429 with Retry-After when tc-embed rate-limits the key', async () => {
    const limited = await startLiveServer({ config: { rateLimitPerMinute: 1 } });
    try {
      const client = createTcEmbedClient({ serverUrl: limited.url, apiKey: limited.ctx.apiKey });
      const handler = createFetchTokenHandler(client, fromHeader, { onError: () => {} });
      const request = () => new Request('http://host.test/api/tc-token', { method: 'POST', headers: { 'x-test-user': 'dan' } });
      assert.equal((await handler(request())).status, 200);
      const refused = await handler(request());
      assert.equal(refused.status, 429);
      assert.ok(Number(refused.headers.get('retry-after')) >= 1);
      assert.equal(((await refused.json()) as { error: { code: string } }).error.code, 'rate_limited');
    } finally {
      await limited.close();
    }
  });

  it('503 with Retry-After when tc-embed stays unavailable', async () => {
    const down = await startScriptedServer([{ status: 503, headers: { 'retry-after': '0' }, body: '{"error":{"code":"service_unavailable","message":"store down"}}' }]);
    try {
      const client = createTcEmbedClient({ serverUrl: down.url, apiKey: live.ctx.apiKey, maxRetries: 1 });
      const errors: unknown[] = [];
      const handler = createFetchTokenHandler(client, fromHeader, { onError: (error) => errors.push(error) });
      const response = await handler(new Request('http://host.test/', { method: 'POST', headers: { 'x-test-user': 'erin' } }));
      assert.equal(response.status, 503);
      assert.equal(response.headers.get('retry-after'), '0');
      assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'service_unavailable');
      assert.equal(down.requests.length, 2);
      assert.equal(errors.length, 1);
    } finally {
      await down.close();
    }
  });

  it('takes a client factory, called on the first request rather than at import, once it succeeds', async () => {
    let apiKey = '';
    let created = 0;
    const errors: unknown[] = [];
    // As in a Next.js route module: `next build` imports it without TC_EMBED_API_KEY set.
    const handler = createFetchTokenHandler(
      () => {
        created++;
        return createTcEmbedClient({ serverUrl: live.url, apiKey });
      },
      fromHeader,
      { onError: (error) => errors.push(error) },
    );
    assert.equal(created, 0, 'creating the handler does not create the client');
    const request = () => new Request('http://host.test/api/tc-token', { method: 'POST', headers: { 'x-test-user': 'fay' } });

    const unconfigured = await handler(request());
    assert.equal(unconfigured.status, 500);
    const body = (await unconfigured.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'internal_error');
    assert.match(body.error.message, /not configured/);
    assert.equal((errors[0] as TcEmbedError).code, 'invalid_configuration');

    apiKey = live.ctx.apiKey;
    assert.equal((await handler(request())).status, 200);
    assert.equal((await handler(request())).status, 200);
    assert.equal(created, 2, 'the failed attempt, then one client reused');
  });

  it('logs one console line when no onError is given', async (t) => {
    const lines: unknown[][] = [];
    t.mock.method(console, 'error', (...args: unknown[]) => lines.push(args));
    const handler = createFetchTokenHandler(tc, () => ({ distinctId: 'u', role: 'owner' }));
    const response = await handler(new Request('http://host.test/', { method: 'POST' }));
    assert.equal(response.status, 502);
    assert.equal(lines.length, 1);
    assert.match(String(lines[0]![0]), /\[tc-embed\] token handler failed: unsupported_role/);
  });
});
