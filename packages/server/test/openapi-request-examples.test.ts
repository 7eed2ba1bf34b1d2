import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { ERROR_STATUS, type ErrorCode } from '../src/errors.ts';
import { openApiDocumentOf } from '../src/openapi/collect.ts';
import type { OpenApiDocument } from '../src/openapi/document.ts';
import { schemaMismatches } from './helpers/json-schema-check.ts';
import { createTestContext, TEST_ORIGIN, type TestContext } from './helpers/test-app.ts';

type Schema = Record<string, unknown>;
interface DocumentedRequest {
  method: string;
  path: string;
  schema: Schema;
  example: unknown;
  parameters: { name: string; in: string; example?: unknown; schema?: { example?: unknown } }[];
  errors: Set<number>;
}

/**
 * Examples that cannot succeed as written, and the documented answer they get instead (each status must be
 * one the operation documents): the test still sends them, so a changed answer is noticed.
 */
const EXPECTED_REFUSAL: Record<string, { status: number; why: string }> = {
  // The example shows a placeholder password: no document can hold the real one.
  'POST /api/auth/login': { status: 401, why: 'placeholder password' },
  // A placeholder API key ("tc_…"): pasting a real key is the point of the sandbox.
  'POST /api/tokens/sandbox': { status: 401, why: 'placeholder API key' },
  // Every test organization already has the `region` attribute the example adds (the rules example needs it).
  'POST /api/attributes': { status: 409, why: 'region exists' },
  // The example names a connection id of the docs' own; the test org has no such connection.
  'POST /api/tables': { status: 404, why: 'example connection id' },
};

/** Bodies without a required property that are not a 400: the property is a credential, refused as such. */
const MISSING_FIELD_STATUS: Record<string, number> = {
  // The sandbox's `apiKey` stands for generate-token's x-api-key header: missing, it is missing_api_key.
  'POST /api/tokens/sandbox': 401,
};

/** Every documented JSON request body with an example, with the path parameters' own examples. */
function documentedRequests(document: OpenApiDocument): DocumentedRequest[] {
  const requests: DocumentedRequest[] = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, raw] of Object.entries(methods)) {
      const operation = raw as unknown as {
        requestBody?: { content?: Record<string, { schema?: Schema; example?: unknown }> };
        parameters?: DocumentedRequest['parameters'];
        responses: Record<string, unknown>;
      };
      const body = operation.requestBody?.content?.['application/json'];
      if (!body?.schema || body.example === undefined) continue;
      requests.push({
        method: method.toUpperCase(),
        path,
        schema: body.schema,
        example: body.example,
        parameters: operation.parameters ?? [],
        errors: new Set(Object.keys(operation.responses).map(Number)),
      });
    }
  }
  return requests;
}

/** A copy of `example` without the schema's first required property; without one, the example inside an array. */
function breakSchema(example: unknown, schema: Schema): { body: unknown; field: string } {
  const required = (schema.required ?? []) as string[];
  if (required.length > 0 && example !== null && typeof example === 'object') {
    const { [required[0]!]: _removed, ...rest } = example as Record<string, unknown>;
    return { body: rest, field: required[0]! };
  }
  // Every documented body is an object: an array is the wrong type.
  return { body: [example], field: 'body' };
}

describe('OpenAPI request body examples', () => {
  let ctx: TestContext;
  let document: OpenApiDocument;
  let headersFor: (path: string) => Record<string, string>;
  let token: string;
  /** Ids of records the examples created, by collection path: the parameters with no example of their own. */
  const created = new Map<string, string>();

  before(async () => {
    // The sample: the docs' examples name its `sales` table and dashboard.
    ctx = await createTestContext({ sample: true });
    await ctx.app.ready();
    document = openApiDocumentOf(ctx.app);
    const admin = (await ctx.adminHeaders()) as Record<string, string>;
    token = await ctx.mint({ distinctId: 'docs-reader', role: 'explorer', attributes: { region: 'Europe' } });
    // Each family of routes with its own credentials: admin session + CSRF, the API key, an embed token + origin.
    headersFor = (path): Record<string, string> => {
      if (path === '/api/auth/login') return { 'content-type': 'application/json' };
      if (path.startsWith('/api/')) return { ...admin, 'content-type': 'application/json' };
      if (path === '/embed/generate-token') return { 'x-api-key': ctx.apiKey, 'content-type': 'application/json' };
      return { authorization: `Bearer ${token}`, origin: TEST_ORIGIN, 'content-type': 'application/json' };
    };
  });
  after(() => ctx.close());

  /** The path with each parameter's documented example (the test org is seeded with the docs' `sales` data). */
  function urlOf(request: DocumentedRequest): string {
    return request.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
      const parameter = request.parameters.find((p) => p.name === name && p.in === 'path');
      const collection = request.path.slice(0, request.path.indexOf(`/{${name}}`));
      const example = parameter?.example ?? parameter?.schema?.example ?? created.get(collection);
      assert.ok(typeof example === 'string', `${request.method} ${request.path}: path parameter ${name} has no example`);
      return encodeURIComponent(example);
    });
  }

  function assertErrorShape(response: LightMyRequestResponse, context: string): { code: ErrorCode; message: string } {
    const body = response.json() as { error: { code: ErrorCode; message: string } };
    assert.deepEqual(Object.keys(body), ['error'], context);
    assert.equal(ERROR_STATUS[body.error.code], response.statusCode, context);
    assert.ok(body.error.message.length > 0, context);
    return body.error;
  }

  it('every example matches its documented schema', () => {
    const requests = documentedRequests(document);
    assert.ok(requests.length >= 15, `only ${requests.length} documented request examples`);
    const mismatches = requests.flatMap((request) =>
      schemaMismatches(request.example, request.schema, (document.components as { schemas?: Record<string, Schema> } | undefined)?.schemas).map((problem) => `${request.method} ${request.path}: ${problem}`),
    );
    assert.deepEqual(mismatches, []);
  });

  it('every example is accepted by its route (or gets the documented refusal its placeholder earns)', async () => {
    for (const request of documentedRequests(document)) {
      const key = `${request.method} ${request.path}`;
      const response = await ctx.inject({ method: request.method as 'POST', url: urlOf(request), headers: headersFor(request.path), payload: JSON.stringify(request.example) });
      const context = `${key} → ${response.statusCode} ${response.body.slice(0, 300)}`;
      const refusal = EXPECTED_REFUSAL[key];
      if (refusal) {
        assert.equal(response.statusCode, refusal.status, `${context} (expected because: ${refusal.why})`);
        assert.ok(request.errors.has(refusal.status), `${key} does not document ${refusal.status}`);
        assertErrorShape(response, context);
        continue;
      }
      assert.ok(response.statusCode >= 200 && response.statusCode < 300, context);
      // Streamed answers (the assistant's events) are not one JSON document and create nothing.
      const id = /^application\/json/.test(String(response.headers['content-type'])) ? (response.json() as { id?: unknown }).id : undefined;
      if (request.method === 'POST' && typeof id === 'string') created.set(request.path, id);
    }
  });

  it('a body that breaks the schema (a required property removed, or an array for the object) is refused with 400 naming the field', async () => {
    for (const request of documentedRequests(document)) {
      const broken = breakSchema(request.example, request.schema);
      const key = `${request.method} ${request.path}`;
      const response = await ctx.inject({ method: request.method as 'POST', url: urlOf(request), headers: headersFor(request.path), payload: JSON.stringify(broken.body) });
      const context = `${key} without ${broken.field} → ${response.statusCode} ${response.body.slice(0, 300)}`;
      const error = assertErrorShape(response, context);
      assert.equal(response.statusCode, MISSING_FIELD_STATUS[key] ?? 400, context);
      assert.match(error.message, new RegExp(broken.field.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), context);
    }
  });
});
