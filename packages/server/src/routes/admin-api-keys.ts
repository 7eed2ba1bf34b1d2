import type { FastifyInstance } from 'fastify';
import { requireAdmin } from '../http/admin-guard.ts';
import type { RouteDocs } from '../openapi/route-docs.ts';
import type { Services } from '../services.ts';

const API_KEY_SUMMARY = {
  type: 'object',
  required: ['id', 'name', 'prefix', 'lastFour', 'createdAt', 'lastUsedAt', 'revokedAt'],
  properties: {
    id: { type: 'string', description: 'Public key id; also the `kid` of the tokens it mints.' },
    name: { type: 'string' },
    prefix: { type: 'string', description: 'The start of the key, to recognise it.' },
    lastFour: { type: 'string', description: 'The last four characters of the key.' },
    createdAt: { type: 'string', format: 'date-time' },
    lastUsedAt: { type: ['string', 'null'], format: 'date-time' },
    revokedAt: { type: ['string', 'null'], format: 'date-time' },
  },
} as const;

const KEY_ID_PARAM = { id: { description: 'The API key id.', schema: { type: 'string' } } };

const LIST_DOCS: RouteDocs = {
  tag: 'Admin API',
  summary: 'List the organization\'s API keys',
  description: 'Prefix and last four characters only: the whole key is shown once, when created.',
  security: ['adminSession'],
  responses: { 200: { description: 'Every key, revoked ones included.', schema: { type: 'object', required: ['apiKeys'], properties: { apiKeys: { type: 'array', items: API_KEY_SUMMARY } } } } },
};

const CREATE_DOCS: RouteDocs = {
  tag: 'Admin API',
  summary: 'Create an API key',
  description: 'The answer holds the whole key, once (`Cache-Control: no-store`); only its SHA-256 is stored.',
  security: ['adminSession'],
  body: { schema: { type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 1, description: 'What the key is for, e.g. "Production backend".' } } }, example: { name: 'Production backend' } },
  responses: {
    201: {
      description: 'The new key, with `key` shown this once.',
      schema: { ...API_KEY_SUMMARY, required: [...API_KEY_SUMMARY.required, 'key'], properties: { ...API_KEY_SUMMARY.properties, key: { type: 'string', description: 'The API key. Store it in your backend\'s secrets now.' } } },
    },
  },
};

const REVOKE_DOCS: RouteDocs = {
  tag: 'Admin API',
  summary: 'Revoke an API key',
  description: 'At once: the key mints nothing more, and every token it minted is refused on its next use.',
  security: ['adminSession'],
  params: KEY_ID_PARAM,
  responses: { 200: { description: 'The key as it is now, with `revokedAt` set.', schema: API_KEY_SUMMARY } },
  errors: ['not_found'],
};

/** Account settings › API keys. The whole key is in the create response only. */
export async function adminApiKeyRoutes(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  const guard = requireAdmin(services);
  app.get('/api/api-keys', { preHandler: guard, config: { openapi: LIST_DOCS } }, async (request) => ({
    apiKeys: await services.apiKeys.list(request.admin!.orgId),
  }));
  app.post('/api/api-keys', { preHandler: guard, bodyLimit: 4096, config: { openapi: CREATE_DOCS } }, async (request, reply) => {
    const body = (request.body ?? {}) as { name?: unknown };
    void reply.header('cache-control', 'no-store');
    return reply.status(201).send(await services.apiKeys.create(request.admin!.orgId, body.name as string));
  });
  app.delete<{ Params: { id: string } }>('/api/api-keys/:id', { preHandler: guard, config: { openapi: REVOKE_DOCS } }, async (request) =>
    services.apiKeys.revoke(request.admin!.orgId, request.params.id),
  );
}
