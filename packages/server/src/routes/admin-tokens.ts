import type { FastifyInstance } from 'fastify';
import { TcError } from '../errors.ts';
import { requireAdmin } from '../http/admin-guard.ts';
import { GENERATED_TOKEN_SCHEMA, TOKEN_REQUEST_SCHEMA } from './generate-token.ts';
import type { RouteDocs } from '../openapi/route-docs.ts';
import type { Services } from '../services.ts';

const SANDBOX_DOCS: RouteDocs = {
  tag: 'Admin API',
  summary: 'Token generation sandbox',
  description:
    'Mints exactly as POST /embed/generate-token does, with a pasted API key of the admin\'s organization (the ' +
    'request body of generate-token plus `apiKey`). For trying tokens out; production backends call generate-token.',
  security: ['adminSession'],
  body: {
    schema: { ...TOKEN_REQUEST_SCHEMA, required: ['apiKey', 'user'], properties: { apiKey: { type: 'string', description: 'An API key of this organization.' }, ...TOKEN_REQUEST_SCHEMA.properties } },
    example: { apiKey: 'tc_…', user: { distinctId: 'user-123', role: 'explorer', attributes: {} } },
  },
  responses: { 200: { description: 'A token (valid one hour by default).', schema: GENERATED_TOKEN_SCHEMA } },
  errors: ['missing_api_key', 'invalid_api_key', 'unsupported_role'],
};

const INTROSPECT_DOCS: RouteDocs = {
  tag: 'Admin API',
  summary: 'Token introspection',
  description: 'Whether a token is valid now and what it carries (attributes and expiry); expired tokens still show their claims. Tokens of other organizations are not opened.',
  security: ['adminSession'],
  body: { schema: { type: 'object', required: ['token'], properties: { token: { type: 'string', description: 'An embed token.' } } } },
  responses: {
    200: {
      description: 'The verdict, and the claims when they can be read.',
      schema: {
        type: 'object',
        required: ['valid'],
        properties: {
          valid: { type: 'boolean' },
          reason: { type: 'string', description: 'Why the token is not valid, e.g. expired, revoked_key, other_organization.' },
          message: { type: 'string' },
          kid: { type: 'string', description: 'The API key id named in the token header.' },
          claims: {
            type: 'object',
            properties: {
              org: { type: 'string' },
              distinctId: { type: 'string' },
              role: { type: 'string' },
              permissions: { type: 'array', items: { type: 'string' } },
              attributes: { type: 'object' },
              issuedAt: { type: 'string', format: 'date-time' },
              expiresAt: { type: 'string', format: 'date-time' },
              expiresInSeconds: { type: 'integer' },
              jti: { type: 'string' },
              issuer: { type: 'string' },
            },
          },
        },
      },
    },
  },
};

/**
 * Settings › Embed & access › Token generation sandbox and Token introspection. The sandbox takes a pasted API
 * key, exactly like a host backend would send it; introspection only reveals tokens of the admin's organization.
 */
export async function adminTokenRoutes(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  const guard = requireAdmin(services);

  app.post('/api/tokens/sandbox', { preHandler: guard, bodyLimit: 16 * 1024, config: { openapi: SANDBOX_DOCS } }, async (request, reply) => {
    const { apiKey, ...rest } = (request.body ?? {}) as { apiKey?: unknown; user?: unknown; expiresIn?: unknown };
    if (typeof apiKey !== 'string' || apiKey.trim() === '') {
      throw new TcError('missing_api_key', 'apiKey is required: paste an API key from Account settings › API keys.', [{ field: 'apiKey', message: 'required' }]);
    }
    const key = await services.apiKeys.authenticate(apiKey);
    if (key.orgId !== request.admin!.orgId) throw new TcError('invalid_api_key', 'That API key belongs to another organization.');
    const generated = await services.tokens.generate(key, rest);
    void reply.header('cache-control', 'no-store');
    return { token: generated.token, expiresIn: generated.expiresIn, expiresAt: generated.expiresAt };
  });

  app.post('/api/tokens/introspect', { preHandler: guard, bodyLimit: 64 * 1024, config: { openapi: INTROSPECT_DOCS } }, async (request) => {
    const { token } = (request.body ?? {}) as { token?: unknown };
    if (typeof token !== 'string' || token.trim() === '') {
      throw new TcError('invalid_request', 'token is required: paste an embed token.', [{ field: 'token', message: 'required' }]);
    }
    const result = await services.tokens.introspect(token);
    if (result.claims && result.claims.org !== request.admin!.orgId) {
      return { valid: false, reason: 'other_organization', message: 'This token belongs to another organization.' };
    }
    return result;
  });
}
