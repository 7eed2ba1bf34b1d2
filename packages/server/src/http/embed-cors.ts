import type { FastifyInstance } from 'fastify';
import type { RouteDocs } from '../openapi/route-docs.ts';
import type { Services } from '../services.ts';

const ALLOWED_METHODS = 'GET, POST, OPTIONS';
const ALLOWED_HEADERS = 'Authorization, Content-Type';
const PREFLIGHT_MAX_AGE_SECONDS = '600';

/** The preflight's documentation; its path parameters are those of the request it precedes. */
const preflightDocs = (path: string): RouteDocs => ({
  tag: 'Embed API',
  summary: 'CORS preflight',
  description:
    'Answered with `Access-Control-Allow-Origin: <the origin>` only for an origin some organization authorized (the ' +
    'actual request then checks it against the token\'s own organization); other origins get no CORS headers.',
  headers: { Origin: { description: 'The page\'s origin.', schema: { type: 'string' }, example: 'https://app.example.com' } },
  params: Object.fromEntries(
    [...path.matchAll(/:([A-Za-z0-9_]+)/g)].map(([, name]) => [name!, { description: 'As in the request this preflight precedes.', schema: { type: 'string' } }]),
  ),
  responses: { 204: { description: 'No body; the CORS headers say what the browser may send.' } },
});

/**
 * CORS for the embed API. A preflight carries no token, so it is answered only for an origin that some
 * organization authorized; the actual request then checks the origin against the token's own organization
 * (embed-auth.ts). Never `*`, never `null`; always `Vary: Origin`. generate-token is server to server: no CORS.
 */
export function registerEmbedCors(app: FastifyInstance, services: Services, paths: readonly string[]): void {
  for (const path of paths) {
    app.options(path, { config: { openapi: preflightDocs(path) } }, async (request, reply) => {
      const origin = request.headers.origin;
      void reply.header('vary', 'Origin');
      if (typeof origin === 'string' && (await services.origins.isAuthorizedAnywhere(origin))) {
        void reply
          .header('access-control-allow-origin', origin)
          .header('access-control-allow-methods', ALLOWED_METHODS)
          .header('access-control-allow-headers', ALLOWED_HEADERS)
          .header('access-control-max-age', PREFLIGHT_MAX_AGE_SECONDS);
      }
      return reply.status(204).send();
    });
  }

  // Answers that no embed route handler shaped (an embed route not served by this version: 404; load shedding:
  // 503) must still be readable by a page whose preflight passed, or the elements see only a network error.
  const browserPrefixes = paths.map((path) => path.replace(/\/:.*$/, '/'));
  app.addHook('onSend', async (request, reply) => {
    const origin = request.headers.origin;
    if (typeof origin !== 'string' || reply.statusCode < 400 || reply.hasHeader('access-control-allow-origin')) return;
    const path = request.url.split('?')[0]!;
    if (!browserPrefixes.some((prefix) => (prefix.endsWith('/') ? path.startsWith(prefix) : path === prefix))) return;
    void reply.header('vary', 'Origin');
    if (await services.origins.isAuthorizedAnywhere(origin)) void reply.header('access-control-allow-origin', origin);
  });
}
