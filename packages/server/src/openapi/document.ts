import { ERROR_STATUS, type ErrorCode } from '../errors.ts';
import { ERROR_BODY_SCHEMA, type DocumentedParameter, type JsonSchema, type RouteDocs, type RouteSecurity } from './route-docs.ts';

/** One route as Fastify registered it (see collect.ts), with what it says about itself. */
export interface CollectedRoute {
  method: string;
  url: string;
  schema?: {
    body?: unknown;
    querystring?: unknown;
    params?: unknown;
    headers?: unknown;
    response?: Record<string | number, unknown>;
  };
  docs?: RouteDocs;
}

export type OpenApiDocument = Record<string, unknown> & { paths: Record<string, Record<string, Operation>> };
type Operation = Record<string, unknown>;

export interface DocumentOptions {
  version: string;
  /** The base URL shown to readers (the live server uses its public URL; the checked-in file a placeholder). */
  serverUrl: string;
}

const METHOD_ORDER = ['get', 'post', 'put', 'patch', 'delete', 'options'];

const TAGS: { name: string; description: string }[] = [
  { name: 'Token API', description: 'Server to server: your backend mints embed tokens with an API key (never from a browser).' },
  { name: 'Embed API', description: 'Called by the elements from the host page with `Authorization: Bearer <token>`, from an authorized origin only.' },
  { name: 'Admin API', description: 'Behind the console sign-in: a session cookie, plus `x-csrf-token` on every write.' },
  { name: 'Console', description: 'The admin console\'s pages and files.' },
  { name: 'Health', description: 'Liveness and readiness probes for orchestrators and load balancers.' },
  { name: 'Docs', description: 'This document, as JSON and as a page.' },
];

const SECURITY_SCHEMES: Record<RouteSecurity, Record<string, unknown>> = {
  apiKey: {
    type: 'apiKey',
    in: 'header',
    name: 'x-api-key',
    description: 'An API key from Account settings › API keys (`tc-embed api-keys create`). Server side only.',
  },
  embedToken: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWE',
    description: 'An embed token from POST /embed/generate-token, sent by the elements from an authorized origin.',
  },
  metricsToken: {
    type: 'http',
    scheme: 'bearer',
    description: 'TC_METRICS_TOKEN. Without it configured, only direct loopback connections may read metrics.',
  },
  adminSession: {
    type: 'apiKey',
    in: 'cookie',
    name: 'tc_admin',
    description: 'Set by POST /api/auth/login. Writes (POST, PUT, PATCH, DELETE) also need the `x-csrf-token` header from the sign-in answer.',
  },
};

/** Error codes every route of a kind can answer, so each route lists only its own. */
function implicitErrors(method: string, docs: RouteDocs | undefined, hasBody: boolean): ErrorCode[] {
  const codes: ErrorCode[] = ['service_unavailable'];
  if (hasBody) codes.push('invalid_request', 'payload_too_large', 'unsupported_media_type');
  for (const scheme of docs?.security ?? []) {
    if (scheme === 'apiKey') codes.push('missing_api_key', 'invalid_api_key');
    if (scheme === 'embedToken') codes.push('invalid_token', 'token_expired', 'origin_not_authorized');
    if (scheme === 'adminSession') codes.push('unauthenticated', ...(method === 'get' ? [] : (['forbidden'] as const)));
    if (scheme === 'metricsToken') codes.push('unauthenticated', 'forbidden');
  }
  return codes;
}

/** `/api/keys/:id` → `/api/keys/{id}`; Fastify's trailing wildcard `*` becomes `{path}`. */
export function toOpenApiPath(url: string): { path: string; pathParams: string[] } {
  const pathParams: string[] = [];
  const path = url
    .split('/')
    .map((segment) => {
      if (segment === '*') {
        pathParams.push('path');
        return '{path}';
      }
      if (segment.startsWith(':')) {
        const name = segment.slice(1).replace(/\(.*\)$/, '');
        pathParams.push(name);
        return `{${name}}`;
      }
      return segment;
    })
    .join('/');
  return { path, pathParams };
}

/** `POST /embed/generate-token` → `postEmbedGenerateToken`. */
function defaultOperationId(method: string, path: string): string {
  const words = [method, ...path.split(/[^A-Za-z0-9]+/).filter(Boolean)];
  return words.map((word, index) => (index === 0 ? word.toLowerCase() : word[0]!.toUpperCase() + word.slice(1))).join('');
}

function propertiesOf(schema: unknown): Record<string, JsonSchema> {
  const properties = (schema as { properties?: Record<string, JsonSchema> } | undefined)?.properties;
  return properties ?? {};
}

function requiredOf(schema: unknown): string[] {
  return ((schema as { required?: string[] } | undefined)?.required ?? []) as string[];
}

function parameters(location: 'path' | 'query' | 'header', documented: Record<string, DocumentedParameter> | undefined, validated: unknown, names: string[] = []): Operation[] {
  const fromSchema = propertiesOf(validated);
  const all = [...new Set([...names, ...Object.keys(documented ?? {}), ...Object.keys(fromSchema)])];
  return all.map((name) => {
    const docs = documented?.[name];
    const schema = fromSchema[name] ?? docs?.schema ?? { type: 'string' };
    const required = location === 'path' || requiredOf(validated).includes(name) || docs?.required === true;
    return {
      name,
      in: location,
      ...(docs?.description ? { description: docs.description } : {}),
      required,
      schema,
      ...(docs?.example === undefined ? {} : { example: docs.example }),
    };
  });
}

function errorResponses(codes: ErrorCode[]): Record<string, unknown> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set(codes)) {
    const status = ERROR_STATUS[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const responses: Record<string, unknown> = {};
  for (const [status, statusCodes] of [...byStatus].sort(([a], [b]) => a - b)) {
    responses[String(status)] = {
      description: `error.code: ${statusCodes.sort().map((code) => `\`${code}\``).join(', ')}`,
      ...(status === 429 || status === 503 ? { headers: { 'Retry-After': { description: 'Seconds to wait before retrying.', schema: { type: 'integer' } } } } : {}),
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    };
  }
  return responses;
}

function operation(route: CollectedRoute, method: string, path: string, pathParams: string[]): Operation {
  const { docs, schema } = route;
  const body = schema?.body ?? docs?.body?.schema;
  const hasBody = body !== undefined;
  const successes: Record<string, unknown> = {};
  const statuses = new Set([...Object.keys(docs?.responses ?? {}), ...Object.keys(schema?.response ?? {}).filter((status) => /^2/.test(status))]);
  for (const status of [...statuses].sort()) {
    const documented = docs?.responses[Number(status)];
    const responseSchema = (schema?.response?.[status] as JsonSchema | undefined) ?? documented?.schema;
    successes[status] = {
      description: documented?.description ?? 'OK',
      ...(documented?.headers ? { headers: documented.headers } : {}),
      ...(responseSchema || documented?.example !== undefined
        ? {
            content: {
              [documented?.contentType ?? 'application/json']: {
                ...(responseSchema ? { schema: responseSchema } : {}),
                ...(documented?.example === undefined ? {} : { example: documented.example }),
              },
            },
          }
        : {}),
    };
  }
  const errors = [...implicitErrors(method, docs, hasBody), ...(docs?.errors ?? [])];
  return {
    ...(docs ? {} : { 'x-undocumented': true }),
    operationId: docs?.operationId ?? defaultOperationId(method, path),
    summary: docs?.summary ?? `${method.toUpperCase()} ${path}`,
    ...(docs?.description ? { description: docs.description } : {}),
    tags: [docs?.tag ?? 'Undocumented'],
    ...(docs?.security?.length ? { security: docs.security.map((scheme) => ({ [scheme]: [] })) } : { security: [] }),
    parameters: [
      ...parameters('path', docs?.params, schema?.params, pathParams),
      ...parameters('query', docs?.query, schema?.querystring),
      ...parameters('header', docs?.headers, schema?.headers),
    ],
    ...(hasBody
      ? {
          requestBody: {
            required: docs?.body?.required ?? true,
            ...(docs?.body?.description ? { description: docs.body.description } : {}),
            content: {
              'application/json': {
                schema: body,
                ...(docs?.body?.example === undefined ? {} : { example: docs.body.example }),
              },
            },
          },
        }
      : {}),
    responses: { ...successes, ...errorResponses(errors) },
  };
}

/**
 * The OpenAPI 3.1 document of the given routes: deterministic (paths and methods sorted) so the checked-in copy
 * can be compared with a fresh one. HEAD twins of GET routes and hidden routes are left out.
 */
export function buildOpenApiDocument(routes: readonly CollectedRoute[], options: DocumentOptions): OpenApiDocument {
  const paths: Record<string, Record<string, Operation>> = {};
  const usedTags = new Set<string>();
  for (const route of routes) {
    const method = route.method.toLowerCase();
    if (method === 'head' || route.docs?.hide) continue;
    const { path, pathParams } = toOpenApiPath(route.url);
    const built = operation(route, method, path, pathParams);
    usedTags.add((built.tags as string[])[0]!);
    (paths[path] ??= {})[method] = built;
  }
  const sortedPaths = Object.fromEntries(
    Object.keys(paths)
      .sort()
      .map((path) => [
        path,
        Object.fromEntries(
          Object.entries(paths[path]!).sort(([a], [b]) => METHOD_ORDER.indexOf(a) - METHOD_ORDER.indexOf(b)),
        ),
      ]),
  );
  const knownTags = TAGS.filter((tag) => usedTags.has(tag.name));
  const otherTags = [...usedTags].filter((name) => !TAGS.some((tag) => tag.name === name)).sort().map((name) => ({ name }));
  return {
    openapi: '3.1.0',
    info: {
      title: 'tc-embed',
      version: options.version,
      summary: 'Self-hostable embedded analytics: tokens, the embed API, and the admin API.',
      description:
        'Errors always have the shape `{"error": {"code", "message", "details"?}}`; the message names the field or the fix. ' +
        'Each response lists the `error.code` values it can carry.',
    },
    servers: [{ url: options.serverUrl }],
    tags: [...knownTags, ...otherTags],
    paths: sortedPaths,
    components: {
      schemas: { Error: ERROR_BODY_SCHEMA },
      securitySchemes: SECURITY_SCHEMES,
    },
  };
}
