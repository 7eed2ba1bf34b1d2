import type { FastifyInstance, FastifyRequest } from 'fastify';
import { TcError } from '../errors.ts';

/**
 * How many Host lines the request carried (Node keeps only the first in request.headers). Runs on every request,
 * so it walks rawHeaders (names and values alternating) without allocating, lower-casing only 4-letter names.
 */
function countHostLines(rawHeaders: string[]): number {
  let count = 0;
  for (let index = 0; index < rawHeaders.length; index += 2) {
    const name = rawHeaders[index]!;
    if (name.length === 4 && name.toLowerCase() === 'host') count++;
  }
  return count;
}

/**
 * Why the request's Host header breaks RFC 9112 §3.2, or undefined when it is acceptable: HTTP/1.1 requires
 * exactly one, and an empty one names no host (an "http" URI with an empty host is invalid, RFC 9110 §4.2.1).
 * HTTP/1.0 may leave it out.
 */
function hostHeaderProblem(request: FastifyRequest): string | undefined {
  if (countHostLines(request.raw.rawHeaders) > 1) return 'The request has more than one Host header; send exactly one, e.g. "Host: embed.example.com".';
  const host = request.headers.host;
  if (host === undefined) {
    if (request.raw.httpVersion === '1.0') return undefined;
    return 'The Host header is required in HTTP/1.1 requests; send the server\'s host name, e.g. "Host: embed.example.com".';
  }
  if (host.trim() === '') return 'The Host header is empty; send the server\'s host name, e.g. "Host: embed.example.com".';
  return undefined;
}

/**
 * Node's own Host check (http requireHostHeader) answers a bare 400 with no body before Fastify sees the request;
 * app.ts turns it off so this hook refuses instead, in the contract's error shape. The connection is closed: a
 * client that framed this request wrongly may frame the next one wrongly too.
 */
export function registerHostHeaderGuard(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
    const problem = hostHeaderProblem(request);
    if (problem === undefined) return;
    const refusal = new TcError('invalid_request', problem, [{ field: 'Host', message: problem }]);
    return reply.status(400).header('connection', 'close').send(refusal.toJSON());
  });
}
