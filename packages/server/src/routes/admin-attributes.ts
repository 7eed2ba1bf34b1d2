import type { FastifyInstance } from 'fastify';
import { DEFAULT_IDENTITY_FIELDS } from '../attributes/service.ts';
import { requireAdmin } from '../http/admin-guard.ts';
import type { RouteDocs } from '../openapi/route-docs.ts';
import type { Services } from '../services.ts';

const ATTRIBUTE_TYPE = { type: 'string', enum: ['string', 'number', 'boolean', 'date', 'string[]'] } as const;
const TOKEN_ATTRIBUTE = {
  type: 'object',
  required: ['name', 'type', 'description', 'createdAt'],
  properties: {
    name: { type: 'string' },
    type: ATTRIBUTE_TYPE,
    description: { type: 'string' },
    createdAt: { type: 'string', format: 'date-time' },
  },
} as const;

const LIST_DOCS: RouteDocs = {
  tag: 'Admin API',
  summary: 'List token attributes',
  description: 'The identity fields every token has (read-only), and the organization\'s custom attributes that tokens may carry.',
  security: ['adminSession'],
  responses: {
    200: {
      description: 'Default identity fields and custom attributes.',
      schema: {
        type: 'object',
        required: ['defaults', 'attributes'],
        properties: {
          defaults: { type: 'array', items: { type: 'object', required: ['name', 'type', 'description'], properties: { name: { type: 'string' }, type: { type: 'string' }, description: { type: 'string' } } } },
          attributes: { type: 'array', items: TOKEN_ATTRIBUTE },
        },
      },
    },
  },
};

const ADD_DOCS: RouteDocs = {
  tag: 'Admin API',
  summary: 'Register a custom token attribute',
  description: 'generate-token refuses attributes that are not registered, or not of their registered type.',
  security: ['adminSession'],
  body: {
    schema: {
      type: 'object',
      required: ['name', 'type'],
      properties: {
        name: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$', description: 'Not one of the identity fields or claim names.' },
        type: ATTRIBUTE_TYPE,
        description: { type: 'string' },
      },
    },
    example: { name: 'region', type: 'string', description: 'Sales region the user may see.' },
  },
  responses: { 201: { description: 'The registered attribute.', schema: TOKEN_ATTRIBUTE } },
  errors: ['conflict'],
};

const REMOVE_DOCS: RouteDocs = {
  tag: 'Admin API',
  summary: 'Remove a custom token attribute',
  security: ['adminSession'],
  params: { name: { description: 'The attribute name.', schema: { type: 'string' }, example: 'region' } },
  responses: { 200: { description: 'Removed.', schema: { type: 'object', required: ['removed'], properties: { removed: { type: 'string' } } } } },
  errors: ['not_found'],
};

/** Settings › Embed & access › Token attributes: the default identity fields read-only, custom ones editable. */
export async function adminAttributeRoutes(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  const guard = requireAdmin(services);
  app.get('/api/attributes', { preHandler: guard, config: { openapi: LIST_DOCS } }, async (request) => ({
    defaults: DEFAULT_IDENTITY_FIELDS,
    attributes: await services.attributes.list(request.admin!.orgId),
  }));
  app.post('/api/attributes', { preHandler: guard, bodyLimit: 4096, config: { openapi: ADD_DOCS } }, async (request, reply) => {
    const body = (request.body ?? {}) as { name?: unknown; type?: unknown; description?: unknown };
    return reply.status(201).send(await services.attributes.add(request.admin!.orgId, body));
  });
  app.delete<{ Params: { name: string } }>('/api/attributes/:name', { preHandler: guard, config: { openapi: REMOVE_DOCS } }, async (request) => {
    await services.attributes.remove(request.admin!.orgId, request.params.name);
    return { removed: request.params.name };
  });
}
