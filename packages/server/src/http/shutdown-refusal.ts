import type { FastifyInstance } from 'fastify';
import { TcError } from '../errors.ts';

const RETRY_AFTER_SECONDS = 5;

/**
 * While the server shuts down (SIGTERM), requests that still arrive on open keep-alive connections are refused
 * with 503 service_unavailable in the contract's shape (Fastify's own return503OnClosing answers in its shape),
 * and the connection is closed so the client reconnects to another instance.
 */
export function registerShutdownRefusal(app: FastifyInstance): void {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', async (_request, reply) => {
    if (!closing) return;
    const refusal = new TcError('service_unavailable', `This tc-embed instance is shutting down; retry in ${RETRY_AFTER_SECONDS} seconds.`);
    return reply.status(503).header('retry-after', String(RETRY_AFTER_SECONDS)).header('connection', 'close').send(refusal.toJSON());
  });
}
