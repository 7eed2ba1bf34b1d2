import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { ErrorCode } from '../packages/server/src/errors.ts';
import { assertErrorShape } from './helpers/error-shape.ts';
import { describeBytes, Http1ParseError, parseHttp1Responses, type Http1ParseResult } from './helpers/http1-response-parser.ts';
import { REPO_ROOT, startServerProcess, type ServerProcess } from './helpers/server-process.ts';

const RUNS = 1_000;
/** FUZZ_SEED=<32-bit integer> runs other requests, or replays a failed run; the seed in use is printed. */
const SEED = fuzzSeed(process.env.FUZZ_SEED);
const ORIGIN = 'http://localhost:3000';
const ADMIN_PASSWORD = 'fuzz-sockets-password';
// The integrator's database is reached by these: a refused or unreachable one is a 502/504 by design (contract).
const UPSTREAM_ROUTES = /^\/api\/connections/;
const UPSTREAM_CODES = new Set(['connection_failed', 'query_timeout']);
/**
 * A request we sent whole gets this long to be answered (one answered later is just checked less: we hang up and
 * read what comes); one we left incomplete on purpose is half-closed sooner.
 */
const ANSWER_WAIT_MS = 3_000;
const INCOMPLETE_WAIT_MS = 150;
const CLOSE_WAIT_MS = 3_000;

interface Fixture {
  routes: { method: string; path: string }[];
  host: string;
  apiKey: string;
  token: string;
  cookie: string;
  csrf: string;
}

/** A generated raw request: its bytes, the path it aimed at, and whether we sent it whole (so it deserves an answer). */
interface RawRequest {
  bytes: Buffer;
  method: string;
  path: string;
  complete: boolean;
}

/** What the server wrote back on one connection, and whether it (rather than we) ended the connection. */
interface Exchange {
  data: Buffer;
  serverClosed: boolean;
}

function fuzzSeed(value: string | undefined): number {
  if (value === undefined || value === '') return 20_261_206;
  const seed = Number(value);
  if (!Number.isInteger(seed) || seed !== (seed | 0)) throw new Error(`FUZZ_SEED must be a 32-bit integer, not ${JSON.stringify(value)}`);
  return seed;
}

const ascii = (min: number, max: number, maxLength: number) =>
  fc.string({ unit: fc.integer({ min, max }).map((code) => String.fromCharCode(code)), maxLength });
const printable = (maxLength: number) => ascii(0x20, 0x7e, maxLength);
/** Any single byte as a latin1 character: control characters, DEL, bytes ≥ 0x80. */
const anyByteString = (maxLength: number) => ascii(0, 255, maxLength);

function rawRequestArbitrary(fixture: Fixture): fc.Arbitrary<RawRequest> {
  const pathArb = fc
    .record({
      route: fc.constantFrom(...fixture.routes),
      param: fc.oneof(
        fc.constantFrom('sales', 'nothing', '..%2F..%2Fetc%2Fpasswd', '%00', '%ZZ', '__proto__', 'a'.repeat(300)),
        printable(20).map(encodeURIComponent),
      ),
      query: fc.oneof({ weight: 4, arbitrary: fc.constant('') }, { weight: 1, arbitrary: fc.constantFrom('?origin=x', '?limit=-1', '?a=%FF', '?' + 'q'.repeat(9000), '?a[b]=1', '?%') }),
    })
    .map(({ route, param, query }) => ({ route, path: route.path.replace(/\{[^}]+\}/g, param) + query }));
  // The request target: usually the route's path, else the forms and bytes the request line must refuse or route.
  const target = fc.oneof(
    { weight: 16, arbitrary: pathArb.map(({ path }) => path) },
    { weight: 1, arbitrary: pathArb.map(({ path }) => `http://${fixture.host}${path}`) },
    { weight: 1, arbitrary: fc.constantFrom('*', '', '/%', '//embed//generate-token', '/embed/../api/origins', 'embed/health', '/\u0000', '/a b', '/é', '/\u007f', '/' + 'x'.repeat(20_000)) },
    { weight: 1, arbitrary: anyByteString(40).map((junk) => `/${junk}`) },
  );
  const method = fc.oneof(
    { weight: 14, arbitrary: fc.constant(undefined) },
    { weight: 3, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS') },
    { weight: 1, arbitrary: fc.constantFrom('get', 'CONNECT', 'TRACE', 'PROPFIND', 'G ET', '', 'PRI', 'SEARCH', 'X'.repeat(100)) },
    { weight: 1, arbitrary: printable(12) },
  );
  const version = fc.oneof(
    { weight: 24, arbitrary: fc.constant('HTTP/1.1') },
    { weight: 2, arbitrary: fc.constantFrom('HTTP/1.0', 'HTTP/2.0', 'HTTP/0.9', 'HTTP/1.1 ', 'http/1.1', 'HTTP/1.10', 'HTTP/9.9', '') },
    { weight: 1, arbitrary: printable(10) },
  );
  const json = fc.oneof(
    fc.constant(JSON.stringify({ user: { distinctId: 'fuzz', role: 'explorer', attributes: {} } })),
    fc.constant(JSON.stringify({ email: 'admin@example.com', password: 'wrong' })),
    fc.constant(JSON.stringify({ origin: 'https://fuzz.example' })),
    fc.json({ maxDepth: 3 }),
    printable(60),
    anyByteString(60),
    fc.constant('{"a":' + '['.repeat(5000)),
  );
  /** A header line, well-formed or not. */
  const header = fc.oneof(
    { weight: 16, arbitrary: fc.constantFrom(`x-api-key: ${fixture.apiKey}`, `authorization: Bearer ${fixture.token}`, `origin: ${ORIGIN}`, `cookie: ${fixture.cookie}`, `x-csrf-token: ${fixture.csrf}`, 'accept: application/x-ndjson', 'connection: close', 'expect: 100-continue', 'content-encoding: gzip') },
    // Duplicates that must not be merged into something the server trusts.
    { weight: 3, arbitrary: fc.constantFrom(`host: ${fixture.host}`, 'host: evil.example', 'content-length: 0', 'content-length: 5', 'content-length: -1', 'content-length: 1e3', 'content-length: 0x10', `x-api-key: ${fixture.apiKey}x`, 'authorization: Bearer junk', 'transfer-encoding: chunked', 'transfer-encoding: gzip, chunked', 'transfer-encoding: identity', 'content-type: text/plain', 'content-type: application/json') },
    // Broken lines: no colon, a space before the colon, obs-fold, control characters, bytes ≥ 0x80.
    { weight: 1, arbitrary: fc.constantFrom('no-colon-here', 'x-a : b', ' folded: continuation', 'x-nul: a\u0000b', 'x-cr: a\rb', 'x-del: a\u007fb', ': empty-name', 'x-é: 1', 'x-\u0001: 1') },
    { weight: 1, arbitrary: fc.tuple(printable(20), anyByteString(40)).map(([name, value]) => `${name}: ${value}`) },
    // Oversized: one header past Node's 16 KB limit, or an oversized bearer.
    {
      weight: 1,
      arbitrary: fc.tuple(fc.constantFrom('x-big: ', 'authorization: Bearer '), fc.integer({ min: 8_000, max: 40_000 })).map(([prefix, n]) => prefix + 'A'.repeat(n)),
    },
  );
  /** How the body is framed: whether the framing we send is the whole story decides `complete`. */
  const framing = fc.oneof(
    { weight: 4, arbitrary: fc.constant({ kind: 'none' as const }) },
    { weight: 6, arbitrary: fc.constant({ kind: 'length' as const }) },
    { weight: 2, arbitrary: fc.integer({ min: 1, max: 200 }).map((extra) => ({ kind: 'longer-length' as const, extra })) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 20 }).map((less) => ({ kind: 'shorter-length' as const, less })) },
    { weight: 2, arbitrary: fc.integer({ min: 1, max: 4 }).map((pieces) => ({ kind: 'chunked' as const, pieces })) },
    {
      weight: 2,
      arbitrary: fc.constantFrom('bad-size', 'no-terminator', 'missing-crlf', 'huge-size', 'extension', 'negative', 'with-length').map((broken) => ({ kind: 'broken-chunked' as const, broken })),
    },
  );
  const goodHeader = fc.constantFrom(`x-api-key: ${fixture.apiKey}`, `authorization: Bearer ${fixture.token}`, `origin: ${ORIGIN}`, `cookie: ${fixture.cookie}`, `x-csrf-token: ${fixture.csrf}`, 'connection: close');
  // Well-formed requests with the right credentials, so the run also reaches the routes behind the parser.
  const clean = fc.record({
    path: pathArb,
    target: fc.constant(''),
    useRouteTarget: fc.constant(true),
    method: fc.constant(undefined),
    version: fc.constant('HTTP/1.1'),
    hostHeader: fc.constant(`host: ${fixture.host}`),
    headers: fc.uniqueArray(goodHeader, { maxLength: 5 }),
    contentType: fc.constant('application/json'),
    body: json,
    framing: fc.constantFrom({ kind: 'length' as const }, { kind: 'chunked' as const, pieces: 2 }),
    lineEnd: fc.constant('\r\n'),
    cutAt: fc.constant(undefined),
  });
  const mutated = fc.record({
    path: pathArb,
    target,
    useRouteTarget: fc.boolean(),
    method,
    version,
    hostHeader: fc.oneof({ weight: 20, arbitrary: fc.constant(`host: ${fixture.host}`) }, { weight: 1, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom('host:', 'host: a b', `host: ${fixture.host}, evil.example`) }),
    headers: fc.array(header, { maxLength: 4 }),
    contentType: fc.oneof({ weight: 4, arbitrary: fc.constant('application/json') }, { weight: 1, arbitrary: fc.constantFrom(undefined, 'application/json; charset=utf-8', 'text/plain', 'multipart/form-data') }),
    body: json,
    framing,
    lineEnd: fc.oneof({ weight: 30, arbitrary: fc.constant('\r\n') }, { weight: 1, arbitrary: fc.constantFrom('\n', '\r') }),
    // Cut the bytes short somewhere and stop sending (a client that went away mid-request).
    cutAt: fc.oneof({ weight: 11, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.double({ min: 0, max: 1, noNaN: true }) }),
  });
  return fc
    .oneof({ weight: 1, arbitrary: clean }, { weight: 2, arbitrary: mutated })
    .map(({ path, target: otherTarget, useRouteTarget, method: otherMethod, version, hostHeader, headers, contentType, body, framing, lineEnd, cutAt }) => {
      const requestMethod = otherMethod ?? path.route.method;
      const requestTarget = useRouteTarget ? path.path : otherTarget;
      const lines = [`${requestMethod} ${requestTarget} ${version}`.trimEnd()];
      if (hostHeader) lines.push(hostHeader);
      if (contentType) lines.push(`content-type: ${contentType}`);
      // The admin session must survive the run, so the rest of it still reaches the admin routes.
      lines.push(...headers.filter((line) => !(requestTarget.startsWith('/api/auth/logout') && line === `cookie: ${fixture.cookie}`)));
      const payload = Buffer.from(body, 'latin1');
      let bodyBytes = Buffer.alloc(0);
      let complete = cutAt === undefined;
      switch (framing.kind) {
        case 'none':
          break;
        case 'length':
          lines.push(`content-length: ${payload.length}`);
          bodyBytes = payload;
          break;
        case 'longer-length':
          // The body never arrives in full: the server must wait, then give up when we hang up.
          lines.push(`content-length: ${payload.length + framing.extra}`);
          bodyBytes = payload;
          complete = false;
          break;
        case 'shorter-length':
          // The rest of the body reads as a second, malformed request on the same connection.
          lines.push(`content-length: ${Math.max(0, payload.length - framing.less)}`);
          bodyBytes = payload;
          break;
        case 'chunked': {
          lines.push('transfer-encoding: chunked');
          const size = Math.ceil(payload.length / framing.pieces) || 1;
          const chunks: Buffer[] = [];
          for (let offset = 0; offset < payload.length; offset += size) {
            const piece = payload.subarray(offset, offset + size);
            chunks.push(Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n'));
          }
          chunks.push(Buffer.from('0\r\n\r\n'));
          bodyBytes = Buffer.concat(chunks);
          break;
        }
        case 'broken-chunked': {
          lines.push('transfer-encoding: chunked');
          const size = payload.length.toString(16);
          const broken: Record<string, string> = {
            'bad-size': `zz\r\n${body}\r\n0\r\n\r\n`,
            'no-terminator': `${size}\r\n${body}\r\n`,
            'missing-crlf': `${size}\r\n${body}0\r\n\r\n`,
            'huge-size': `ffffffffffffffffffff\r\n${body}\r\n0\r\n\r\n`,
            extension: `${size};name=${'v'.repeat(200)}\r\n${body}\r\n0\r\n\r\n`,
            negative: `-1\r\n${body}\r\n0\r\n\r\n`,
            // Both framings at once: the request-smuggling shape, which must be refused rather than guessed at.
            'with-length': `${size}\r\n${body}\r\n0\r\n\r\n`,
          };
          if (framing.broken === 'with-length') lines.push('content-length: 3');
          bodyBytes = Buffer.from(broken[framing.broken]!, 'latin1');
          if (framing.broken === 'no-terminator' || framing.broken === 'huge-size') complete = false;
          break;
        }
      }
      let bytes = Buffer.concat([Buffer.from(lines.join(lineEnd) + lineEnd + lineEnd, 'latin1'), bodyBytes]);
      if (cutAt !== undefined) bytes = bytes.subarray(0, Math.floor(bytes.length * cutAt));
      return { bytes, method: requestMethod, path: requestTarget, complete };
    });
}

/** Whether a final response to the request has wholly arrived, so a kept-alive connection can be let go. */
function isAnswered(data: Buffer, method: string): boolean {
  try {
    return parseHttp1Responses(data, { requestMethods: [method], connectionClosed: false }).responses.length > 0;
  } catch {
    // Unparseable already: no need to wait for more, the final parse reports it.
    return true;
  }
}

/**
 * Sends the raw bytes on a fresh TCP connection and collects everything the server writes back until it closes,
 * a whole response arrived, or the wait ran out (then we hang up and give the server a moment to answer that).
 */
async function exchange(port: number, request: RawRequest): Promise<Exchange> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const received: Buffer[] = [];
    let serverClosed = false;
    let finished = false;
    let hangUpTimer: NodeJS.Timeout | undefined;
    let lingerTimer: NodeJS.Timeout | undefined;
    const finish = () => {
      if (finished) return;
      finished = true;
      clearTimeout(hangUpTimer);
      clearTimeout(lingerTimer);
      clearTimeout(giveUpTimer);
      socket.destroy();
      resolve({ data: Buffer.concat(received), serverClosed });
    };
    const giveUpTimer = setTimeout(finish, (request.complete ? ANSWER_WAIT_MS : INCOMPLETE_WAIT_MS) + CLOSE_WAIT_MS);
    socket.on('data', (chunk: Buffer) => {
      received.push(chunk);
      // A whole answer to a whole request: done soon (what a pipelined mess adds meanwhile is read too).
      if (request.complete && !lingerTimer && isAnswered(Buffer.concat(received), request.method)) lingerTimer = setTimeout(finish, 50);
    });
    // The server ended or reset the connection (its right after an error): what arrived before is still checked.
    const closedByServer = () => {
      serverClosed = true;
      finish();
    };
    socket.on('end', closedByServer);
    socket.on('error', closedByServer);
    socket.on('close', finish);
    socket.write(request.bytes, () => {
      hangUpTimer = setTimeout(() => socket.end(), request.complete ? ANSWER_WAIT_MS : INCOMPLETE_WAIT_MS);
    });
  });
}

/** The contract for every answer that arrived: HTTP/1.1 a client can read, no 5xx but 503, every JSON error in the §5 shape. */
function assertAnswers(request: RawRequest, answer: Exchange): Http1ParseResult {
  const sent = describeBytes(request.bytes, 300);
  let parsed: Http1ParseResult;
  try {
    parsed = parseHttp1Responses(answer.data, { requestMethods: [request.method], connectionClosed: answer.serverClosed });
  } catch (error) {
    if (error instanceof Http1ParseError) assert.fail(`the answer to ${sent} is not HTTP/1.1: ${error.message}`);
    throw error;
  }
  const allowed5xx = (status: number, code: string | undefined) =>
    (status === 503 && code === 'service_unavailable') || (UPSTREAM_ROUTES.test(request.path) && UPSTREAM_CODES.has(code ?? ''));
  for (const response of parsed.responses) {
    const context = `${sent} → ${response.status} ${describeBytes(response.body, 300)}`;
    const text = response.body.toString('utf8');
    const json = /^application\/json/.test(response.headers['content-type'] ?? '') && text.length > 0;
    const error = json && response.status >= 400 ? (JSON.parse(text) as { error?: { code?: ErrorCode } }) : undefined;
    if (response.status >= 500) assert.ok(allowed5xx(response.status, error?.error?.code), `5xx: ${context}`);
    assert.doesNotMatch(text, /\n\s+at .+:\d+:\d+/, `stack trace in ${context}`);
    if (error) assertErrorShape(error, response.status, context);
  }
  // A response cut off by a close (or our hanging up) has no body to read, but its status line counts.
  const cutStatus = parsed.incomplete?.head?.status ?? 0;
  if (cutStatus >= 500) assert.ok(cutStatus === 503 || UPSTREAM_ROUTES.test(request.path), `5xx, cut short: ${sent} → ${describeBytes(parsed.incomplete!.bytes, 300)}`);
  return parsed;
}

async function healthz(port: number): Promise<number> {
  const answer = await exchange(port, { bytes: Buffer.from(`GET /healthz HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\nconnection: close\r\n\r\n`), method: 'GET', path: '/healthz', complete: true });
  return parseHttp1Responses(answer.data, { requestMethods: ['GET'], connectionClosed: answer.serverClosed }).responses[0]?.status ?? 0;
}

/**
 * A thousand generated raw requests over real TCP connections to a real server process, so Node's own HTTP
 * parser is fuzzed too (the in-process inject fuzz never reaches it): malformed request lines, bad, duplicate and
 * oversized headers, broken chunked encoding, control characters, truncated bodies, lying Content-Lengths.
 */
describe(`${RUNS} raw requests over TCP to a real server process (FUZZ_SEED=${SEED})`, { timeout: 600_000 }, () => {
  let server: ServerProcess;
  let fixture: Fixture;

  before(async () => {
    server = await startServerProcess({ TC_ADMIN_PASSWORD: ADMIN_PASSWORD }, 120_000);
    const apiKey = readFileSync(join(server.dataDir, 'demo-api-key'), 'utf8').trim();
    const minted = await fetch(`${server.url}/embed/generate-token`, {
      method: 'POST',
      headers: { 'x-api-key': apiKey, 'content-type': 'application/json' },
      body: JSON.stringify({ user: { distinctId: 'fuzz-user', role: 'explorer', attributes: {} } }),
    });
    assert.equal(minted.status, 200, await minted.clone().text());
    const login = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@example.com', password: ADMIN_PASSWORD }),
    });
    assert.equal(login.status, 200, await login.clone().text());
    const document = JSON.parse(readFileSync(join(REPO_ROOT, 'docs/openapi.json'), 'utf8')) as { paths: Record<string, Record<string, unknown>> };
    fixture = {
      routes: Object.entries(document.paths).flatMap(([path, operations]) => Object.keys(operations).map((method) => ({ method: method.toUpperCase(), path }))),
      host: `127.0.0.1:${server.port}`,
      apiKey,
      token: ((await minted.json()) as { token: string }).token,
      cookie: login.headers.get('set-cookie')!.split(';')[0]!,
      csrf: ((await login.json()) as { csrfToken: string }).csrfToken,
    };
  });
  after(async () => {
    await server?.stop();
  });

  it('never answers 5xx, never crashes, answers errors in the contract shape', async (t) => {
    t.diagnostic(`seed ${SEED}: FUZZ_SEED=${SEED} node --import tsx --test test/fuzz-http-sockets.test.ts replays this run`);
    const statuses = new Map<number, number>();
    let closedWithoutAnswer = 0;
    let cutShort = 0;
    let interim = 0;
    await fc.assert(
      fc.asyncProperty(rawRequestArbitrary(fixture), async (request) => {
        const { responses, incomplete } = assertAnswers(request, await exchange(server.port, request));
        if (responses.length === 0 && !incomplete) closedWithoutAnswer++;
        if (incomplete) cutShort++;
        for (const response of responses) {
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          interim += response.interim.length;
        }
        assert.equal(server.child.exitCode, null, `the server exited after ${describeBytes(request.bytes, 300)}:\n${server.output().slice(-3000)}`);
      }),
      { numRuns: RUNS, seed: SEED, includeErrorInReport: true },
    );
    t.diagnostic(
      `statuses: ${JSON.stringify(Object.fromEntries([...statuses].sort(([a], [b]) => a - b)))}; ${interim} interim 1xx; ` +
        `${closedWithoutAnswer} connections closed without an answer, ${cutShort} in the middle of one`,
    );
    // Answers of every kind came back (the run did not just hit a closed door), and the process is still healthy.
    assert.ok([...statuses.keys()].some((status) => status >= 200 && status < 300), 'some requests succeeded');
    assert.ok((statuses.get(400) ?? 0) > 0, 'the HTTP parser refused some requests');
    assert.equal(await healthz(server.port), 200);
    assert.equal(server.child.exitCode, null);
  });
});
