import { answerTokenRequest, clientResolver, type ResolveTokenUser, type TcEmbedClientSource, type TokenHandlerOptions } from './token-endpoint.ts';

/**
 * The part of Fastify's `reply` the handler uses. Structural, so this package does not depend on fastify:
 * Fastify 4 and 5 replies fit it.
 */
export interface FastifyReplyLike {
  code(statusCode: number): unknown;
  header(name: string, value: string): unknown;
  send(payload?: unknown): unknown;
}

/**
 * A token endpoint as a Fastify route handler: same answers as createTokenHandler (`{token, expiresIn,
 * expiresAt}` with `Cache-Control: no-store`, the contract's error shape otherwise). The type parameter carries
 * your request type (e.g. `FastifyRequest`, decorated by your auth plugin) into the callback.
 *
 * @example
 * app.post('/api/tc-token', createFastifyTokenHandler(tc, (request: FastifyRequest) =>
 *   request.user ? { distinctId: request.user.id, attributes: { region: request.user.region } } : null));
 */
export function createFastifyTokenHandler<Req = unknown, Reply extends FastifyReplyLike = FastifyReplyLike>(
  client: TcEmbedClientSource,
  resolveUser: ResolveTokenUser<Req>,
  options: TokenHandlerOptions<Req> = {},
): (request: Req, reply: Reply) => Promise<Reply> {
  const getClient = clientResolver(client);
  return async (request, reply) => {
    const { status, headers, body } = await answerTokenRequest(getClient, resolveUser, options, request);
    reply.code(status);
    for (const [name, value] of Object.entries(headers)) reply.header(name, value);
    reply.send(body);
    // An async Fastify handler that sent its reply returns it, so Fastify does not send a second answer.
    return reply;
  };
}
