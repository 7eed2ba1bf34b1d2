import assert from 'node:assert/strict';
import { connect } from 'node:net';

/** One HTTP/1.1 answer read off a raw socket: the head as sent, and its parts. */
export interface RawResponse {
  /** Status line and header lines, as received. */
  head: string;
  statusCode: number;
  /** Header names lower-cased. */
  headers: Record<string, string>;
  body: string;
}

/** How long the server may keep the connection open after answering before the exchange fails. */
const CLOSE_DEADLINE_MS = 5_000;

/**
 * Writes one raw request to the listening app on 127.0.0.1 and reads until the server closes the connection, for
 * what only a real HTTP parser shows (inject() always adds a Host header, never overflows a header). Fails if the
 * connection stays open, so every caller also proves the server closed it. A server that closes while a huge
 * request is still being written resets the socket: what it answered before that is what counts.
 */
export async function exchangeUntilClosed(port: number, request: string): Promise<RawResponse> {
  const received = await new Promise<string>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    const deadline = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the server kept the connection open after answering: ${JSON.stringify(text)}`));
    }, CLOSE_DEADLINE_MS);
    const done = (settle: () => void) => {
      clearTimeout(deadline);
      settle();
    };
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('error', (error: NodeJS.ErrnoException) =>
      done(() => (error.code === 'ECONNRESET' || error.code === 'EPIPE' ? resolve(text) : reject(error))),
    );
    socket.on('close', () => done(() => resolve(text)));
    socket.write(request);
  });
  const headEnd = received.indexOf('\r\n\r\n');
  assert.ok(headEnd > 0, `no complete response: ${JSON.stringify(received)}`);
  const head = received.slice(0, headEnd);
  const [statusLine, ...headerLines] = head.split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { head, statusCode: Number(statusLine!.split(' ')[1]), headers, body: received.slice(headEnd + 4) };
}
