import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { assertContractError } from './helpers/assert-error.ts';
import { createTestContext, type TestContext } from './helpers/test-app.ts';

const OUTSIDE_NAME = `tc-console-outside-${process.pid}.js`;

/** A console build as Vite lays it out: index.html, hashed assets, a public file. */
function fakeConsoleBuild(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tc-console-dist-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>console</title><script type="module" src="/console/assets/index-AbC123.js"></script>');
  writeFileSync(join(dir, 'assets', 'index-AbC123.js'), 'console.log("console");');
  writeFileSync(join(dir, 'assets', 'index-Xyz789.css'), 'body{}');
  writeFileSync(join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  // A file beside the build folder, which no console URL may reach.
  writeFileSync(join(dir, '..', OUTSIDE_NAME), 'secret();');
  return dir;
}

describe('the console at /console', () => {
  let built: TestContext;
  let unbuilt: TestContext;
  let dist: string;

  before(async () => {
    dist = fakeConsoleBuild();
    built = await createTestContext({ consoleDistDir: dist });
    unbuilt = await createTestContext({ consoleDistDir: join(dist, 'not-built') });
  });
  after(async () => {
    await built.close();
    await unbuilt.close();
    rmSync(dist, { recursive: true, force: true });
    rmSync(join(dist, '..', OUTSIDE_NAME), { force: true });
  });

  it('serves index.html for /console and every page below it, with strict security headers and no session', async () => {
    for (const url of ['/console', '/console/', '/console/settings/embed-access', '/console/databases/tables/sales', '/console/account?x=1']) {
      const response = await built.inject({ method: 'GET', url });
      assert.equal(response.statusCode, 200, url);
      assert.match(response.body, /<title>console<\/title>/, url);
      assert.equal(response.headers['content-type'], 'text/html; charset=utf-8');
      assert.equal(response.headers['cache-control'], 'no-store');
      const csp = String(response.headers['content-security-policy']);
      assert.match(csp, /(^|; )script-src 'self'(;|$)/);
      assert.match(csp, /(^|; )default-src 'none'(;|$)/);
      assert.match(csp, /(^|; )frame-ancestors 'none'(;|$)/);
      assert.doesNotMatch(csp, /script-src[^;]*(unsafe-inline|unsafe-eval|\*)/);
      assert.equal(response.headers['x-frame-options'], 'DENY');
      assert.equal(response.headers['referrer-policy'], 'no-referrer');
      assert.equal(response.headers['x-content-type-options'], 'nosniff');
    }
  });

  it('serves hashed assets cached immutable, with their content type', async () => {
    const script = await built.inject({ method: 'GET', url: '/console/assets/index-AbC123.js' });
    assert.equal(script.statusCode, 200);
    assert.equal(script.body, 'console.log("console");');
    assert.equal(script.headers['content-type'], 'text/javascript; charset=utf-8');
    assert.equal(script.headers['cache-control'], 'public, max-age=31536000, immutable');
    const style = await built.inject({ method: 'GET', url: '/console/assets/index-Xyz789.css' });
    assert.equal(style.headers['content-type'], 'text/css; charset=utf-8');
    const icon = await built.inject({ method: 'GET', url: '/console/favicon.svg' });
    assert.equal(icon.statusCode, 200);
    assert.equal(icon.headers['content-type'], 'image/svg+xml');
    assert.doesNotMatch(String(icon.headers['cache-control']), /immutable/);
  });

  it('answers 404 in the contract shape for a missing asset, and never serves a file outside its folder', async () => {
    assertContractError(await built.inject({ method: 'GET', url: '/console/assets/index-Old000.js' }), { status: 404, code: 'not_found', mentions: /reload/ });
    for (const url of [
      `/console/assets/..%2F..%2F${OUTSIDE_NAME}`,
      '/console/assets/%2e%2e%2fi.js',
      `/console/..%2F${OUTSIDE_NAME}`,
      `/console/assets/../../${OUTSIDE_NAME}`,
      '/console/assets/sub/index-AbC123.js',
    ]) {
      const response = await built.inject({ method: 'GET', url });
      assert.ok(!response.body.includes('secret()'), url);
      assert.ok([404, 200].includes(response.statusCode), `${url}: ${response.statusCode}`);
      if (response.statusCode === 200) assert.match(response.body, /<title>console<\/title>/, `${url} must fall back to the shell`);
    }
  });

  it('answers 503 naming npm run build when the console is not built', async () => {
    for (const url of ['/console', '/console/settings/embed-access']) {
      assertContractError(await unbuilt.inject({ method: 'GET', url }), { status: 503, code: 'service_unavailable', mentions: /npm run build/ });
    }
  });
});
