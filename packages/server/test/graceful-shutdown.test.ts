import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { describe, it } from 'node:test';
import { createTestContext } from './helpers/test-app.ts';

/** One raw HTTP/1.1 connection: write requests when the test says, read everything until the server closes it. */
function rawConnection(port: number): { send(text: string): Promise<void>; received: Promise<string> } {
  const socket = connect(port, '127.0.0.1');
  const connected = new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  let text = '';
  socket.on('data', (chunk) => (text += chunk));
  return {
    send: async (request) => {
      await connected;
      await new Promise<void>((resolve) => socket.write(request, () => resolve()));
    },
    received: new Promise<string>((resolve) => socket.once('close', () => resolve(text))),
  };
}

describe('shutting down', () => {
  it('finishes the request in flight and refuses the next one on the same connection in the contract shape', async () => {
    const ctx = await createTestContext();
    await ctx.app.listen({ port: 0, host: '127.0.0.1' });
    const address = ctx.app.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const connection = rawConnection(port);
    // A request is in flight when the shutdown starts (its body only half sent); a second request follows on the
    // same keep-alive connection once the server is closing.
    const login = JSON.stringify({ email: 'admin@example.com', password: 'correct horse battery staple' });
    const half = Math.floor(login.length / 2);
    await connection.send(`POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(login)}\r\n\r\n${login.slice(0, half)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const closed = ctx.app.close();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await connection.send(`${login.slice(half)}GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n`);
    const text = await connection.received;
    await closed;

    const [first, second] = text.split(/(?=HTTP\/1\.1 )/);
    assert.match(first!, /^HTTP\/1\.1 200 /, 'the request in flight completes');
    assert.match(second ?? '', /^HTTP\/1\.1 503 /, text);
    assert.match(second!, /\r\nretry-after: 5\r\n/i);
    assert.match(second!, /\r\nconnection: close\r\n/i);
    const body = JSON.parse(second!.slice(second!.indexOf('\r\n\r\n') + 4)) as { error: { code: string; message: string } };
    assert.deepEqual(Object.keys(body), ['error']);
    assert.equal(body.error.code, 'service_unavailable');
    assert.match(body.error.message, /shutting down/);
  });
});
