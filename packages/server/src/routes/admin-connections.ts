import type { FastifyInstance } from 'fastify';
import { MASKED_SECRET, MAX_ROWS, SSL_MODES, STATEMENT_TIMEOUT_MS } from '../connections/validation.ts';
import { requireAdmin } from '../http/admin-guard.ts';
import type { RouteDocs } from '../openapi/route-docs.ts';
import type { Services } from '../services.ts';

const BODY_LIMIT = 8 * 1024;

const CONNECTION = {
  type: 'object',
  required: ['id', 'name', 'kind', 'builtIn', 'host', 'port', 'database', 'user', 'password', 'passwordSet', 'sslMode', 'statementTimeoutMs', 'maxRows', 'createdAt', 'updatedAt'],
  properties: {
    id: { type: 'string', description: '"sample" for the built-in sample database, else conn_…' },
    name: { type: 'string' },
    kind: { enum: ['postgres', 'sample'] },
    builtIn: { type: 'boolean', description: 'The sample database: listed for every organization, read-only.' },
    host: { type: ['string', 'null'] },
    port: { type: ['integer', 'null'] },
    database: { type: ['string', 'null'] },
    user: { type: ['string', 'null'] },
    password: { enum: [MASKED_SECRET, null], description: `Never the password: "${MASKED_SECRET}" when one is set.` },
    passwordSet: { type: 'boolean' },
    sslMode: { enum: [...SSL_MODES, null] },
    statementTimeoutMs: { type: 'integer' },
    maxRows: { type: 'integer', description: 'A query returning more rows is refused (row_limit_exceeded), not truncated.' },
    createdAt: { type: ['string', 'null'], format: 'date-time' },
    updatedAt: { type: ['string', 'null'], format: 'date-time' },
  },
} as const;

const FIELDS = {
  name: { type: 'string', minLength: 1, maxLength: 100 },
  kind: { const: 'postgres' },
  host: { type: 'string', description: 'Host name or IP address (no scheme, port or path; no Unix socket paths).' },
  port: { type: 'integer', minimum: 1, maximum: 65535, default: 5432 },
  database: { type: 'string', minLength: 1, maxLength: 63 },
  user: { type: 'string', minLength: 1, maxLength: 63 },
  password: {
    type: ['string', 'null'],
    description: `Stored encrypted. On PATCH: left out or "${MASKED_SECRET}" keeps it (unless host, port, database, user or sslMode change: then send it again); null or "" removes it.`,
  },
  sslMode: { enum: [...SSL_MODES], default: 'verify-full' },
  statementTimeoutMs: { type: 'integer', minimum: STATEMENT_TIMEOUT_MS.min, maximum: STATEMENT_TIMEOUT_MS.max, default: STATEMENT_TIMEOUT_MS.default },
  maxRows: { type: 'integer', minimum: MAX_ROWS.min, maximum: MAX_ROWS.max, default: MAX_ROWS.default },
} as const;

const TEST_RESULT = {
  type: 'object',
  required: ['ok'],
  properties: {
    ok: { type: 'boolean' },
    latencyMs: { type: 'integer', description: 'When ok: connecting and one query.' },
    serverVersion: { type: 'string', description: 'When ok.' },
    reason: {
      enum: ['host_unreachable', 'timeout', 'auth_failed', 'database_missing', 'tls_required', 'tls_unsupported', 'tls_failed', 'server_unavailable', 'secret_unavailable', 'host_not_allowed', 'connection_failed'],
      description: 'When not ok.',
    },
    message: { type: 'string', description: 'When not ok: what to check.' },
  },
} as const;

/** The rule refuseKeptPasswordOnNewTarget (connections/service.ts) enforces, told where a client meets it. */
const PASSWORD_FOLLOWS_TARGET =
  `Changing host, port, database, user or sslMode of a connection that has a saved password requires sending the password again: ` +
  `the saved one is only sent to the server it was saved for, so left out or sent back as "${MASKED_SECRET}" the answer is 400 invalid_request naming \`password\`.`;

const ID_PARAM = { id: { description: 'The connection id ("sample" for the built-in sample database).', schema: { type: 'string' } } };
const EXAMPLE = { name: 'Warehouse', host: 'db.example.com', port: 5432, database: 'sales', user: 'reader', password: 's3cret', sslMode: 'verify-full' };

const DOCS = {
  list: {
    tag: 'Admin API',
    summary: 'List data connections',
    description: 'The built-in sample database first, then the organization\'s PostgreSQL connections. Secrets are masked.',
    security: ['adminSession'],
    responses: { 200: { description: 'Every connection.', schema: { type: 'object', required: ['connections'], properties: { connections: { type: 'array', items: CONNECTION } } } } },
  },
  create: {
    tag: 'Admin API',
    summary: 'Add a PostgreSQL connection',
    description: 'The password is encrypted (AES-256-GCM, TC_SECRET_KEYS) before it is stored and never returned.',
    security: ['adminSession'],
    body: { schema: { type: 'object', required: ['name', 'host', 'database', 'user'], additionalProperties: false, properties: FIELDS }, example: EXAMPLE },
    responses: { 201: { description: 'The connection, password masked.', schema: CONNECTION } },
    errors: ['invalid_request', 'conflict'],
  },
  testDraft: {
    tag: 'Admin API',
    summary: 'Test a connection before saving it',
    description: 'Connects afresh and asks the server its version. 200 either way; a failure says why.',
    security: ['adminSession'],
    body: { schema: { type: 'object', required: ['host', 'database', 'user'], additionalProperties: false, properties: FIELDS }, example: EXAMPLE },
    responses: { 200: { description: 'The outcome.', schema: TEST_RESULT } },
    errors: ['invalid_request'],
  },
  get: {
    tag: 'Admin API',
    summary: 'Show a data connection',
    security: ['adminSession'],
    params: ID_PARAM,
    responses: { 200: { description: 'The connection, password masked.', schema: CONNECTION } },
    errors: ['not_found'],
  },
  update: {
    tag: 'Admin API',
    summary: 'Change a data connection',
    description:
      `Fields left out keep their value. A password left out or sent back as "${MASKED_SECRET}" keeps the stored one; null or "" removes it. ` +
      `${PASSWORD_FOLLOWS_TARGET} The built-in sample database is read-only.`,
    security: ['adminSession'],
    params: ID_PARAM,
    body: { schema: { type: 'object', additionalProperties: false, properties: FIELDS }, example: { host: 'replica.example.com', password: 's3cret' } },
    responses: { 200: { description: 'The connection as it is now, password masked.', schema: CONNECTION } },
    errors: ['invalid_request', 'not_found', 'conflict'],
  },
  remove: {
    tag: 'Admin API',
    summary: 'Remove a data connection',
    security: ['adminSession'],
    params: ID_PARAM,
    responses: { 200: { description: 'Removed.', schema: { type: 'object', required: ['removed'], properties: { removed: { type: 'string' } } } } },
    errors: ['not_found'],
  },
  test: {
    tag: 'Admin API',
    summary: 'Test a saved connection',
    description:
      'Connects afresh with the stored (decrypted) password. An optional body of unsaved edits, shaped like PATCH, is tested without being saved, ' +
      `under the same rule for the password. ${PASSWORD_FOLLOWS_TARGET}`,
    security: ['adminSession'],
    params: ID_PARAM,
    body: { schema: { type: 'object', additionalProperties: false, properties: FIELDS }, required: false, example: { port: 6432, password: 's3cret' } },
    responses: { 200: { description: 'The outcome.', schema: TEST_RESULT } },
    errors: ['invalid_request', 'not_found'],
  },
} satisfies Record<string, RouteDocs>;

/**
 * Databases › Connections. Every response masks secrets ("••••••" plus passwordSet). PATCH keeps the stored
 * password when it is left out or sent back masked; null or "" removes it. Test results are 200 either way:
 * `{ok: true, latencyMs, serverVersion}` or `{ok: false, reason, message}`.
 */
export async function adminConnectionRoutes(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  const guard = requireAdmin(services);
  const connections = services.connections;

  app.get('/api/connections', { preHandler: guard, config: { openapi: DOCS.list } }, async (request) => ({
    connections: await connections.list(request.admin!.orgId),
  }));

  app.post('/api/connections', { preHandler: guard, bodyLimit: BODY_LIMIT, config: { openapi: DOCS.create } }, async (request, reply) =>
    reply.status(201).send(await connections.create(request.admin!.orgId, request.body ?? {})),
  );

  // Before /:id so "test" is never taken for a connection id.
  app.post('/api/connections/test', { preHandler: guard, bodyLimit: BODY_LIMIT, config: { openapi: DOCS.testDraft } }, async (request) =>
    connections.test(request.admin!.orgId, { draft: request.body ?? {} }),
  );

  app.get<{ Params: { id: string } }>('/api/connections/:id', { preHandler: guard, config: { openapi: DOCS.get } }, async (request) =>
    connections.get(request.admin!.orgId, request.params.id),
  );

  app.patch<{ Params: { id: string } }>('/api/connections/:id', { preHandler: guard, bodyLimit: BODY_LIMIT, config: { openapi: DOCS.update } }, async (request) =>
    connections.update(request.admin!.orgId, request.params.id, request.body ?? {}),
  );

  app.delete<{ Params: { id: string } }>('/api/connections/:id', { preHandler: guard, config: { openapi: DOCS.remove } }, async (request) =>
    connections.remove(request.admin!.orgId, request.params.id),
  );

  // An optional body holds unsaved edits (PATCH-shaped), so the console can test a form before saving it.
  app.post<{ Params: { id: string } }>('/api/connections/:id/test', { preHandler: guard, bodyLimit: BODY_LIMIT, config: { openapi: DOCS.test } }, async (request) =>
    connections.test(request.admin!.orgId, {
      connectionId: request.params.id,
      ...(request.body === undefined || request.body === null ? {} : { changes: request.body }),
    }),
  );
}
