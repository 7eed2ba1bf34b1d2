import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { TcError } from '../errors.ts';
import type { RouteDocs } from '../openapi/route-docs.ts';

/** Where `npm run build -w @tc-embed/console` writes the console (Vite, base `/console/`). */
export const DEFAULT_CONSOLE_DIST_DIR = fileURLToPath(new URL('../../../console/dist/', import.meta.url));

/**
 * The shell may load without a session (it shows the sign-in form); every data call it makes goes to /api, which
 * requires one. Scripts, style sheets and requests from this origin only; never framed; no referrer leaves the
 * console. Style attributes are allowed: the dashboard preview's `<tc-dashboard>` positions tiles with them (Lit's
 * styleMap writes an attribute on first render), and a style attribute cannot run script.
 */
export const CONSOLE_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "style-src-attr 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

// One path segment of the names Vite writes: no slash, no "..", so nothing outside dist can be named.
const FILE_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,200}$/;

const notBuilt = () =>
  new TcError(
    'service_unavailable',
    'The admin console is not built: run `npm run build` (npm start builds it too), then reload this page.',
  );

const SHELL_DOCS: RouteDocs = {
  tag: 'Console',
  summary: 'The admin console',
  description: 'The console\'s page; it signs in through POST /api/auth/login. 503 until the console is built (`npm run build`).',
  responses: { 200: { description: 'The console\'s HTML page.', contentType: 'text/html', schema: { type: 'string' } } },
};

const FILES_DOCS: RouteDocs = {
  tag: 'Console',
  summary: 'The console\'s files, or its page for any client-side route',
  description: 'Files under `assets/` are named by content hash and cached for a year; any other path answers the console page.',
  params: { path: { description: 'A file of the console build (e.g. assets/index-1a2b3c.js) or a console route (e.g. settings/embed).', schema: { type: 'string' } } },
  responses: { 200: { description: 'The file, or the console\'s HTML page.', schema: { type: 'string' }, contentType: 'text/html' } },
  errors: ['not_found'],
};

export interface ConsoleRouteOptions {
  /** The console's build output; the package's dist folder when omitted. */
  distDir?: string;
}

/** Serves the console's built files at /console: index.html for every page path (client-side routing). */
export async function consoleRoutes(app: FastifyInstance, options: ConsoleRouteOptions): Promise<void> {
  const distDir = options.distDir ?? DEFAULT_CONSOLE_DIST_DIR;

  const sendShell = async (_request: FastifyRequest, reply: FastifyReply) => {
    // Read per request: a rebuild (new hashed asset names) is picked up without a restart; the file is small.
    const html = await readOptional(join(distDir, 'index.html'));
    if (html === undefined) throw notBuilt();
    return reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .header('content-security-policy', CONSOLE_CONTENT_SECURITY_POLICY)
      .header('x-frame-options', 'DENY')
      .header('referrer-policy', 'no-referrer')
      .header('cross-origin-opener-policy', 'same-origin')
      .header('cross-origin-resource-policy', 'same-origin')
      .send(html);
  };

  const sendFile = async (reply: FastifyReply, path: string, name: string, immutable: boolean) => {
    const contentType = CONTENT_TYPES[extname(name).toLowerCase()];
    const body = contentType ? await readOptional(path, null) : undefined;
    if (body === undefined) throw new TcError('not_found', `The console has no file ${name}; reload the page to get the current version.`);
    return reply
      .header('content-type', contentType!)
      .header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'public, max-age=300')
      .header('cross-origin-resource-policy', 'same-origin')
      .send(body);
  };

  app.get('/console', { config: { openapi: SHELL_DOCS } }, sendShell);
  app.get<{ Params: { '*': string } }>('/console/*', { config: { openapi: FILES_DOCS } }, async (request, reply) => {
    const rest = request.params['*'];
    const asset = /^assets\/([^/]+)$/.exec(rest);
    if (asset) {
      if (!FILE_NAME.test(asset[1]!)) throw new TcError('not_found', 'No such console file.');
      // Vite names assets by content hash: a name never changes meaning, so browsers may keep it for a year.
      return sendFile(reply, join(distDir, 'assets', asset[1]!), asset[1]!, true);
    }
    if (FILE_NAME.test(rest) && rest !== 'index.html' && extname(rest) !== '') {
      return sendFile(reply, join(distDir, rest), rest, false);
    }
    return sendShell(request, reply);
  });
}

async function readOptional(path: string, encoding: 'utf8' | null = 'utf8'): Promise<string | Buffer | undefined> {
  try {
    return encoding ? await readFile(path, encoding) : await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR') return undefined;
    throw error;
  }
}
