// The demo host app: what an integrator's own web app does to embed tc-embed. Its backend keeps the API key and
// mints tokens for its signed-in user; its page loads embed.js from the tc-embed server and hands the elements a
// fetchToken callback. A second origin (127.0.0.1:3001, not authorized) serves the same page to show the refusal.
//
//   TC_DEMO_PORT (3000) · TC_DEMO_SECOND_PORT (3001; 0 turns it off) · TC_DEMO_SERVER_URL (http://localhost:8080)
//   TC_DEMO_API_KEY, else <TC_DATA_DIR or ./.tc-data>/demo-api-key (written by the server's first start)
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The demo's users, as the host app knows them after its own sign-in; the browser only names one. */
export const DEMO_USERS = {
  europe: { distinctId: 'demo-eu-1', label: 'Elena (Europe)', attributes: { region: 'Europe' } },
  'north-america': { distinctId: 'demo-na-1', label: 'Noah (North America)', attributes: { region: 'North America' } },
  'no-region': { distinctId: 'demo-nr-1', label: 'Nina (no region: sees nothing)', attributes: {} },
} as const;
type DemoUser = keyof typeof DEMO_USERS;

/** Token lifetimes the page offers; 1 minute lets a tester watch a refresh at about 30 s. */
export const DEMO_LIFETIMES = ['1m', '2m', '5m', '15m', '1h'] as const;

const MAX_BODY_BYTES = 1024;
const pageDir = new URL('./public/', import.meta.url);

interface DemoSettings {
  port: number;
  secondPort: number;
  serverUrl: string;
  apiKey: () => string | undefined;
}

function settingsFromEnv(env: NodeJS.ProcessEnv): DemoSettings {
  const port = Number(env.TC_DEMO_PORT ?? 3000);
  const secondPort = Number(env.TC_DEMO_SECOND_PORT ?? 3001);
  const serverUrl = (env.TC_DEMO_SERVER_URL ?? `http://localhost:${env.PORT || 8080}`).replace(/\/+$/, '');
  for (const [name, value] of [['TC_DEMO_PORT', port], ['TC_DEMO_SECOND_PORT', secondPort]] as const) {
    if (!Number.isInteger(value) || value < 0 || value > 65535) throw new Error(`${name} must be a port number, got "${env[name]}".`);
  }
  const keyFile = join(resolve(env.TC_DATA_DIR || '.tc-data'), 'demo-api-key');
  // Read on each mint: the server writes the file on its first start, which may finish after the demo starts.
  const apiKey = () => {
    if (env.TC_DEMO_API_KEY) return env.TC_DEMO_API_KEY.trim();
    try {
      return readFileSync(keyFile, 'utf8').trim() || undefined;
    } catch {
      return undefined;
    }
  };
  return { port, secondPort, serverUrl, apiKey };
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  response.end(JSON.stringify(body));
}

async function readBody(request: IncomingMessage): Promise<unknown> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

/** POST /api/embed-token — the host backend's token endpoint, called by the page's fetchToken. */
async function mintForUser(settings: DemoSettings, request: IncomingMessage, response: ServerResponse): Promise<void> {
  let body: { user?: unknown; expiresIn?: unknown };
  try {
    body = (await readBody(request)) as typeof body;
  } catch {
    sendJson(response, 400, { error: { code: 'invalid_request', message: 'Send a JSON body such as {"user": "europe", "expiresIn": "1m"}.' } });
    return;
  }
  const user = DEMO_USERS[body?.user as DemoUser];
  const expiresIn = DEMO_LIFETIMES.find((lifetime) => lifetime === body?.expiresIn);
  if (!user || !expiresIn) {
    sendJson(response, 400, {
      error: { code: 'invalid_request', message: `user must be one of ${Object.keys(DEMO_USERS).join(', ')} and expiresIn one of ${DEMO_LIFETIMES.join(', ')}.` },
    });
    return;
  }
  const apiKey = settings.apiKey();
  if (!apiKey) {
    sendJson(response, 503, {
      error: { code: 'service_unavailable', message: 'The demo has no API key yet: start the tc-embed server first (npm start), or set TC_DEMO_API_KEY.' },
    });
    return;
  }
  // The seed's request, server to server; the API key never reaches the browser.
  let upstream: Response;
  try {
    upstream = await fetch(`${settings.serverUrl}/embed/generate-token`, {
      method: 'POST',
      headers: { 'x-api-key': apiKey, 'content-type': 'application/json' },
      body: JSON.stringify({ user: { distinctId: user.distinctId, role: 'explorer', attributes: user.attributes }, expiresIn }),
    });
  } catch {
    sendJson(response, 502, { error: { code: 'service_unavailable', message: `The tc-embed server at ${settings.serverUrl} did not answer.` } });
    return;
  }
  const answer = (await upstream.json().catch(() => ({}))) as { token?: string; expiresIn?: string; expiresAt?: string; error?: unknown };
  if (!upstream.ok || typeof answer.token !== 'string') {
    sendJson(response, upstream.ok ? 502 : upstream.status, answer.error ? { error: answer.error } : { error: { code: 'service_unavailable', message: 'generate-token failed.' } });
    return;
  }
  sendJson(response, 200, { token: answer.token, expiresIn: answer.expiresIn, expiresAt: answer.expiresAt });
}

function sendPage(settings: DemoSettings, response: ServerResponse): void {
  const html = readFileSync(new URL('index.html', pageDir), 'utf8').replaceAll('%TC_SERVER_URL%', settings.serverUrl);
  response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  response.end(html);
}

function handler(settings: DemoSettings) {
  return (request: IncomingMessage, response: ServerResponse): void => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method === 'GET' && (path === '/' || path === '/index.html')) return sendPage(settings, response);
    if (request.method === 'GET' && path === '/demo.js') {
      response.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' });
      response.end(readFileSync(new URL('demo.js', pageDir)));
      return;
    }
    if (request.method === 'GET' && path === '/api/demo-options') {
      sendJson(response, 200, { users: Object.entries(DEMO_USERS).map(([id, user]) => ({ id, label: user.label })), lifetimes: DEMO_LIFETIMES });
      return;
    }
    if (request.method === 'POST' && path === '/api/embed-token') {
      mintForUser(settings, request, response).catch(() => sendJson(response, 500, { error: { code: 'internal_error', message: 'The demo backend failed.' } }));
      return;
    }
    sendJson(response, 404, { error: { code: 'not_found', message: `No page ${path}.` } });
  };
}

function listen(server: Server, port: number, host?: string): Promise<number> {
  return new Promise((resolvePort, reject) => {
    server.once('error', reject);
    server.listen({ port, ...(host ? { host } : {}) }, () => {
      const address = server.address();
      resolvePort(typeof address === 'object' && address ? address.port : port);
    });
  });
}

export async function startDemo(env: NodeJS.ProcessEnv = process.env): Promise<{ urls: string[]; close(): Promise<void> }> {
  const settings = settingsFromEnv(env);
  const servers: Server[] = [];
  const urls: string[] = [];
  const main = createServer(handler(settings));
  servers.push(main);
  urls.push(`http://localhost:${await listen(main, settings.port)}`);
  if (settings.secondPort !== 0) {
    const second = createServer(handler(settings));
    servers.push(second);
    urls.push(`http://127.0.0.1:${await listen(second, settings.secondPort, '127.0.0.1')}`);
  }
  return {
    urls,
    close: () => Promise.all(servers.map((server) => new Promise<void>((done) => server.close(() => done())))).then(() => {}),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const demo = await startDemo();
  process.stdout.write(
    `Demo host app on ${demo.urls[0]} (authorized origin)${demo.urls[1] ? ` and ${demo.urls[1]} (not authorized: shows the origin error)` : ''}.\n`,
  );
  const stop = () => void demo.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
