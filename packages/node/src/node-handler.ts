import type { IncomingMessage, ServerResponse } from 'node:http';
import { answerTokenRequest, clientResolver, type ResolveTokenUser, type TcEmbedClientSource, type TokenHandlerOptions } from './token-endpoint.ts';

/**
 * A token endpoint for Node-style servers (Express, connect, Fastify's raw request, node:http): mints for the
 * user your callback returns and answers `{token, expiresIn, expiresAt}` with `Cache-Control: no-store`.
 * The type parameter carries your framework's request type (e.g. Express's, with your session) into the callback.
 *
 * @example
 * app.post('/api/tc-token', createTokenHandler(tc, async (req: express.Request) =>
 *   req.user ? { distinctId: req.user.id, attributes: { region: req.user.region } } : null));
 *
 * // in the page
 * dashboard.fetchToken = () => fetch('/api/tc-token', { method: 'POST' }).then((r) => r.json());
 */
export function createTokenHandler<Req extends IncomingMessage = IncomingMessage>(
  client: TcEmbedClientSource,
  resolveUser: ResolveTokenUser<Req>,
  options: TokenHandlerOptions<Req> = {},
): (request: Req, response: ServerResponse) => Promise<void> {
  const getClient = clientResolver(client);
  return async (request, response) => {
    const { status, headers, body } = await answerTokenRequest(getClient, resolveUser, options, request);
    if (response.headersSent) return;
    response.writeHead(status, headers);
    response.end(body);
  };
}
