import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { createTestContext, TEST_ORIGIN, type TestContext } from './helpers/test-app.ts';

const ENTRY = 'export const tcEmbed = 1; import("./chunks/chart-renderer-AbC123_x.js");\n';
const CHUNK = 'export const chart = 2;\n';

function builtDist(): string {
  const root = mkdtempSync(join(tmpdir(), 'tc-elements-'));
  const dir = join(root, 'dist');
  mkdirSync(join(dir, 'chunks'), { recursive: true });
  writeFileSync(join(dir, 'embed.js'), ENTRY);
  writeFileSync(join(dir, 'chunks', 'chart-renderer-AbC123_x.js'), CHUNK);
  writeFileSync(join(root, 'secret.js'), 'outside dist');
  return dir;
}

describe('GET /embed/embed.js', () => {
  let ctx: TestContext;
  let dist: string;
  before(async () => {
    dist = builtDist();
    ctx = await createTestContext({ elementsDistDir: dist });
  });
  after(() => ctx.close());

  it('serves the built module to any origin, as JavaScript, with an ETag', async () => {
    const response = await ctx.inject({ method: 'GET', url: '/embed/embed.js', headers: { origin: 'https://anywhere.example' } });
    assert.equal(response.statusCode, 200);
    assert.equal(response.body, ENTRY);
    assert.equal(response.headers['content-type'], 'text/javascript; charset=utf-8');
    assert.equal(response.headers['access-control-allow-origin'], '*');
    assert.equal(response.headers['cross-origin-resource-policy'], 'cross-origin');
    assert.match(String(response.headers['cache-control']), /max-age=300/);
    assert.match(String(response.headers.etag), /^"[\w-]{27}"$/);
  });

  it('answers 304 to a matching If-None-Match, and the new file after a rebuild', async () => {
    const first = await ctx.inject({ method: 'GET', url: '/embed/embed.js' });
    const etag = String(first.headers.etag);
    const again = await ctx.inject({ method: 'GET', url: '/embed/embed.js', headers: { 'if-none-match': etag } });
    assert.equal(again.statusCode, 304);
    assert.equal(again.body, '');
    writeFileSync(join(dist, 'embed.js'), `${ENTRY}// rebuilt\n`);
    const rebuilt = await ctx.inject({ method: 'GET', url: '/embed/embed.js', headers: { 'if-none-match': etag } });
    assert.equal(rebuilt.statusCode, 200);
    assert.notEqual(rebuilt.headers.etag, etag);
    assert.match(rebuilt.body, /rebuilt/);
  });

  it('sends chunks compressed to clients that accept it (brotli first), each encoding with its own ETag', async () => {
    const large = `export const rows = ${JSON.stringify(Array.from({ length: 2000 }, (_, i) => ({ region: 'Europe', value: i })))};\n`;
    writeFileSync(join(dist, 'chunks', 'table-Big123.js'), large);
    const get = (acceptEncoding?: string, ifNoneMatch?: string) =>
      ctx.inject({
        method: 'GET',
        url: '/embed/chunks/table-Big123.js',
        headers: { ...(acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding }), ...(ifNoneMatch ? { 'if-none-match': ifNoneMatch } : {}) },
      });

    const brotli = await get('gzip, deflate, br, zstd');
    assert.equal(brotli.statusCode, 200);
    assert.equal(brotli.headers['content-encoding'], 'br');
    assert.equal(brotli.headers.vary, 'Accept-Encoding');
    assert.equal(brotliDecompressSync(brotli.rawPayload).toString(), large);
    assert.ok(brotli.rawPayload.length < large.length / 5, `${brotli.rawPayload.length} bytes of ${large.length}`);

    const gzipped = await get('gzip;q=1.0, br;q=0');
    assert.equal(gzipped.headers['content-encoding'], 'gzip');
    assert.equal(gunzipSync(gzipped.rawPayload).toString(), large);

    const plain = await get();
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.equal(plain.body, large);
    assert.equal((await get('identity, br;q=0, gzip;q=0')).headers['content-encoding'], undefined);

    const etags = new Set([brotli.headers.etag, gzipped.headers.etag, plain.headers.etag]);
    assert.equal(etags.size, 3, 'one ETag per representation');
    assert.equal((await get('br', String(brotli.headers.etag))).statusCode, 304);
    assert.equal((await get('gzip', String(brotli.headers.etag))).statusCode, 200, "the brotli ETag does not validate the gzip representation");
  });

  it('sends small files as they are', async () => {
    const small = await ctx.inject({ method: 'GET', url: '/embed/chunks/chart-renderer-AbC123_x.js', headers: { 'accept-encoding': 'br, gzip' } });
    assert.equal(small.headers['content-encoding'], undefined);
    assert.equal(small.body, CHUNK);
  });

  it('serves lazy chunks as immutable, and nothing outside the build', async () => {
    const chunk = await ctx.inject({ method: 'GET', url: '/embed/chunks/chart-renderer-AbC123_x.js' });
    assert.equal(chunk.statusCode, 200);
    assert.equal(chunk.body, CHUNK);
    assert.equal(chunk.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal(chunk.headers['access-control-allow-origin'], '*');
    for (const url of ['/embed/chunks/missing-123.js', '/embed/chunks/..%2Fsecret.js', '/embed/chunks/..%2F..%2Fsecret.js', '/embed/chunks/x.txt']) {
      const refused = await ctx.inject({ method: 'GET', url });
      assert.equal(refused.statusCode, 404, url);
      assert.equal(refused.json().error.code, 'not_found');
      assert.doesNotMatch(refused.body, /outside dist/);
    }
  });
});

describe('GET /embed/embed.js before the build', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await createTestContext({ elementsDistDir: mkdtempSync(join(tmpdir(), 'tc-elements-unbuilt-')) });
  });
  after(() => ctx.close());

  it('answers 503 naming npm run build', async () => {
    const response = await ctx.inject({ method: 'GET', url: '/embed/embed.js' });
    assert.equal(response.statusCode, 503);
    assert.equal(response.json().error.code, 'service_unavailable');
    assert.match(response.json().error.message, /npm run build/);
  });
});

describe('embed API errors are readable by authorized pages', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await createTestContext();
  });
  after(() => ctx.close());

  it('answers the assistant preflight for an authorized origin only', async () => {
    const preflight = (origin: string) =>
      ctx.inject({
        method: 'OPTIONS',
        url: '/embed/assistant/messages',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
      });
    assert.equal((await preflight(TEST_ORIGIN)).headers['access-control-allow-origin'], TEST_ORIGIN);
    assert.equal((await preflight('https://evil.example')).headers['access-control-allow-origin'], undefined);
  });

  it('lets an authorized origin read a 404 from an embed route this server does not have', async () => {
    const token = await ctx.mint();
    const request = (origin: string) =>
      ctx.inject({ method: 'GET', url: '/embed/charts/a/b', headers: { origin, authorization: `Bearer ${token}` } });
    const authorized = await request(TEST_ORIGIN);
    assert.equal(authorized.statusCode, 404);
    assert.equal(authorized.json().error.code, 'not_found');
    assert.equal(authorized.headers['access-control-allow-origin'], TEST_ORIGIN);
    assert.match(String(authorized.headers.vary), /Origin/);
    const other = await request('https://evil.example');
    assert.equal(other.statusCode, 404);
    assert.equal(other.headers['access-control-allow-origin'], undefined);
  });

  it('adds no CORS to generate-token errors', async () => {
    const response = await ctx.inject({ method: 'POST', url: '/embed/generate-token', headers: { origin: TEST_ORIGIN, 'content-type': 'application/json' }, payload: {} });
    assert.ok(response.statusCode >= 400);
    assert.equal(response.headers['access-control-allow-origin'], undefined);
  });
});
