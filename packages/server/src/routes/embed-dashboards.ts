import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { DashboardStream } from '../dashboards/render.ts';
import { TcError } from '../errors.ts';
import { authorizeEmbedRequest } from '../http/embed-auth.ts';
import type { Services } from '../services.ts';
import type { EmbedTokenClaims } from '../tokens/claims.ts';
import { EMBED_CHART_DOCS, EMBED_DASHBOARD_DOCS } from './dataset-route-docs.ts';

const VIEW_PERMISSION = 'dashboards:view';

function requireViewPermission(claims: EmbedTokenClaims): void {
  if (!Array.isArray(claims.permissions) || !claims.permissions.includes(VIEW_PERMISSION)) {
    throw new TcError('forbidden', `This token lacks the "${VIEW_PERMISSION}" permission needed to view dashboards.`);
  }
}

const tileErrorLogger = (request: FastifyRequest, claims: EmbedTokenClaims) => (tileId: string, error: unknown) =>
  request.log.error({ err: error, org: claims.org, tileId }, 'a dashboard tile could not be loaded');

const NDJSON = 'application/x-ndjson';

/** The elements ask for tiles as they are ready; every other caller gets the one JSON document. */
const wantsStream = (request: FastifyRequest) => (request.headers.accept ?? '').toLowerCase().includes(NDJSON);

/**
 * One JSON document per line: `{"dashboard", "tiles": [outline], "generatedAt"}`, then `{"tile"}` per tile as
 * its query completes, then `{"done": true}` — so a reader can tell a complete answer from a cut one.
 */
async function* ndjsonLines(stream: DashboardStream, onError: (error: unknown) => void): AsyncGenerator<string> {
  yield `${JSON.stringify(stream.head)}\n`;
  try {
    for await (const tile of stream.tiles) yield `${JSON.stringify({ tile })}\n`;
  } catch (error) {
    onError(error);
    yield `${JSON.stringify({ error: { code: 'internal_error', message: 'The dashboard could not be loaded completely; try again.' } })}\n`;
    return;
  }
  yield `${JSON.stringify({ done: true })}\n`;
}

/**
 * GET /embed/dashboards/:id and GET /embed/charts/:id (contract §4): a dashboard's tiles, or one tile, with
 * rows filtered by the token's row-level security. Ids of another organization answer exactly like unknown ids.
 */
export async function embedDashboardRoutes(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  app.get<{ Params: { id: string } }>('/embed/dashboards/:id', { config: { openapi: EMBED_DASHBOARD_DOCS } }, async (request, reply) => {
    const { claims } = await authorizeEmbedRequest(services, request, reply);
    requireViewPermission(claims);
    void reply.header('cache-control', 'no-store').header('vary', 'Origin, Accept');
    const report = tileErrorLogger(request, claims);
    if (!wantsStream(request)) return services.dashboardViews.dashboard(claims.org, request.params.id, claims.attributes, report);
    const stream = await services.dashboardViews.dashboardStream(claims.org, request.params.id, claims.attributes, report);
    const lines = ndjsonLines(stream, (error) => request.log.error({ err: error }, 'a dashboard stream failed'));
    return reply.type(`${NDJSON}; charset=utf-8`).send(Readable.from(lines));
  });

  app.get<{ Params: { id: string } }>('/embed/charts/:id', { config: { openapi: EMBED_CHART_DOCS } }, async (request, reply) => {
    const { claims } = await authorizeEmbedRequest(services, request, reply);
    requireViewPermission(claims);
    void reply.header('cache-control', 'no-store');
    return services.dashboardViews.chart(claims.org, request.params.id, claims.attributes, tileErrorLogger(request, claims));
  });
}
