import { createTcEmbedClient } from '@tc-embed/node';

/**
 * The backend's tc-embed client; the API key never leaves the server. A factory, so that the client (and its
 * check that TC_EMBED_API_KEY is set) is made on the first token request, not while `next build` loads routes.
 */
export const tc = () =>
  createTcEmbedClient({
    serverUrl: process.env.TC_EMBED_URL ?? 'http://localhost:8080',
    apiKey: process.env.TC_EMBED_API_KEY ?? '',
  });
