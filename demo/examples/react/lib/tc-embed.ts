import { createTcEmbedClient } from '@tc-embed/node';

/** One client for the whole backend; the API key never leaves the server. */
export const tc = createTcEmbedClient({
  serverUrl: process.env.TC_EMBED_URL ?? 'http://localhost:8080',
  apiKey: process.env.TC_EMBED_API_KEY ?? '',
});
