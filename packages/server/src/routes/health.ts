import type { FastifyInstance, FastifyReply } from 'fastify';
import { TcError } from '../errors.ts';
import { LOAD_SHEDDING_EXEMPT } from '../http/load-shedding.ts';
import type { RouteDocs } from '../openapi/route-docs.ts';
import { pendingMigrations } from '../store/migrations.ts';
import type { Services } from '../services.ts';

const LIVENESS_DOCS: RouteDocs = {
  tag: 'Health',
  summary: 'Liveness: the process answers',
  description: 'Answers even when the instance sheds load: a saturated instance is busy, not dead.',
  responses: { 200: { description: 'Alive.', schema: { type: 'object', required: ['status'], properties: { status: { const: 'ok' } } } } },
};

const READINESS_DOCS: RouteDocs = {
  tag: 'Health',
  summary: 'Readiness: the store answers and every migration is applied',
  description:
    'Answers 503 `service_unavailable` in the error shape, with `Retry-After`, while migrations are pending (the message names them), ' +
    'while the store is unreachable, or while the instance sheds load.',
  responses: {
    200: {
      description: 'Ready for traffic.',
      schema: { type: 'object', required: ['status', 'store'], properties: { status: { const: 'ready' }, store: { type: 'string', enum: ['pglite', 'postgres'] } } },
      example: { status: 'ready', store: 'pglite' },
    },
  },
};

// A probe retries on its own schedule; this is the hint for anything else that reads the answer.
const NOT_READY_RETRY_AFTER_SECONDS = 5;

/** Not ready, in the contract's error shape; not logged as a failure (a probe asks every few seconds while it lasts). */
function notReady(reply: FastifyReply, message: string) {
  return reply
    .status(503)
    .header('retry-after', String(NOT_READY_RETRY_AFTER_SECONDS))
    .header('cache-control', 'no-store')
    .send(new TcError('service_unavailable', message).toJSON());
}

/** /healthz: the process answers. /readyz: the store answers and every migration is applied. */
export async function healthRoutes(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  // Liveness answers even under load shedding: a saturated instance is busy, not dead (/readyz is shed).
  app.get('/healthz', { config: { ...LOAD_SHEDDING_EXEMPT, openapi: LIVENESS_DOCS } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { config: { openapi: READINESS_DOCS } }, async (_request, reply) => {
    let pending: string[];
    try {
      pending = await pendingMigrations(services.store);
    } catch {
      return notReady(reply, 'The tc-embed store is unreachable; this instance is not ready.');
    }
    if (pending.length) {
      return notReady(reply, `Database migrations are pending (${pending.join(', ')}); this instance is ready once they are applied (npx tc-embed migrate).`);
    }
    return { status: 'ready', store: services.store.kind };
  });
}
