import type { FastifyInstance } from 'fastify';
import { TcError } from '../errors.ts';
import { requireAdmin } from '../http/admin-guard.ts';
import type { RouteDocs } from '../openapi/route-docs.ts';
import type { Services } from '../services.ts';

function parseTime(field: string, value: string | undefined): Date | undefined {
  if (value === undefined || value === '') return undefined;
  const time = new Date(value);
  if (Number.isNaN(time.getTime())) {
    throw new TcError('invalid_request', `${field} must be an ISO 8601 time such as 2026-01-31T12:00:00Z.`, [{ field, message: 'invalid time' }]);
  }
  return time;
}

const AUDIT_DOCS: RouteDocs = {
  tag: 'Admin API',
  summary: 'Audit log',
  description: 'Token mints and embed sessions, newest first. Identical events within a short window are one record with a count.',
  security: ['adminSession'],
  query: {
    distinctId: { description: 'Only events of this embed user.', schema: { type: 'string' }, example: 'user-123' },
    since: { description: 'Only events at or after this time (ISO 8601).', schema: { type: 'string', format: 'date-time' } },
    until: { description: 'Only events before this time (ISO 8601).', schema: { type: 'string', format: 'date-time' } },
    limit: { description: 'At most this many events (1 to 1000).', schema: { type: 'string', pattern: '^[0-9]+$' }, example: '100' },
  },
  responses: {
    200: {
      description: 'Matching events.',
      schema: {
        type: 'object',
        required: ['events'],
        properties: {
          events: {
            type: 'array',
            items: {
              type: 'object',
              required: ['id', 'at', 'event', 'outcome', 'occurrences'],
              properties: {
                id: { type: 'integer' },
                at: { type: 'string', format: 'date-time' },
                event: { type: 'string', enum: ['token.minted', 'token.preview_minted', 'token.refused', 'session.verified', 'session.refused'] },
                outcome: { type: 'string', enum: ['success', 'failure'] },
                reason: { type: ['string', 'null'] },
                distinctId: { type: ['string', 'null'] },
                apiKeyId: { type: ['string', 'null'] },
                origin: { type: ['string', 'null'] },
                orgId: { type: ['string', 'null'] },
                occurrences: { type: 'integer', description: 'How many identical events this record stands for.' },
              },
            },
          },
        },
      },
    },
  },
  errors: ['invalid_request'],
};

/** Audit log: token mints and sessions, filterable by distinctId and time. */
export async function adminAuditRoutes(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  app.get<{ Querystring: { distinctId?: string; since?: string; until?: string; limit?: string } }>(
    '/api/audit',
    { preHandler: requireAdmin(services), config: { openapi: AUDIT_DOCS } },
    async (request) => {
      const { distinctId, since, until, limit } = request.query;
      const parsedLimit = limit === undefined ? undefined : Number(limit);
      if (parsedLimit !== undefined && (!Number.isInteger(parsedLimit) || parsedLimit < 1 || parsedLimit > 1000)) {
        throw new TcError('invalid_request', 'limit must be a whole number from 1 to 1000.', [{ field: 'limit', message: 'out of range' }]);
      }
      const events = await services.audit.query({
        orgId: request.admin!.orgId,
        ...(distinctId ? { distinctId } : {}),
        ...(parseTime('since', since) ? { since: parseTime('since', since)! } : {}),
        ...(parseTime('until', until) ? { until: parseTime('until', until)! } : {}),
        ...(parsedLimit ? { limit: parsedLimit } : {}),
      });
      return { events };
    },
  );
}
