import type { FastifyInstance } from 'fastify';
import { authorizeEmbedRequest } from '../http/embed-auth.ts';
import type { RouteDocs } from '../openapi/route-docs.ts';
import type { Services } from '../services.ts';

/**
 * POST /embed/session — the elements' handshake (contract §4). Answers who the token is for and how long it
 * lives by the server's clock; never the token's attributes.
 */
const SESSION_RESPONSE = {
  type: 'object',
  required: ['org', 'user', 'expiresAt', 'expiresIn', 'serverTime', 'authorizedOrigins'],
  properties: {
    org: { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' } } },
    user: {
      type: 'object',
      properties: {
        distinctId: { type: 'string' },
        role: { type: 'string' },
        permissions: { type: 'array', items: { type: 'string' } },
      },
    },
    expiresAt: { type: 'string' },
    expiresIn: { type: 'integer', description: 'Seconds until the token expires, by the server clock.' },
    serverTime: { type: 'string' },
    authorizedOrigins: { type: 'array', items: { type: 'string' } },
  },
} as const;

const SESSION_DOCS: RouteDocs = {
  tag: 'Embed API',
  operationId: 'openEmbedSession',
  summary: 'Verify an embed token and describe its session',
  description:
    "The elements' handshake. The page's `Origin` must be an authorized origin of the token's organization; CORS " +
    "answers name that origin only. Never echoes the token's attributes.",
  security: ['embedToken'],
  responses: {
    200: {
      description: "Who the token is for and how long it lives, by the server's clock.",
      example: {
        org: { id: 'demo', name: 'Demo Organization' },
        user: { distinctId: 'user-123', role: 'explorer', permissions: ['dashboards:view', 'assistant'] },
        expiresAt: '2026-01-31T13:00:00.000Z',
        expiresIn: 3597,
        serverTime: '2026-01-31T12:00:03.000Z',
        authorizedOrigins: ['http://localhost:3000'],
      },
    },
  },
};

const HEALTH_DOCS: RouteDocs = {
  tag: 'Embed API',
  summary: 'Is the server reachable from this page?',
  description: 'No token, no data, any origin (`Access-Control-Allow-Origin: *`): lets the elements tell "server unreachable" from "origin refused".',
  responses: { 200: { description: 'The server answers.', schema: { type: 'object', required: ['ok'], properties: { ok: { const: true } } } } },
};

export async function embedSessionRoutes(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  // The response schema doubles as an allow-list: nothing the token hides (attributes) can be serialized.
  app.post('/embed/session', { schema: { response: { 200: SESSION_RESPONSE } }, config: { openapi: SESSION_DOCS } }, async (request, reply) => {
    const { claims } = await authorizeEmbedRequest(services, request, reply);
    const org = services.organizations.cached(claims.org) ?? (await services.organizations.get(claims.org));
    const origins = services.origins.cachedMatcher(claims.org) ?? (await services.origins.matcherFor(claims.org));
    const now = Date.now();
    void reply.header('cache-control', 'no-store');
    return {
      org: { id: org.id, name: org.name },
      user: { distinctId: claims.sub, role: claims.role, permissions: claims.permissions },
      expiresAt: new Date(claims.exp * 1000).toISOString(),
      expiresIn: Math.max(0, claims.exp - Math.floor(now / 1000)),
      serverTime: new Date(now).toISOString(),
      authorizedOrigins: origins.origins,
    };
  });

  // A data-free probe any page may call: lets the elements tell "server unreachable" from "origin refused by CORS".
  app.get('/embed/health', { config: { openapi: HEALTH_DOCS } }, async (_request, reply) => {
    void reply.header('access-control-allow-origin', '*').header('cache-control', 'no-store');
    return { ok: true };
  });
}
