import type { FastifyInstance } from 'fastify';
import { requireAdmin } from '../http/admin-guard.ts';
import { TableRegistration } from '../datasets/registration.ts';
import type { Services } from '../services.ts';
import { parseTokenAttributes } from '../tokens/token-request.ts';
import { expectObject } from '../validation/input.ts';
import {
  GET_RULES_DOCS,
  GET_TABLE_DOCS,
  LIST_TABLES_DOCS,
  PATCH_COLUMN_DOCS,
  PATCH_TABLE_DOCS,
  PREVIEW_RULES_DOCS,
  PUT_RULES_DOCS,
} from './dataset-route-docs.ts';
import { DELETE_TABLE_DOCS, LIST_CONNECTION_TABLES_DOCS, REGISTER_TABLE_DOCS } from './table-registration-docs.ts';

type TableParams = { Params: { id: string } };

/**
 * Databases › tables: registering a connection's tables, the metadata of each table (labels, descriptions,
 * synonyms, formats), its row-level access rules, and a preview of what a user with given attributes would see.
 */
export async function adminTableRoutes(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  const guard = requireAdmin(services);

  app.get('/api/tables', { preHandler: guard, config: { openapi: LIST_TABLES_DOCS } }, async (request) => ({
    tables: await services.datasets.list(request.admin!.orgId),
  }));

  // Registering a connection's tables: list what its database holds, add one, remove one.
  const registration = new TableRegistration(services.connections, services.datasets);

  app.get<TableParams>('/api/connections/:id/tables', { preHandler: guard, config: { openapi: LIST_CONNECTION_TABLES_DOCS } }, async (request) =>
    registration.available(request.admin!.orgId, request.params.id),
  );

  app.post('/api/tables', { preHandler: guard, bodyLimit: 64 * 1024, config: { openapi: REGISTER_TABLE_DOCS } }, async (request, reply) =>
    reply.status(201).send(await registration.add(request.admin!.orgId, request.body)),
  );

  app.delete<TableParams>('/api/tables/:id', { preHandler: guard, config: { openapi: DELETE_TABLE_DOCS } }, async (request) =>
    registration.remove(request.admin!.orgId, request.params.id),
  );

  app.get<TableParams>('/api/tables/:id', { preHandler: guard, config: { openapi: GET_TABLE_DOCS } }, async (request) =>
    services.datasets.get(request.admin!.orgId, request.params.id),
  );

  app.patch<TableParams>('/api/tables/:id', { preHandler: guard, bodyLimit: 16 * 1024, config: { openapi: PATCH_TABLE_DOCS } }, async (request) =>
    services.datasets.updateTable(request.admin!.orgId, request.params.id, request.body),
  );

  app.patch<{ Params: { id: string; column: string } }>(
    '/api/tables/:id/columns/:column',
    { preHandler: guard, bodyLimit: 16 * 1024, config: { openapi: PATCH_COLUMN_DOCS } },
    async (request) => services.datasets.updateColumn(request.admin!.orgId, request.params.id, request.params.column, request.body),
  );

  app.get<TableParams>('/api/tables/:id/rules', { preHandler: guard, config: { openapi: GET_RULES_DOCS } }, async (request) =>
    services.accessRules.get(request.admin!.orgId, request.params.id),
  );

  app.put<TableParams>('/api/tables/:id/rules', { preHandler: guard, bodyLimit: 64 * 1024, config: { openapi: PUT_RULES_DOCS } }, async (request) =>
    services.accessRules.set(request.admin!.orgId, request.params.id, request.body),
  );

  // "As a user with these attributes, this table shows N rows": the saved rules, run like an embed query.
  app.post<TableParams>('/api/tables/:id/preview', { preHandler: guard, bodyLimit: 16 * 1024, config: { openapi: PREVIEW_RULES_DOCS } }, async (request) => {
    const orgId = request.admin!.orgId;
    await services.datasets.get(orgId, request.params.id);
    const body = expectObject(request.body ?? {}, 'body', ['attributes']);
    const attributes = parseTokenAttributes(body.attributes ?? {}, await services.attributes.typesFor(orgId), 'attributes');
    return { rowCount: await services.queries.scope(orgId, attributes).countRows(request.params.id) };
  });
}
