import type { FastifyInstance } from 'fastify';
import { TcError } from '../errors.ts';
import { requireAdmin } from '../http/admin-guard.ts';
import type { RouteDocs } from '../openapi/route-docs.ts';
import type { Services } from '../services.ts';

const AUTHORIZED_ORIGIN = {
  type: 'object',
  required: ['origin', 'createdAt'],
  properties: { origin: { type: 'string', description: 'Normalised: lowercase, punycode, default port dropped.' }, createdAt: { type: 'string', format: 'date-time' } },
} as const;

const LIST_DOCS: RouteDocs = {
  tag: 'Admin API',
  summary: 'List authorized origins',
  description: 'Pages on these origins may use the organization\'s tokens; the embed API refuses every other origin.',
  security: ['adminSession'],
  responses: { 200: { description: 'The organization\'s origins.', schema: { type: 'object', required: ['origins'], properties: { origins: { type: 'array', items: AUTHORIZED_ORIGIN } } } } },
};

const ADD_DOCS: RouteDocs = {
  tag: 'Admin API',
  summary: 'Authorize an origin',
  description: 'Scheme, host and port only (no path, query or fragment); `*.` is allowed as a leading label for subdomains. Adding a listed origin again changes nothing.',
  security: ['adminSession'],
  body: {
    schema: { type: 'object', required: ['origin'], properties: { origin: { type: 'string', description: 'e.g. https://app.example.com or https://*.example.com' } } },
    example: { origin: 'https://app.example.com' },
  },
  responses: {
    201: {
      description: 'The origin as saved, and what was sent.',
      schema: { ...AUTHORIZED_ORIGIN, required: [...AUTHORIZED_ORIGIN.required, 'normalizedFrom'], properties: { ...AUTHORIZED_ORIGIN.properties, normalizedFrom: { type: 'string' } } },
    },
  },
};

const REMOVE_DOCS: RouteDocs = {
  tag: 'Admin API',
  summary: 'Remove an authorized origin',
  description: 'At once: pages on it are refused on their next embed request.',
  security: ['adminSession'],
  query: { origin: { description: 'The origin to remove, as listed.', schema: { type: 'string' }, required: true, example: 'https://app.example.com' } },
  responses: { 200: { description: 'Removed.', schema: { type: 'object', required: ['removed'], properties: { removed: { type: 'string' } } } } },
  errors: ['invalid_request', 'not_found'],
};

/** Settings › Embed & access › Authorized origins. */
export async function adminOriginRoutes(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  const guard = requireAdmin(services);
  app.get('/api/origins', { preHandler: guard, config: { openapi: LIST_DOCS } }, async (request) => ({
    origins: await services.origins.list(request.admin!.orgId),
  }));
  app.post('/api/origins', { preHandler: guard, bodyLimit: 4096, config: { openapi: ADD_DOCS } }, async (request, reply) => {
    const body = (request.body ?? {}) as { origin?: unknown };
    return reply.status(201).send(await services.origins.add(request.admin!.orgId, body.origin));
  });
  app.delete<{ Querystring: { origin?: string } }>('/api/origins', { preHandler: guard, config: { openapi: REMOVE_DOCS } }, async (request) => {
    const origin = request.query.origin;
    if (typeof origin !== 'string' || origin === '') {
      throw new TcError('invalid_request', 'origin is required as a query parameter: DELETE /api/origins?origin=https://app.example.com', [{ field: 'origin', message: 'required' }]);
    }
    await services.origins.remove(request.admin!.orgId, origin);
    return { removed: origin };
  });
}
