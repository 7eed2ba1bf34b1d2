/**
 * @tc-embed/node — for host backends: mint tc-embed tokens with your API key, and serve them to the page's
 * `fetchToken` in one route.
 */
export {
  createTcEmbedClient,
  type EmbedRole,
  type GeneratedToken,
  type GenerateTokenOptions,
  type TcEmbedClient,
  type TcEmbedClientOptions,
  type TokenAttributeValue,
  type TokenLifetime,
} from './client.ts';
export { TcEmbedError, isTcEmbedError, type TcEmbedErrorCode, type TcEmbedErrorDetail } from './errors.ts';
export { createTokenHandler } from './node-handler.ts';
export { createFetchTokenHandler } from './fetch-handler.ts';
export { createFastifyTokenHandler, type FastifyReplyLike } from './fastify-handler.ts';
export type { ResolveTokenUser, TcEmbedClientSource, TokenHandlerOptions, TokenUser } from './token-endpoint.ts';
export { SDK_VERSION } from './version.ts';
