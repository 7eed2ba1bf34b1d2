import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { TcError } from '../errors.ts';
import { LOAD_SHEDDING_EXEMPT } from '../http/load-shedding.ts';
import type { RouteDocs } from '../openapi/route-docs.ts';
import type { Services } from '../services.ts';

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3})$/;
// A reverse proxy on the same host makes every visitor look like loopback; these headers give it away.
const PROXY_HEADERS = ['forwarded', 'x-forwarded-for', 'x-real-ip'];

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/**
 * Whether this request may read /metrics: with TC_METRICS_TOKEN, a matching bearer token from anywhere;
 * without it, direct loopback connections only. Throws the contract's error otherwise.
 */
function authorizeScrape(request: FastifyRequest, reply: FastifyReply, metricsToken: string | undefined): void {
  if (metricsToken !== undefined) {
    const presented = /^Bearer (\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    if (presented === undefined || !timingSafeEqual(digest(presented), digest(metricsToken))) {
      void reply.header('www-authenticate', 'Bearer realm="tc-embed metrics"');
      throw new TcError('unauthenticated', 'GET /metrics needs the Authorization header "Bearer <TC_METRICS_TOKEN>".');
    }
    return;
  }
  const direct = LOOPBACK.test(request.socket.remoteAddress ?? '') && !PROXY_HEADERS.some((name) => name in request.headers);
  if (!direct) {
    throw new TcError('forbidden', 'GET /metrics answers direct loopback connections only; set TC_METRICS_TOKEN to scrape it with a bearer token.');
  }
}

const METRICS_DOCS: RouteDocs = {
  tag: 'Health',
  summary: 'Prometheus metrics',
  description:
    'The text exposition format. With `TC_METRICS_TOKEN` set, needs `Authorization: Bearer <TC_METRICS_TOKEN>`; ' +
    'without it, answers direct loopback connections only (not through a proxy). Answers even under load shedding.',
  security: ['metricsToken'],
  responses: { 200: { description: 'The metrics.', contentType: 'text/plain', schema: { type: 'string' } } },
};

/** GET /metrics — Prometheus exposition of services.metrics (meanings in docs/OPERATIONS.md). */
export async function metricsRoutes(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  app.get('/metrics', { config: { ...LOAD_SHEDDING_EXEMPT, openapi: METRICS_DOCS } }, async (request, reply) => {
    authorizeScrape(request, reply, services.config.metricsToken);
    const { contentType, body } = await services.metrics.render();
    return reply.header('content-type', contentType).header('cache-control', 'no-store').send(body);
  });
}
