import { after, before, describe } from 'node:test';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { createFastifyTokenHandler, createTcEmbedClient, type TcEmbedClient, type TokenUser } from '../src/index.ts';
import { tokenHandlerScenarios } from './helpers/host-handler-scenarios.ts';
import { startLiveServer, type LiveServer } from './helpers/live-server.ts';

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

  tokenHandlerScenarios(() => ({ hostUrl, live, reported }));
});
