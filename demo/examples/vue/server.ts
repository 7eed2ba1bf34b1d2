// Serves the built Vue app (`npm run build`) and the token endpoint, with nothing but node:http.
//
//   TC_EMBED_API_KEY · TC_EMBED_URL (default http://localhost:8080) · PORT (default 3300) · DIST_DIR (default ./dist)
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join } from 'node:path';
import { createTcEmbedClient, createTokenHandler } from '@tc-embed/node';

const port = Number(process.env.PORT ?? 3300);
const distDir = process.env.DIST_DIR ?? new URL('./dist/', import.meta.url).pathname;
const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json' };

// The API key stays on the server.
const tc = createTcEmbedClient({ serverUrl: process.env.TC_EMBED_URL ?? 'http://localhost:8080', apiKey: process.env.TC_EMBED_API_KEY ?? '' });

// Stands in for your own sign-in: every visitor is the same demo user here.
const tokenEndpoint = createTokenHandler(tc, () => ({ distinctId: 'user-123', attributes: { region: 'Europe' } }));

createServer(async (request, response) => {
  const path = new URL(request.url ?? '/', 'http://localhost').pathname;
  if (path === '/api/tc-token' && request.method === 'POST') return tokenEndpoint(request, response);
  const file = path === '/' ? 'index.html' : path.slice(1);
  if (file.includes('..')) return void response.writeHead(404).end();
  try {
    const body = await readFile(join(distDir, file));
    response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    response.end(body);
  } catch {
    response.writeHead(404).end();
  }
}).listen(port, () => console.log(`Example (Vue) on http://localhost:${port}`));
