// Serves the built React app (`npm run build`) and its token route: the whole backend of a single-page app.
//
//   TC_EMBED_API_KEY · TC_EMBED_URL (default http://localhost:8080) · PORT (default 3200) · DIST_DIR (default ./dist)
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage } from 'node:http';
import { extname, join } from 'node:path';
import { POST as mintToken } from './api/tc-token.ts';

const port = Number(process.env.PORT ?? 3200);
const distDir = process.env.DIST_DIR ?? new URL('./dist/', import.meta.url).pathname;
const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json' };

/** node:http → the Web Request a route handler takes. */
function toRequest(request: IncomingMessage): Request {
  return new Request(`http://localhost:${port}${request.url}`, { method: request.method, headers: request.headers as Record<string, string> });
}

createServer(async (request, response) => {
  const path = new URL(request.url ?? '/', 'http://localhost').pathname;
  if (path === '/api/tc-token' && request.method === 'POST') {
    const answer = await mintToken(toRequest(request));
    response.writeHead(answer.status, Object.fromEntries(answer.headers));
    response.end(await answer.text());
    return;
  }
  // The built app: index.html for the page, hashed files under /assets.
  const file = path === '/' ? 'index.html' : path.slice(1);
  if (file.includes('..')) return void response.writeHead(404).end();
  try {
    const body = await readFile(join(distDir, file));
    response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    response.end(body);
  } catch {
    response.writeHead(404).end();
  }
}).listen(port, () => console.log(`Example (React) on http://localhost:${port}`));
