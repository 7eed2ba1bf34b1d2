import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { createFastifyTokenHandler, createTcEmbedClient, TcEmbedError, type TcEmbedClient, type TokenUser } from '../src/index.ts';
import { startLiveServer, TEST_ORIGIN, type LiveServer } from './helpers/live-server.ts';

/** What the host's auth plugin decorates requests with; here read from a test header by a hook. */
interface SignedIn {
  user?: { id: string; region: string };
}

const signedInUser = (request: FastifyRequest & SignedIn): TokenUser | null =>
  request.user ? { distinctId: request.user.id, attributes: { region: request.user.region } } : null;

describe('createFastifyTokenHandler (a real Fastify host app against a real tc-embed)', () => {
  let live: LiveServer;
  let tc: TcEmbedClient;
  let host: FastifyInstance;
  let hostUrl: string;
  const reported: unknown[] = [];

  before(async () => {
    live = await startLiveServer();
    tc = createTcEmbedClient({ serverUrl: live.url, apiKey: live.ctx.apiKey });
    host = Fastify();
    host.addHook('onRequest', async (request: FastifyRequest & SignedIn) => {
      const session = request.headers['x-test-user'];
      if (typeof session === 'string') {
        const [id, region] = session.split(':');
        request.user = { id: id!, region: region! };
      }
    });
    const onError = (error: unknown) => reported.push(error);
    host.post('/api/tc-token', createFastifyTokenHandler(tc, signedInUser, { onError }));
    host.post('/broken', createFastifyTokenHandler(tc, () => {
      throw new Error('session store down');
    }, { onError }));
    host.post('/unregistered-attribute', createFastifyTokenHandler(tc, () => ({ distinctId: 'bob', attributes: { department: 'sales' } }), { onError }));
    hostUrl = await host.listen({ port: 0, host: '127.0.0.1' });
  });
  after(async () => {
    await host.close();
    await live.close();
  });

  it('answers a token for the signed-in user, never cacheable, that opens their session', async () => {
    const response = await fetch(`${hostUrl}/api/tc-token`, { method: 'POST', headers: { 'x-test-user': 'alice:EMEA' } });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
    assert.match(response.headers.get('content-type')!, /^application\/json/);
    const body = (await response.json()) as { token: string; expiresIn: string; expiresAt: string };
    assert.equal(body.expiresIn, '1h');
    assert.ok(Math.abs(Date.parse(body.expiresAt) - Date.now() - 3_600_000) < 5_000);

    const session = await live.ctx.inject({
      method: 'POST',
      url: '/embed/session',
      headers: { authorization: `Bearer ${body.token}`, origin: TEST_ORIGIN },
    });
    assert.equal(session.statusCode, 200);
    assert.equal(session.json().user.distinctId, 'alice');
    const introspection = await live.ctx.services.tokens.introspect(body.token);
    assert.deepEqual(introspection.claims!.attributes, { region: 'EMEA' });
  });

  it('401 unauthenticated when nobody is signed in', async () => {
    const response = await fetch(`${hostUrl}/api/tc-token`, { method: 'POST' });
    assert.equal(response.status, 401);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    assert.deepEqual(await response.json(), {
      error: { code: 'unauthenticated', message: 'Sign in first: embedded analytics need a signed-in user.' },
    });
  });

  it('500 internal_error when the callback throws, reported to onError without leaking it', async () => {
    reported.length = 0;
    const response = await fetch(`${hostUrl}/broken`, { method: 'POST' });
    assert.equal(response.status, 500);
    const body = (await response.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'internal_error');
    assert.doesNotMatch(body.error.message, /session store/);
    assert.equal((reported[0] as Error).message, 'session store down');
  });

  it("502 with tc-embed's code and message when tc-embed refuses the request", async () => {
    reported.length = 0;
    const response = await fetch(`${hostUrl}/unregistered-attribute`, { method: 'POST' });
    assert.equal(response.status, 502);
    const body = (await response.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'invalid_request');
    assert.match(body.error.message, /user\.attributes\.department/);
    assert.equal((reported[0] as TcEmbedError).code, 'invalid_request');
  });
});
