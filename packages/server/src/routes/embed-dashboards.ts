import type { FastifyInstance, FastifyRequest } from 'fastify';
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

/**
 * GET /embed/dashboards/:id and GET /embed/charts/:id (contract §4): a dashboard's tiles, or one tile, with
 * rows filtered by the token's row-level security. Ids of another organization answer exactly like unknown ids.
 */
export async function embedDashboardRoutes(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  app.get<{ Params: { id: string } }>('/embed/dashboards/:id', { config: { openapi: EMBED_DASHBOARD_DOCS } }, async (request, reply) => {
    const { claims } = await authorizeEmbedRequest(services, request, reply);
    requireViewPermission(claims);
    void reply.header('cache-control', 'no-store');
    return services.dashboardViews.dashboard(claims.org, request.params.id, claims.attributes, tileErrorLogger(request, claims));
  });

  app.get<{ Params: { id: string } }>('/embed/charts/:id', { config: { openapi: EMBED_CHART_DOCS } }, async (request, reply) => {
    const { claims } = await authorizeEmbedRequest(services, request, reply);
    requireViewPermission(claims);
    void reply.header('cache-control', 'no-store');
    return services.dashboardViews.chart(claims.org, request.params.id, claims.attributes, tileErrorLogger(request, claims));
  });
}
