import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlib, gzip } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { TcError } from '../errors.ts';
import type { RouteDocs } from '../openapi/route-docs.ts';

/** Where `npm run build -w @tc-embed/elements` writes embed.js and its lazy chunks. */
export const DEFAULT_ELEMENTS_DIST_DIR = fileURLToPath(new URL('../../../elements/dist/', import.meta.url));

// Names Vite writes: one path segment, no "..", so nothing outside dist can be named.
const CHUNK_NAME = /^[A-Za-z0-9_-]{1,100}\.js(\.map)?$/;
/** embed.js keeps its name across releases: hosts may use it for five minutes, then revalidate with its ETag. */
const ENTRY_CACHE_CONTROL = 'public, max-age=300, must-revalidate';
/** Chunks are named by their content hash: a new release has new names. */
const CHUNK_CACHE_CONTROL = 'public, max-age=31536000, immutable';

type Encoding = 'br' | 'gzip';

interface Representation {
  body: Buffer;
  etag: string;
}

interface CachedFile extends Representation {
  mtimeMs: number;
  size: number;
  /** Compressed once per file version, off the event loop, on the first request that accepts each encoding. */
  encoded: Map<Encoding, Promise<Representation>>;
}

// Smaller files gain less than the headers cost.
const COMPRESS_MIN_BYTES = 1024;
const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);
const compressors: Record<Encoding, (body: Buffer) => Promise<Buffer>> = {
  br: (body) => brotli(body, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: body.length } }),
  gzip: (body) => gzipAsync(body, { level: 9 }),
};

/** The best encoding the client accepts (`br` over `gzip`), by its Accept-Encoding; undefined for none. */
function chooseEncoding(acceptEncoding: string | undefined): Encoding | undefined {
  const accepted = new Map<string, number>();
  for (const item of (acceptEncoding ?? '').toLowerCase().split(',')) {
    const [name, ...params] = item.trim().split(';');
    const q = params.map((param) => /^\s*q=([\d.]+)\s*$/.exec(param)?.[1]).find((value) => value !== undefined);
    if (name) accepted.set(name, q === undefined ? 1 : Number(q));
  }
  const wildcard = accepted.get('*') ?? 0;
  return (['br', 'gzip'] as const).find((encoding) => (accepted.get(encoding) ?? wildcard) > 0);
}

const SCRIPT_DOCS: RouteDocs = {
  tag: 'Embed API',
  summary: 'The elements, as one ES module',
  description:
    'Load it with `<script type="module" src="…/embed/embed.js">`; it defines `<tc-dashboard>` and `<tc-ai-assistant>` and exports `configure()`. Public: any origin (`Access-Control-Allow-Origin: *`). Sent brotli- or gzip-compressed when `Accept-Encoding` allows (each encoding its own ETag). Revalidate with `If-None-Match`; lazily loaded chunks under `/embed/chunks/` are immutable.',
  responses: {
    200: { description: 'The script.', contentType: 'text/javascript', schema: { type: 'string' } },
    304: { description: 'Not modified since the ETag given in If-None-Match.' },
  },
  errors: ['service_unavailable'],
};

const HIDDEN: RouteDocs = { tag: 'Embed API', summary: 'Build files the script loads itself', hide: true, responses: { 200: { description: 'The file.' } } };

export interface EmbedScriptRouteOptions {
  /** The elements' build output; packages/elements/dist when omitted. */
  distDir?: string;
}

/**
 * GET /embed/embed.js — the elements as one ES module for a `<script type="module">` on any host page (contract
 * §4), and GET /embed/chunks/:name — the parts it loads lazily (charts, tiles, the assistant). Public code, so
 * `Access-Control-Allow-Origin: *` (module scripts are fetched with CORS); ETags for revalidation.
 */
export async function embedScriptRoutes(app: FastifyInstance, options: EmbedScriptRouteOptions): Promise<void> {
  const distDir = options.distDir ?? DEFAULT_ELEMENTS_DIST_DIR;
  const cache = new Map<string, CachedFile>();

  /** Reads through a cache that a rebuild (new mtime or size) invalidates, so no restart is needed. */
  async function load(path: string): Promise<CachedFile | undefined> {
    let info;
    try {
      info = await stat(path);
    } catch {
      return undefined;
    }
    const cached = cache.get(path);
    if (cached && cached.mtimeMs === info.mtimeMs && cached.size === info.size) return cached;
    const body = await readFile(path);
    const file = { mtimeMs: info.mtimeMs, size: info.size, body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`, encoded: new Map() };
    cache.set(path, file);
    return file;
  }

  /** The file as the client accepts it: compressed (each encoding its own ETag) or as it is. */
  async function representation(request: FastifyRequest, file: CachedFile): Promise<Representation & { encoding?: Encoding }> {
    const encoding = file.body.length >= COMPRESS_MIN_BYTES ? chooseEncoding(request.headers['accept-encoding']) : undefined;
    if (!encoding) return file;
    let encoded = file.encoded.get(encoding);
    if (!encoded) {
      encoded = compressors[encoding](file.body).then((body) => ({ body, etag: `${file.etag.slice(0, -1)}-${encoding}"` }));
      encoded.catch(() => file.encoded.delete(encoding));
      file.encoded.set(encoding, encoded);
    }
    return { ...(await encoded), encoding };
  }

  async function send(request: FastifyRequest, reply: FastifyReply, file: CachedFile, name: string, cacheControl: string) {
    const chosen = await representation(request, file);
    void reply
      .header('content-type', name.endsWith('.map') ? 'application/json; charset=utf-8' : 'text/javascript; charset=utf-8')
      .header('access-control-allow-origin', '*')
      .header('cross-origin-resource-policy', 'cross-origin')
      .header('cache-control', cacheControl)
      .header('vary', 'Accept-Encoding')
      .header('etag', chosen.etag);
    const ifNoneMatch = request.headers['if-none-match'];
    if (typeof ifNoneMatch === 'string' && ifNoneMatch.split(/\s*,\s*/).some((tag) => tag === chosen.etag || tag === `W/${chosen.etag}` || tag === '*')) {
      return reply.status(304).send();
    }
    if (chosen.encoding) void reply.header('content-encoding', chosen.encoding);
    return reply.send(chosen.body);
  }

  for (const name of ['embed.js', 'embed.js.map']) {
    app.get(`/embed/${name}`, { config: { openapi: name === 'embed.js' ? SCRIPT_DOCS : HIDDEN } }, async (request, reply) => {
      const file = await load(join(distDir, name));
      if (!file) {
        throw new TcError(
          'service_unavailable',
          'The embed script is not built: run `npm run build` in the tc-embed checkout (npm start builds it too), then reload.',
        );
      }
      return send(request, reply, file, name, ENTRY_CACHE_CONTROL);
    });
  }

  app.get<{ Params: { name: string } }>('/embed/chunks/:name', { config: { openapi: HIDDEN } }, async (request, reply) => {
    const { name } = request.params;
    const file = CHUNK_NAME.test(name) ? await load(join(distDir, 'chunks', name)) : undefined;
    if (!file) {
      throw new TcError('not_found', `There is no embed chunk ${JSON.stringify(name.slice(0, 120))}; reload the page to get the current embed.js.`);
    }
    return send(request, reply, file, name, CHUNK_CACHE_CONTROL);
  });
}
