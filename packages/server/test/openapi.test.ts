import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { InjectOptions } from 'fastify';
import { openApiDocumentOf } from '../src/openapi/collect.ts';
import { buildOpenApiDocument, type OpenApiDocument } from '../src/openapi/document.ts';
import { renderOpenApiHtml } from '../src/openapi/render-html.ts';
import { schemaMismatches } from './helpers/json-schema-check.ts';
import { registeredRoutes } from './helpers/routes.ts';
import { createTestContext, TEST_ISSUER, TEST_ORIGIN, type TestContext } from './helpers/test-app.ts';

const CHECKED_IN_PATH = new URL('../../../docs/openapi.json', import.meta.url);
const REGENERATE = 'run `npm run openapi` and commit docs/openapi.json';

type Operation = {
  operationId: string;
  summary: string;
  parameters: { name: string; in: string; description?: string }[];
  responses: Record<string, { description: string; content?: Record<string, { schema?: Record<string, unknown> }> }>;
};

/** "METHOD /path/{param}" → operation, for every operation of a document. */
function operationsOf(document: OpenApiDocument): Map<string, Operation> {
  const operations = new Map<string, Operation>();
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods)) operations.set(`${method.toUpperCase()} ${path}`, operation as unknown as Operation);
  }
  return operations;
}

/** Fastify's `/a/:id/*` in the document's spelling, `/a/{id}/{path}`. */
const asDocumentPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}').replace(/\/?\*$/, '/{path}');

describe('OpenAPI document', () => {
  let ctx: TestContext;
  let generated: OpenApiDocument;
  let operations: Map<string, Operation>;
  before(async () => {
    ctx = await createTestContext();
    await ctx.app.ready();
    generated = openApiDocumentOf(ctx.app);
    operations = operationsOf(generated);
  });
  after(() => ctx.close());

  it('docs/openapi.json lists exactly the routes the app registers, as they are documented now', () => {
    assert.ok(existsSync(CHECKED_IN_PATH), `docs/openapi.json is missing: ${REGENERATE}`);
    const checkedIn = JSON.parse(readFileSync(CHECKED_IN_PATH, 'utf8')) as OpenApiDocument;
    const checkedInOperations = operationsOf(checkedIn);
    const drift = {
      missingFromFile: [...operations.keys()].filter((key) => !checkedInOperations.has(key)),
      goneFromApp: [...checkedInOperations.keys()].filter((key) => !operations.has(key)),
      documentedDifferently: [...operations.keys()].filter(
        (key) => checkedInOperations.has(key) && JSON.stringify(checkedInOperations.get(key)) !== JSON.stringify(operations.get(key)),
      ),
    };
    assert.deepEqual(drift, { missingFromFile: [], goneFromApp: [], documentedDifferently: [] }, `docs/openapi.json is out of date: ${REGENERATE}`);
    assert.deepEqual(checkedIn, generated, `docs/openapi.json is out of date: ${REGENERATE}`);
  });

  it('covers every route in Fastify\'s own route tree (no route escapes the collector)', () => {
    const hidden = new Set(ctx.app.openApiRoutes.filter((route) => route.docs?.hide).map((route) => `${route.method} ${asDocumentPath(route.url)}`));
    const inTree = registeredRoutes(ctx.app)
      .filter((route) => route.method !== 'HEAD')
      .map((route) => `${route.method} ${asDocumentPath(route.path)}`)
      .filter((key) => !hidden.has(key));
    assert.ok(inTree.length >= 20, `read only ${inTree.length} routes from the tree`);
    assert.deepEqual([...new Set(inTree)].sort(), [...operations.keys()].sort());
  });

  it('documents every route: summary, tag, a success answer, and each parameter described', () => {
    const problems: string[] = [];
    for (const route of ctx.app.openApiRoutes) {
      const name = `${route.method} ${route.url}`;
      if (route.method === 'HEAD' || route.docs?.hide) continue;
      if (!route.docs) {
        problems.push(`${name}: no documentation (add config: { openapi: { tag, summary, responses, … } } to the route)`);
        continue;
      }
      if (!route.docs.summary.trim()) problems.push(`${name}: empty summary`);
      if (!Object.keys(route.docs.responses).some((status) => /^[23]\d\d$/.test(status))) problems.push(`${name}: no success response`);
      const operation = operations.get(`${route.method} ${asDocumentPath(route.url)}`)!;
      for (const parameter of operation.parameters) {
        if (!parameter.description) problems.push(`${name}: ${parameter.in} parameter "${parameter.name}" has no description`);
      }
    }
    assert.deepEqual(problems, []);
  });

  it('is well-formed: OpenAPI 3.1, unique operationIds, resolvable $refs, declared path parameters, known tags', () => {
    assert.equal(generated.openapi, '3.1.0');
    const ids = [...operations.values()].map((operation) => operation.operationId);
    assert.deepEqual(ids.filter((id, index) => ids.indexOf(id) !== index), [], 'duplicate operationIds');
    const text = JSON.stringify(generated);
    const schemas = (generated.components as { schemas: Record<string, unknown> }).schemas;
    for (const [, name] of text.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)) assert.ok(schemas[name!], `unresolved $ref ${name}`);
    const tags = new Set((generated.tags as { name: string }[]).map((tag) => tag.name));
    for (const [key, operation] of operations) {
      const path = key.split(' ')[1]!;
      for (const [, name] of path.matchAll(/\{([^}]+)\}/g)) {
        assert.ok(operation.parameters.some((parameter) => parameter.in === 'path' && parameter.name === name), `${key}: path parameter ${name} is not declared`);
      }
      for (const tag of (operation as unknown as { tags: string[] }).tags) assert.ok(tags.has(tag), `${key}: tag ${tag} is not in the tag list`);
    }
  });

  it('documents the answers the routes really give: each status, each error code, each body\'s shape', async () => {
    const admin = await ctx.adminHeaders();
    const token = await ctx.mint({ distinctId: 'user-123', role: 'explorer', attributes: { region: 'EMEA' } });
    const json = { 'content-type': 'application/json' };
    const asAdmin = { ...admin, ...json };
    const problems: string[] = [];
    const components = (generated.components as { schemas: Record<string, Record<string, unknown>> }).schemas;
    const templates = [...operations.keys()].map((key) => {
      const [method, path] = key.split(' ') as [string, string];
      return { key, method, pattern: new RegExp(`^${path.replace(/\{path\}$/, '.+').replace(/\{[^}]+\}/g, '[^/]+')}$`) };
    });

    const check = async (request: InjectOptions, expectedStatus: number) => {
      const response = await ctx.inject(request);
      const url = String(request.url).split('?')[0]!;
      const name = `${request.method} ${request.url} → ${response.statusCode}`;
      if (response.statusCode !== expectedStatus) problems.push(`${name}: expected ${expectedStatus} (${response.body.slice(0, 200)})`);
      const matches = templates.filter((template) => template.method === request.method && template.pattern.test(url));
      // The most specific template wins (fewest parameters), as in Fastify's router.
      const key = matches.sort((a, b) => (a.key.match(/\{/g)?.length ?? 0) - (b.key.match(/\{/g)?.length ?? 0))[0]?.key;
      const documented = key ? operations.get(key)!.responses[String(response.statusCode)] : undefined;
      if (!key) problems.push(`${name}: no operation documents this route`);
      else if (!documented) problems.push(`${name}: status ${response.statusCode} is not documented for ${key}`);
      const schema = documented?.content?.['application/json']?.schema;
      if (documented && schema && response.body) {
        const body = response.json();
        problems.push(...schemaMismatches(body, schema, components).map((problem) => `${name}: ${problem}`));
        if (response.statusCode >= 400 && !documented.description.includes(`\`${body.error?.code}\``)) {
          problems.push(`${name}: error.code ${body.error?.code} is not listed for ${key} (${documented.description})`);
        }
      }
      return response;
    };

    await check({ method: 'POST', url: '/embed/generate-token', headers: { 'x-api-key': ctx.apiKey, ...json }, payload: { user: { distinctId: 'u', role: 'explorer', attributes: { region: 'EMEA' } }, expiresIn: '15m' } }, 200);
    await check({ method: 'POST', url: '/embed/generate-token', headers: json, payload: { user: {} } }, 401);
    await check({ method: 'POST', url: '/embed/generate-token', headers: { 'x-api-key': ctx.apiKey, ...json }, payload: { user: { distinctId: 'u', role: 'admin', attributes: {} } } }, 400);
    await check({ method: 'POST', url: '/embed/generate-token', headers: { 'x-api-key': ctx.apiKey, 'content-type': 'text/plain' }, payload: 'hello' }, 415);
    await check({ method: 'POST', url: '/embed/session', headers: { authorization: `Bearer ${token}`, origin: TEST_ORIGIN } }, 200);
    await check({ method: 'POST', url: '/embed/session', headers: { authorization: `Bearer ${token}`, origin: 'https://elsewhere.example' } }, 403);
    await check({ method: 'POST', url: '/embed/session', headers: { authorization: 'Bearer nope', origin: TEST_ORIGIN } }, 401);
    await check({ method: 'OPTIONS', url: '/embed/session', headers: { origin: TEST_ORIGIN, 'access-control-request-method': 'POST' } }, 204);
    await check({ method: 'GET', url: '/embed/health' }, 200);
    await check({ method: 'GET', url: '/healthz' }, 200);
    await check({ method: 'GET', url: '/readyz' }, 200);
    await check({ method: 'GET', url: '/docs/openapi.json' }, 200);

    await check({ method: 'GET', url: '/api/auth/me', headers: admin }, 200);
    await check({ method: 'GET', url: '/api/api-keys' }, 401);
    await check({ method: 'POST', url: '/api/api-keys', headers: { cookie: admin.cookie!, ...json }, payload: { name: 'no csrf' } }, 403);
    await check({ method: 'GET', url: '/api/api-keys', headers: admin }, 200);
    const created = await check({ method: 'POST', url: '/api/api-keys', headers: asAdmin, payload: { name: 'docs check' } }, 201);
    await check({ method: 'DELETE', url: `/api/api-keys/${created.json().id}`, headers: admin }, 200);
    await check({ method: 'DELETE', url: '/api/api-keys/unknown', headers: admin }, 404);
    await check({ method: 'GET', url: '/api/attributes', headers: admin }, 200);
    await check({ method: 'POST', url: '/api/attributes', headers: asAdmin, payload: { name: 'team', type: 'string' } }, 201);
    await check({ method: 'POST', url: '/api/attributes', headers: asAdmin, payload: { name: 'team', type: 'string' } }, 409);
    await check({ method: 'DELETE', url: '/api/attributes/team', headers: admin }, 200);
    await check({ method: 'GET', url: '/api/origins', headers: admin }, 200);
    await check({ method: 'POST', url: '/api/origins', headers: asAdmin, payload: { origin: 'https://Docs.Example.com:443' } }, 201);
    await check({ method: 'DELETE', url: `/api/origins?origin=${encodeURIComponent('https://docs.example.com')}`, headers: admin }, 200);
    await check({ method: 'DELETE', url: '/api/origins', headers: admin }, 400);
    await check({ method: 'POST', url: '/api/tokens/sandbox', headers: asAdmin, payload: { apiKey: ctx.apiKey, user: { distinctId: 'u', role: 'explorer', attributes: {} } } }, 200);
    await check({ method: 'POST', url: '/api/tokens/introspect', headers: asAdmin, payload: { token } }, 200);
    await ctx.services.audit.flush();
    await check({ method: 'GET', url: '/api/audit?limit=5&distinctId=user-123', headers: admin }, 200);
    await check({ method: 'GET', url: '/api/audit?limit=0', headers: admin }, 400);
    await check({ method: 'POST', url: '/api/auth/logout', headers: admin }, 200);

    assert.deepEqual(problems, []);
  });

  it('serves the document at /docs/openapi.json, with this server\'s public URL', async () => {
    const response = await ctx.inject({ method: 'GET', url: '/docs/openapi.json' });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), { ...generated, servers: [{ url: TEST_ISSUER }] });
  });

  it('renders /docs as a script-free page listing every operation', async () => {
    const response = await ctx.inject({ method: 'GET', url: '/docs' });
    assert.equal(response.statusCode, 200);
    assert.match(String(response.headers['content-type']), /^text\/html/);
    const policy = String(response.headers['content-security-policy']);
    assert.match(policy, /default-src 'none'/);
    assert.doesNotMatch(policy, /script-src|unsafe-inline/);
    assert.doesNotMatch(response.body, /<script/i);
    for (const [key, operation] of operations) {
      const [method, path] = key.split(' ') as [string, string];
      assert.ok(response.body.includes(`id="${operation.operationId}"`), `${key} is not on the page`);
      assert.ok(response.body.includes(`<span class="method ${method.toLowerCase()}">${method.toLowerCase()}</span><code>${path}</code>`), `${key} heading missing`);
    }
    assert.ok(response.body.includes('<code>distinctId</code> <span class="type">string</span> <span class="required">required</span>'), 'request bodies show their fields');
  });
});

describe('OpenAPI rendering', () => {
  it('escapes everything it shows', () => {
    const document = buildOpenApiDocument(
      [
        {
          method: 'GET',
          url: '/x/:id',
          docs: {
            tag: 'Docs',
            summary: '<script>alert(1)</script>',
            description: 'a "quoted" & `<b>code</b>`',
            params: { id: { description: '<img src=x onerror=alert(1)>', schema: { type: 'string' } } },
            responses: { 200: { description: 'ok', example: { html: '</pre><script>x</script>' } } },
          },
        },
      ],
      { version: '0.0.0', serverUrl: 'https://example.com/"><script>' },
    );
    const html = renderOpenApiHtml(document);
    assert.doesNotMatch(html, /<script|<img|<b>/);
    assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
    assert.ok(html.includes('<code>&lt;b&gt;code&lt;/b&gt;</code>'));
  });

  it('marks an undocumented route and still lists it', () => {
    const document = buildOpenApiDocument([{ method: 'POST', url: '/new/:id/*' }], { version: '0.0.0', serverUrl: 'http://localhost' });
    const operation = document.paths['/new/{id}/{path}']!.post!;
    assert.equal(operation['x-undocumented'], true);
    assert.deepEqual((operation.parameters as { name: string }[]).map((parameter) => parameter.name), ['id', 'path']);
  });
});
