import type { FastifyInstance } from 'fastify';
import { requireAdmin } from '../http/admin-guard.ts';
import type { RouteDocs } from '../openapi/route-docs.ts';
import type { Services } from '../services.ts';
import { mintConsolePreviewToken } from '../tokens/console-preview.ts';
import { GENERATED_TOKEN_SCHEMA } from './generate-token.ts';

const PREVIEW_DOCS: RouteDocs = {
  tag: 'Admin API',
  summary: 'Mint a dashboard preview token for the console',
  description:
    'A 15-minute, `dashboards:view`-only token of the admin\'s organization, signed with its console preview key (never ' +
    'an integration key), so the console can show the dashboard as a chosen user. Recorded in the audit log as ' +
    '`token.preview_minted`, naming the admin.',
  security: ['adminSession'],
  params: { id: { description: 'The dashboard id.', schema: { type: 'string' }, example: 'sales' } },
  body: {
    required: false,
    schema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        distinctId: { type: 'string', maxLength: 256, description: 'The user to preview as; "console-preview" when empty.' },
        attributes: { type: 'object', description: 'Registered token attributes of that user, for row-level security.' },
      },
    },
    example: { distinctId: 'user-123', attributes: { region: 'Europe' } },
  },
  responses: { 200: { description: 'A token valid 15 minutes.', schema: GENERATED_TOKEN_SCHEMA } },
  errors: ['not_found'],
};

/**
 * Dashboards › preview: a 15-minute, view-only token for the admin's organization, so the console can render a
 * dashboard with the real `<tc-dashboard>` as a chosen user without the admin pasting an API key.
 */
export async function adminDashboardPreviewRoutes(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  app.post<{ Params: { id: string } }>(
    '/api/dashboards/:id/preview-token',
    { preHandler: requireAdmin(services), bodyLimit: 16 * 1024, config: { openapi: PREVIEW_DOCS } },
    async (request, reply) => {
      const admin = request.admin!;
      await services.dashboards.get(admin.orgId, request.params.id); // 404 for unknown ids and other organizations'
      const minted = await mintConsolePreviewToken(
        { apiKeys: services.apiKeys, attributes: services.attributes, audit: services.audit, issuer: services.config.publicUrl },
        { orgId: admin.orgId, adminEmail: admin.email, body: request.body },
      );
      void reply.header('cache-control', 'no-store');
      return minted;
    },
  );
}
