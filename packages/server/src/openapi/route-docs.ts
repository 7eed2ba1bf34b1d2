import type { ErrorCode } from '../errors.ts';

/** A JSON Schema (2020-12, as OpenAPI 3.1 uses it), written as a plain object beside the route. */
export type JsonSchema = Record<string, unknown>;

/** How a caller authenticates; the document's security schemes of the same names say how. */
export type RouteSecurity = 'apiKey' | 'embedToken' | 'adminSession' | 'metricsToken';

export interface DocumentedParameter {
  description: string;
  schema: JsonSchema;
  required?: boolean;
  example?: unknown;
}

export interface DocumentedResponse {
  description: string;
  /** Omitted for a bodiless answer (204) or when the route's Fastify response schema says it. */
  schema?: JsonSchema;
  example?: unknown;
  /** Default application/json. */
  contentType?: string;
  headers?: Record<string, { description: string; schema: JsonSchema }>;
}

/**
 * A route's OpenAPI documentation, given as `config: { openapi: … }` in its route options. Documentation only:
 * the route's Fastify `schema` (when it has one) validates and serializes, and its parts win over these. Request
 * bodies are documented here rather than validated by Fastify because the services check them with messages that
 * name each field and its fix (contract §5), which Ajv's cannot match.
 */
export interface RouteDocs {
  summary: string;
  description?: string;
  /** One tag groups the route in the document and on /docs. */
  tag: 'Token API' | 'Embed API' | 'Admin API' | 'Console' | 'Health' | 'Docs' | (string & {});
  /** Defaults to camelCase of method and path. */
  operationId?: string;
  security?: RouteSecurity[];
  params?: Record<string, DocumentedParameter>;
  query?: Record<string, DocumentedParameter>;
  headers?: Record<string, DocumentedParameter>;
  body?: { schema: JsonSchema; example?: unknown; description?: string; required?: boolean };
  /** Success answers by status (at least one). */
  responses: Record<number, DocumentedResponse>;
  /** Contract error codes this route answers beyond the ones every route of its kind does (see document.ts). */
  errors?: ErrorCode[];
  /** Leave the route out of the document (internal endpoints). */
  hide?: boolean;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    openapi?: RouteDocs;
  }
}

/** The contract's error body, shared by every error response. */
export const ERROR_BODY_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', description: 'Stable, machine-readable; see the list of codes under each response.' },
        message: { type: 'string', description: 'Human-readable; names the field or the fix.' },
        details: {
          type: 'array',
          items: {
            type: 'object',
            required: ['message'],
            properties: { field: { type: 'string', description: 'Dotted path of the field, e.g. user.attributes.region.' }, message: { type: 'string' } },
          },
        },
      },
    },
  },
  example: { error: { code: 'invalid_request', message: 'user.distinctId is required: a unique id of the user in your app.', details: [{ field: 'user.distinctId', message: 'user.distinctId is required: a unique id of the user in your app.' }] } },
};
