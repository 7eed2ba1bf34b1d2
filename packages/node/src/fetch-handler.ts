import { answerTokenRequest, clientResolver, type ResolveTokenUser, type TcEmbedClientSource, type TokenHandlerOptions } from './token-endpoint.ts';

/**
 * A token endpoint for Web-standard servers — `(Request) => Response`: Next.js route handlers, Hono, Remix,
 * Deno-style servers. Same answers as createTokenHandler.
 *
 * @example
 * // app/api/tc-token/route.ts (Next.js)
 * export const POST = createFetchTokenHandler(tc, async () => {
 *   const user = await currentUser();
 *   return user ? { distinctId: user.id, attributes: { region: user.region } } : null;
 * });
 */
export function createFetchTokenHandler<Req extends Request = Request>(
  client: TcEmbedClientSource,
  resolveUser: ResolveTokenUser<Req>,
  options: TokenHandlerOptions<Req> = {},
): (request: Req) => Promise<Response> {
  const getClient = clientResolver(client);
  return async (request) => {
    const { status, headers, body } = await answerTokenRequest(getClient, resolveUser, options, request);
    return new Response(body, { status, headers });
  };
}
