import type { FastifyInstance } from 'fastify';
import { requireAdmin } from '../http/admin-guard.ts';
import type { Services } from '../services.ts';
import {
  CREATE_DASHBOARD_DOCS,
  DELETE_DASHBOARD_DOCS,
  GET_DASHBOARD_DOCS,
  LIST_DASHBOARDS_DOCS,
  REPLACE_DASHBOARD_DOCS,
} from './dataset-route-docs.ts';

type DashboardParams = { Params: { id: string } };
const DEFINITION_BODY_LIMIT = 256 * 1024;

/** Dashboards of the admin's organization: list, read, create, replace, delete. */
export async function adminDashboardRoutes(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  const guard = requireAdmin(services);

  app.get('/api/dashboards', { preHandler: guard, config: { openapi: LIST_DASHBOARDS_DOCS } }, async (request) => ({
    dashboards: await services.dashboards.list(request.admin!.orgId),
  }));

  app.get<DashboardParams>('/api/dashboards/:id', { preHandler: guard, config: { openapi: GET_DASHBOARD_DOCS } }, async (request) =>
    services.dashboards.get(request.admin!.orgId, request.params.id),
  );

  app.post('/api/dashboards', { preHandler: guard, bodyLimit: DEFINITION_BODY_LIMIT, config: { openapi: CREATE_DASHBOARD_DOCS } }, async (request, reply) =>
    reply.status(201).send(await services.dashboards.create(request.admin!.orgId, request.body)),
  );

  app.put<DashboardParams>('/api/dashboards/:id', { preHandler: guard, bodyLimit: DEFINITION_BODY_LIMIT, config: { openapi: REPLACE_DASHBOARD_DOCS } }, async (request) =>
    services.dashboards.replace(request.admin!.orgId, request.params.id, request.body),
  );

  app.delete<DashboardParams>('/api/dashboards/:id', { preHandler: guard, config: { openapi: DELETE_DASHBOARD_DOCS } }, async (request) => {
    await services.dashboards.remove(request.admin!.orgId, request.params.id);
    return { removed: request.params.id };
  });
}
