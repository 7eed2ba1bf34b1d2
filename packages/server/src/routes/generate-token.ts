import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AuthenticatedApiKey } from '../apikeys/service.ts';
import { TcError } from '../errors.ts';
import { namedLimit } from '../http/rate-limit.ts';
import type { RouteDocs } from '../openapi/route-docs.ts';
import type { Services } from '../services.ts';

export const GENERATE_TOKEN_BODY_LIMIT = 16 * 1024;

/**
 * The one `x-api-key` value of a request. A header sent twice reaches us as an array (inject) or joined with
 * ", " (Node's HTTP parser); API keys never contain a comma, so both spellings are refused the same way.
 */
function singleApiKeyHeader(header: string | string[] | undefined): string | undefined {
  if (Array.isArray(header) || header?.includes(',')) {
    throw new TcError('invalid_request', 'Send the x-api-key header once, with one API key.', [
      { field: 'x-api-key', message: 'sent more than once' },
    ]);
  }
  return header;
}

/** The seed's request body (documentation: tokens/token-request.ts validates it, naming each field it refuses). */
export const TOKEN_REQUEST_SCHEMA = {
  type: 'object',
  required: ['user'],
  additionalProperties: false,
  properties: {
    user: {
      type: 'object',
      required: ['distinctId', 'role', 'attributes'],
      additionalProperties: false,
      properties: {
        distinctId: { type: 'string', minLength: 1, maxLength: 256, description: 'A unique id of the user in your app; used for auditing.' },
        role: { type: 'string', enum: ['explorer'], description: 'The embed user role (currently "explorer"); another value answers `unsupported_role`.' },
        attributes: {
          type: 'object',
          description: 'Registered token attributes only (Settings › Embed & access › Token attributes), each of its registered type; `{}` for none. Used by row-level security.',
          additionalProperties: {
            oneOf: [{ type: 'string', maxLength: 1024 }, { type: 'number' }, { type: 'boolean' }, { type: 'array', maxItems: 200, items: { type: 'string' } }],
          },
        },
      },
    },
    expiresIn: {
      oneOf: [
        { type: 'string', pattern: '^\\d{1,6}\\s*(s|m|h|d)$' },
        { type: 'integer', minimum: 60, maximum: 86400 },
      ],
      default: '1h',
      description: 'Token lifetime from 1 minute to 24 hours: "15m", "1h", "24h", or seconds.',
    },
  },
} as const;

export const GENERATED_TOKEN_SCHEMA = {
  type: 'object',
  required: ['token', 'expiresIn', 'expiresAt'],
  properties: {
    token: { type: 'string', description: 'Compact JWE (`alg: dir`, `enc: A256GCM`, `kid` = the API key id, `typ: JWT`).' },
    expiresIn: { type: 'string', description: 'The lifetime as normalised, e.g. "1h".' },
    expiresAt: { type: 'string', format: 'date-time', description: 'When the token expires (ISO 8601, server clock).' },
  },
} as const;

const GENERATE_TOKEN_DOCS: RouteDocs = {
  tag: 'Token API',
  operationId: 'generateToken',
  summary: 'Mint an embed token for one of your users',
  description:
    'Server to server only: the API key must never reach a browser. The organization comes from the API key. ' +
    'The key is checked before the body is read. Answers carry `Cache-Control: no-store`; there is no CORS. ' +
    'Limited per API key per minute (`TC_RATE_LIMIT_PER_MINUTE`), counted once the key authenticates; requests ' +
    'without a valid key are limited per client address.',
  security: ['apiKey'],
  body: {
    schema: TOKEN_REQUEST_SCHEMA,
    example: { user: { distinctId: 'user-123', role: 'explorer', attributes: {} }, expiresIn: '1h' },
  },
  responses: {
    200: {
      description: 'A token for the user.',
      schema: GENERATED_TOKEN_SCHEMA,
      example: { token: 'eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIiwia2lkIjoi…', expiresIn: '1h', expiresAt: '2026-01-31T13:00:00.000Z' },
    },
  },
  errors: ['unsupported_role', 'rate_limited'],
};

/** POST /embed/generate-token — seed 003 and contract §3. Server to server: no CORS, never cached. */
export async function generateTokenRoutes(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  const authenticated = new WeakMap<FastifyRequest, AuthenticatedApiKey>();

  const perMinute = { max: services.config.rateLimitPerMinute, timeWindow: 60_000 };
  // Counted only once the key has authenticated: a key id is public (every token's `kid`) and a checksum is no
  // secret, so a bucket picked from an unverified header would let anyone spend another integrator's budget.
  const limitPerKey = app.rateLimit(
    namedLimit('POST:/embed/generate-token', {
      ...perMinute,
      keyGenerator: (request: FastifyRequest) => `key:${authenticated.get(request)!.id}`,
    }),
  );
  // Failed attempts (missing, malformed, unknown or revoked keys) spend a separate per-address budget.
  const countFailure = app.createRateLimit(namedLimit('POST:/embed/generate-token:unauthenticated', perMinute));

  app.post(
    '/embed/generate-token',
    {
      bodyLimit: GENERATE_TOKEN_BODY_LIMIT,
      config: { openapi: GENERATE_TOKEN_DOCS },
      // The key is checked before the body is read: an unauthenticated caller gets 401 whatever it sends.
      preParsing: async (request, reply) => {
        void reply.header('cache-control', 'no-store');
        let apiKey: AuthenticatedApiKey;
        try {
          apiKey = await services.apiKeys.authenticate(singleApiKeyHeader(request.headers['x-api-key']));
        } catch (error) {
          const failures = await countFailure(request);
          if (!failures.isAllowed && failures.isExceeded) {
            throw Object.assign(
              new TcError('rate_limited', `Too many requests without a valid API key from this address; retry in ${failures.ttlInSeconds} seconds.`),
              { retryAfterSeconds: Math.max(1, failures.ttlInSeconds) },
            );
          }
          throw error;
        }
        authenticated.set(request, apiKey);
        await limitPerKey.call(app, request, reply);
      },
    },
    async (request) => {
      const contentType = request.headers['content-type'] ?? '';
      if (!/^application\/json\s*(;|$)/i.test(contentType)) {
        throw new TcError('unsupported_media_type', 'Content-Type must be application/json.');
      }
      const generated = await services.tokens.generate(authenticated.get(request)!, request.body);
      return { token: generated.token, expiresIn: generated.expiresIn, expiresAt: generated.expiresAt };
    },
  );
}
