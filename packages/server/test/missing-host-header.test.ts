import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertContractError } from './helpers/assert-error.ts';
import { exchangeUntilClosed } from './helpers/raw-socket.ts';
import { createTestContext, type TestContext } from './helpers/test-app.ts';

describe('the Host header on a real socket', () => {
  let ctx: TestContext;
  let port: number;
  before(async () => {
    ctx = await createTestContext();
    port = Number(new URL(await ctx.app.listen({ host: '127.0.0.1', port: 0 })).port);
  });
  after(() => ctx.close());

  it('refuses an HTTP/1.1 request without Host with 400 in the contract shape, naming the header and the fix, and closes', async () => {
    const response = await exchangeUntilClosed(port, 'GET /healthz HTTP/1.1\r\n\r\n');
    assertContractError(response, { status: 400, code: 'invalid_request', field: 'Host', mentions: /required in HTTP\/1\.1.*Host: /i });
    assert.equal(response.headers.connection, 'close');
  });

  it('refuses before routing: an unknown path gets the same 400, not a 404', async () => {
    const unknown = await exchangeUntilClosed(port, 'POST /no/such/route HTTP/1.1\r\nContent-Length: 0\r\n\r\n');
    assertContractError(unknown, { status: 400, code: 'invalid_request', field: 'Host' });
  });

  it('refuses an empty Host value with 400 (an http URI with an empty host is invalid)', async () => {
    const response = await exchangeUntilClosed(port, 'GET /healthz HTTP/1.1\r\nHost:\r\n\r\n');
    assertContractError(response, { status: 400, code: 'invalid_request', field: 'Host', mentions: /empty/ });
    assert.equal(response.headers.connection, 'close');
  });

  it('refuses a request with two Host headers with 400', async () => {
    const response = await exchangeUntilClosed(port, 'GET /healthz HTTP/1.1\r\nHost: a.example\r\nHost: b.example\r\n\r\n');
    assertContractError(response, { status: 400, code: 'invalid_request', field: 'Host', mentions: /more than one/ });
  });

  it('answers an HTTP/1.0 request without Host normally (Host is optional in HTTP/1.0)', async () => {
    const response = await exchangeUntilClosed(port, 'GET /healthz HTTP/1.0\r\n\r\n');
    assert.equal(response.statusCode, 200, response.body);
    assert.deepEqual(JSON.parse(response.body), { status: 'ok' });
  });

  it('answers an HTTP/1.1 request with Host normally', async () => {
    const response = await exchangeUntilClosed(port, `GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
    assert.equal(response.statusCode, 200, response.body);
    assert.deepEqual(JSON.parse(response.body), { status: 'ok' });
  });

  it('answers a same-origin embed call over HTTP/1.0 without Host with 401, not a server error: no origin is inferred', async () => {
    const response = await exchangeUntilClosed(
      port,
      'GET /embed/dashboards/x HTTP/1.0\r\nSec-Fetch-Site: same-origin\r\nAuthorization: Bearer x\r\n\r\n',
    );
    assertContractError(response, { status: 401, code: 'invalid_token' });
  });
});
