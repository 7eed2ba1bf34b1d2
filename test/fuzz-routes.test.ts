import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import type { ErrorCode } from '../packages/server/src/errors.ts';
import { assertErrorShape } from './helpers/error-shape.ts';
import { registeredRoutes, type RegisteredRoute } from '../packages/server/test/helpers/routes.ts';
import { createTestContext, TEST_ORIGIN, type TestContext } from '../packages/server/test/helpers/test-app.ts';

const RUNS = 10_000;
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
// Field names the routes read, so generated bodies get past "not an object" into each route's own validation.
const FIELD_NAMES = [
  'user', 'distinctId', 'role', 'attributes', 'expiresIn', 'name', 'type', 'description', 'origin', 'email', 'password',
  'token', 'apiKey', 'mode', 'rules', 'title', 'tiles', 'tableId', 'columns', 'column', 'label', 'visible', 'format',
  'connection', 'connectionId', 'host', 'port', 'database', 'username', 'ssl', 'maxRows', 'kind', 'id', 'dashboardId',
  'chartId', 'message', 'messages', 'question', 'limit', 'since', 'until', 'operator', 'attribute', 'value', 'values',
  'and', 'or', 'conditions', 'query', 'sql', 'chart', 'measure', 'dimension', 'filters', '__proto__', 'constructor',
];
// Routes whose purpose is to reach an integrator's database: a refused or unreachable one is a 502/504 by design.
const UPSTREAM_ROUTES = /^\/api\/connections/;
const UPSTREAM_CODES = new Set(['connection_failed', 'query_timeout']);

const printable = (maxLength: number) =>
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)), maxLength });

/** Everything the generator needs to know about the app under test. */
interface Fixture {
  routes: RegisteredRoute[];
  apiKey: string;
  apiKeyId: string;
  token: string;
  cookie: string;
  csrf: string;
  knownIds: string[];
}

function requestArbitrary(fixture: Fixture): fc.Arbitrary<InjectOptions & { route: RegisteredRoute }> {
  const param = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...fixture.knownIds).map(encodeURIComponent) },
    { weight: 3, arbitrary: fc.string({ maxLength: 40 }).map(encodeURIComponent) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }).map(encodeURIComponent) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        '..%2F..%2Fetc%2Fpasswd', '%2e%2e', '%00', '%ZZ', '%E0%A4%A', '%C0%AE', '%FF%FE', '__proto__', 'constructor',
        '-1', '1e309', 'NaN', 'null', '%20', 'a%2Fb', '*', '%25', '', '.', '~',
      ),
    },
    { weight: 1, arbitrary: fc.integer({ min: 1000, max: 20_000 }).map((n) => 'a'.repeat(n)) },
  );
  const query = fc.option(
    fc.dictionary(fc.constantFrom('origin', 'distinctId', 'since', 'until', 'limit', 'id', 'q', '__proto__', 'x'), fc.oneof(printable(30), fc.string({ maxLength: 30 })), { maxKeys: 3 }),
    { nil: undefined },
  );
  /** Usually the well-formed value (so requests get past the first check), else absent or hostile. */
  const mostly = <T>(usual: T, hostile: fc.Arbitrary<T>) =>
    fc.oneof({ weight: 5, arbitrary: fc.constant<T | undefined>(usual) }, { weight: 2, arbitrary: fc.constant(undefined) }, { weight: 3, arbitrary: hostile });
  const sometimes = <T>(hostile: fc.Arbitrary<T>) => fc.option(hostile, { nil: undefined, freq: 2 });
  const headers = fc.record(
    {
      'content-type': mostly(
        'application/json',
        fc.oneof(
          fc.constantFrom('application/json; charset=utf-8', 'application/json; charset=latin1', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/octet-stream', 'application/JSON', 'application/json;'),
          printable(40),
        ),
      ),
      'x-api-key': mostly(fixture.apiKey, fc.oneof(fc.constant(`${fixture.apiKey}x`), fc.constant(`${fixture.apiKey}, ${fixture.apiKey}`), printable(80), fc.constant('tce_'.padEnd(20_000, 'A')))),
      authorization: mostly(`Bearer ${fixture.token}`, fc.oneof(printable(60).map((junk) => `Bearer ${junk}`), printable(60), fc.constant(`Bearer ${'A'.repeat(40_000)}`), fc.constant('Basic YWRtaW46YWRtaW4='))),
      origin: mostly(TEST_ORIGIN, fc.oneof(fc.constantFrom('null', 'https://evil.example', `${TEST_ORIGIN}.evil.example`, 'HTTPS://APP.EXAMPLE.COM'), printable(60))),
      cookie: mostly(fixture.cookie, fc.oneof(printable(60).map((junk) => `tc_admin=${junk}`), printable(80))),
      'x-csrf-token': mostly(fixture.csrf, printable(40)),
      'access-control-request-method': sometimes(fc.oneof(fc.constantFrom(...METHODS), printable(20))),
      'access-control-request-headers': sometimes(fc.oneof(fc.constant('authorization, content-type'), printable(40))),
      'x-request-id': sometimes(fc.oneof(printable(40), fc.constant('r'.repeat(5000)))),
      accept: sometimes(fc.oneof(fc.constantFrom('text/event-stream', 'application/json', '*/*'), printable(30))),
      'content-encoding': sometimes(fc.constantFrom('gzip', 'br', 'identity', 'bogus')),
      'if-none-match': sometimes(printable(30)),
    },
    { requiredKeys: [] },
  );
  const plausible = fc.letrec((tie) => ({
    object: fc.dictionary(fc.constantFrom(...FIELD_NAMES), tie('value'), { maxKeys: 5, depthIdentifier: 'body' }),
    value: fc.oneof(
      { depthSize: 'small', depthIdentifier: 'body' },
      fc.jsonValue({ maxDepth: 2 }),
      fc.constantFrom('explorer', 'admin', 'string', 'number', 'date', 'string[]', 'equals', 'in', '1h', '15m', '25h', TEST_ORIGIN, 'sales'),
      fc.constant(fixture.token),
      fc.constant(fixture.apiKey),
      tie('object'),
      fc.array(tie('value'), { maxLength: 4, depthIdentifier: 'body' }),
    ),
  })).object;
  const text = (value: string) => value;
  const body = fc.oneof(
    { weight: 4, arbitrary: fc.constant(undefined) },
    { weight: 10, arbitrary: plausible.map((value) => JSON.stringify(value)) },
    { weight: 3, arbitrary: fc.json({ maxDepth: 4 }).map(text) },
    { weight: 2, arbitrary: fc.string({ maxLength: 200 }).map(text) },
    // Deep nesting: arrays, objects, or a valid envelope with a deep attribute.
    {
      weight: 1,
      arbitrary: fc.record({ depth: fc.integer({ min: 50, max: 20_000 }), shape: fc.constantFrom('array', 'object', 'attributes') }).map(({ depth, shape }) => {
        if (shape === 'array') return '['.repeat(depth) + ']'.repeat(depth);
        if (shape === 'object') return '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
        return `{"user":{"distinctId":"d","role":"explorer","attributes":{"region":${'['.repeat(depth)}${']'.repeat(depth)}}}}`;
      }),
    },
    // Huge strings, past and under the body limits.
    { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 200_000 }).map((n) => JSON.stringify({ user: { distinctId: 'x'.repeat(n), role: 'explorer', attributes: {} }, name: 'y'.repeat(n) })) },
    // Broken encodings: random bytes, invalid UTF-8 inside a string, a BOM, UTF-16.
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)) },
    { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 8 }).map((bytes) => Buffer.concat([Buffer.from('{"name":"'), Buffer.from(bytes.map((b) => b | 0x80)), Buffer.from('","user":{"distinctId":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}}')])) },
    { weight: 1, arbitrary: plausible.map((value) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(value))])) },
    { weight: 1, arbitrary: plausible.map((value) => Buffer.from(JSON.stringify(value), 'utf16le')) },
    // Truncated JSON and number extremes.
    { weight: 1, arbitrary: plausible.chain((value) => { const json = JSON.stringify(value); return fc.nat(json.length).map((n) => json.slice(0, n)); }) },
    { weight: 1, arbitrary: fc.constantFrom('1e999', '-0', '123456789012345678901234567890', '{"user":1e999}', '{"limit":-1e308}', 'null', 'true', '""', '{"__proto__":{"admin":true}}') },
  );
  return fc
    .record({
      route: fc.constantFrom(...fixture.routes),
      otherMethod: fc.option(fc.constantFrom(...METHODS), { nil: undefined, freq: 10 }),
      params: fc.array(param, { minLength: 3, maxLength: 3 }),
      query,
      headers,
      body,
      // A Content-Length that disagrees with the body, in one request of thirty (fc.option's freq is the odds of
      // nil, so `freq: 30` would lie in 29 of 30 and stop most writes at the body limit before their route ran).
      lyingLength: fc.oneof({ weight: 29, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.nat(100_000) }),
      // One request in four is well-formed (every credential, a JSON object body), so every route's own code runs.
      wellFormed: fc.oneof({ weight: 3, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
      objectBody: plausible.map((value) => JSON.stringify(value)),
    })
    .map(({ route, otherMethod, params, query: queryValues, headers: generatedHeaders, body: generatedBody, lyingLength, wellFormed, objectBody }) => {
      const headerValues = wellFormed
        ? { ...generatedHeaders, 'content-type': 'application/json', 'x-api-key': fixture.apiKey, authorization: `Bearer ${fixture.token}`, origin: TEST_ORIGIN, cookie: fixture.cookie, 'x-csrf-token': fixture.csrf }
        : generatedHeaders;
      const payload = wellFormed ? objectBody : generatedBody;
      const method = (otherMethod ?? route.method) as InjectOptions['method'];
      let index = 0;
      const path = route.path.replace(/:[A-Za-z_]+/g, () => params[index++ % params.length]!).replace(/\*/g, params[2]!);
      const search = queryValues ? `?${new URLSearchParams(queryValues).toString()}` : '';
      const requestHeaders: Record<string, string> = {};
      for (const [name, value] of Object.entries(headerValues)) if (value !== undefined) requestHeaders[name] = value;
      // The admin session and the fixture's API key (its token's key) must survive the run, or every later request
      // to the admin or embed routes stops at authentication: only a junk cookie may sign out or revoke that key.
      const destroysFixture = route.path === '/api/auth/logout' || (method === 'DELETE' && path.startsWith('/api/api-keys/') && path.includes(fixture.apiKeyId));
      if (destroysFixture && requestHeaders.cookie === fixture.cookie) delete requestHeaders.cookie;
      if (lyingLength !== undefined && !wellFormed) requestHeaders['content-length'] = String(lyingLength);
      return {
        route,
        method,
        url: path + search,
        headers: requestHeaders,
        ...(payload !== undefined && method !== 'GET' && method !== 'HEAD' ? { payload } : {}),
      };
    });
}

/** The contract for every answer: no 5xx, and every error in the §5 shape without a stack trace. */
function assertAnswer(request: InjectOptions & { route: RegisteredRoute }, response: LightMyRequestResponse): void {
  const context = `${request.method} ${String(request.url).slice(0, 200)} → ${response.statusCode} ${response.body.slice(0, 300)}`;
  assert.doesNotMatch(response.body, /\n\s+at .+:\d+:\d+/, `stack trace in ${context}`);
  if (request.method === 'HEAD' || response.statusCode < 400) {
    assert.ok(response.statusCode < 500, context);
    return;
  }
  assert.match(String(response.headers['content-type']), /^application\/json/, context);
  const body: unknown = JSON.parse(response.body);
  assertErrorShape(body, response.statusCode, context);
  const upstream = UPSTREAM_ROUTES.test(request.route.path) && UPSTREAM_CODES.has(body.error.code);
  assert.ok(response.statusCode < 500 || upstream, `5xx: ${context}`);
}

/** Refusals given before a route's own code runs: parsing, framing, the router, the NUL guard, rate limits. */
const BEFORE_HANDLER = /^(The body is not valid JSON|The body is empty|The Content-Length header|The URL path is not valid|A path segment is longer|No route |.* contains a NUL character)/;

/**
 * Whether an answer came from past the route's authentication: a success, or a refusal only the route's own code
 * gives (its validation, a missing record, a conflict), not 401/403 nor one given before the route ran.
 */
function reachedPastAuthentication(route: RegisteredRoute, response: LightMyRequestResponse): boolean {
  if (response.statusCode < 400) return true;
  const { error } = JSON.parse(response.body) as { error: { code: ErrorCode; message: string } };
  // The admin guard never answers these: under /api they are the route's verdict on a pasted key (token sandbox).
  if (route.path.startsWith('/api/') && (error.code === 'missing_api_key' || error.code === 'invalid_api_key')) return true;
  if (![400, 404, 409, 422].includes(response.statusCode)) return false;
  return !BEFORE_HANDLER.test(error.message);
}

/**
 * Ten thousand generated requests across every route the app registers (read from the app, so new routes are
 * fuzzed too): random and plausible JSON, wrong types, huge strings, deep nesting, bad headers, broken encodings.
 */
describe(`${RUNS} generated requests across every route`, () => {
  let ctx: TestContext;
  let fixture: Fixture;

  before(async () => {
    ctx = await createTestContext();
    const admin = await ctx.adminHeaders();
    const knownIds = new Set(['sales', ctx.apiKeyId, 'region', TEST_ORIGIN]);
    // printRoutes shows `/console/*` as `/console` with a child `*`, which the helper joins to `/console*`: ask
    // the router which of the two it holds, or generated paths never reach the wildcard route.
    const routes = registeredRoutes(ctx.app).map((route) => {
      const slashed = route.path.replace(/([^/])\*$/, '$1/*');
      const registered = (url: string) => ctx.app.hasRoute({ method: route.method as 'GET', url });
      return slashed !== route.path && !registered(route.path) && registered(slashed) ? { ...route, path: slashed } : route;
    });
    // Real ids from the admin API's lists, so generated paths also reach existing records.
    for (const route of routes.filter((r) => r.method === 'GET' && r.path.startsWith('/api/') && !r.path.includes(':'))) {
      const response = await ctx.inject({ method: 'GET', url: route.path, headers: admin });
      if (response.statusCode !== 200) continue;
      JSON.stringify(response.json(), (key, value) => {
        if (key === 'id' && typeof value === 'string') knownIds.add(value);
        return value;
      });
    }
    fixture = {
      routes,
      apiKey: ctx.apiKey,
      apiKeyId: ctx.apiKeyId,
      token: await ctx.mint({ distinctId: 'fuzz-user', role: 'explorer', attributes: { region: 'Europe' } }),
      cookie: admin.cookie!,
      csrf: admin['x-csrf-token']!,
      knownIds: [...knownIds],
    };
  });
  after(() => ctx.close());

  it('never answer 5xx, never crash, always in the error shape', async (t) => {
    const statuses = new Map<number, number>();
    const reached = new Set<string>();
    const pastAuthentication = new Set<string>();
    await fc.assert(
      fc.asyncProperty(requestArbitrary(fixture), async (request) => {
        const { route, ...options } = request;
        const response = await ctx.inject(options);
        statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
        if (response.statusCode < 400) reached.add(`${route.method} ${route.path}`);
        assertAnswer(request, response);
        if (options.method === route.method && route.method !== 'HEAD' && reachedPastAuthentication(route, response)) pastAuthentication.add(`${route.method} ${route.path}`);
      }),
      { numRuns: RUNS, includeErrorInReport: true },
    );
    t.diagnostic(`statuses: ${JSON.stringify(Object.fromEntries([...statuses].sort(([a], [b]) => a - b)))}; ${reached.size} of ${fixture.routes.length} routes answered 2xx/3xx at least once`);
    // Every route's own code ran at least once: credentials and plausible bodies get the generator past the guards.
    // HEAD routes are Fastify's mirrors of the GET handlers, and their bodiless refusals cannot say where they came from.
    // Sign-out is left out: the run keeps the admin session, so it only ever sees junk cookies.
    const neverReached = fixture.routes.filter((r) => r.method !== 'HEAD' && r.path !== '/api/auth/logout').map((r) => `${r.method} ${r.path}`).filter((route) => !pastAuthentication.has(route));
    assert.deepEqual(neverReached, [], 'routes never reached past authentication');
    // Still healthy and still minting afterwards.
    assert.equal((await ctx.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
    assert.ok(await ctx.mint());
  });
});
