import type { Socket } from 'node:net';
import { STATUS_CODES } from 'node:http';
import { TcError } from '../errors.ts';

/**
 * Requests Node's HTTP parser rejects before Fastify routes them (headers over the 16 KB limit, a malformed
 * request line, a header timeout) still get the contract's error shape, written straight to the socket.
 */
export function handleClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const refusal =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? new TcError('headers_too_large', 'The request headers are larger than 16 KB; an embed token is far smaller, so check the Authorization header.')
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? new TcError('request_timeout', 'The request took too long to arrive; retry.')
        : new TcError('invalid_request', 'The HTTP request is malformed.');
  const body = JSON.stringify(refusal.toJSON());
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${refusal.status} ${STATUS_CODES[refusal.status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}
