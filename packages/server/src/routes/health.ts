import type { FastifyInstance } from 'fastify';
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
  description: 'Answers 503 with `{"status": "migrating", "pending": [...]}` while migrations are pending, or the error shape when the store is unreachable.',
  responses: {
    200: {
      description: 'Ready for traffic.',
      schema: { type: 'object', required: ['status', 'store'], properties: { status: { const: 'ready' }, store: { type: 'string', enum: ['pglite', 'postgres'] } } },
      example: { status: 'ready', store: 'pglite' },
    },
  },
};

/** /healthz: the process answers. /readyz: the store answers and every migration is applied. */
export async function healthRoutes(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  // Liveness answers even under load shedding: a saturated instance is busy, not dead (/readyz is shed).
  app.get('/healthz', { config: { ...LOAD_SHEDDING_EXEMPT, openapi: LIVENESS_DOCS } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { config: { openapi: READINESS_DOCS } }, async (_request, reply) => {
    try {
      const pending = await pendingMigrations(services.store);
      if (pending.length) return reply.status(503).send({ status: 'migrating', pending });
      return { status: 'ready', store: services.store.kind };
    } catch {
      void reply.header('retry-after', '5');
      return reply.status(503).send({ error: { code: 'service_unavailable', message: 'The store is unreachable.' } });
    }
  });
}
