import type { FastifyInstance } from 'fastify';
import { openApiDocumentOf } from '../openapi/collect.ts';
import type { OpenApiDocument } from '../openapi/document.ts';
import { DOCS_CONTENT_SECURITY_POLICY, renderOpenApiHtml } from '../openapi/render-html.ts';
import type { Services } from '../services.ts';

/** GET /docs (a readable page, no script) and GET /docs/openapi.json: the API as the app really serves it. */
export async function docsRoutes(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  // Built on first request, once every route is registered; routes do not change while the app runs.
  let document: OpenApiDocument | undefined;
  let html: string | undefined;
  const current = () => (document ??= openApiDocumentOf(app, services.config.publicUrl));

  app.get(
    '/docs/openapi.json',
    {
      config: {
        openapi: {
          tag: 'Docs',
          summary: 'This API as an OpenAPI 3.1 document',
          description: 'Generated from the routes the server registers; the same document is checked in as docs/openapi.json.',
          responses: { 200: { description: 'The OpenAPI document.', schema: { type: 'object', required: ['openapi', 'info', 'paths'] } } },
        },
      },
    },
    async (_request, reply) => {
      void reply.header('cache-control', 'no-cache').header('access-control-allow-origin', '*');
      return current();
    },
  );

  app.get(
    '/docs',
    {
      config: {
        openapi: {
          tag: 'Docs',
          summary: 'This API as a page',
          description: 'Every endpoint with its parameters, bodies, answers and error codes. No script; works offline.',
          responses: { 200: { description: 'An HTML page.', contentType: 'text/html', schema: { type: 'string' } } },
        },
      },
    },
    async (_request, reply) => {
      html ??= renderOpenApiHtml(current());
      return reply
        .header('content-type', 'text/html; charset=utf-8')
        .header('cache-control', 'no-cache')
        .header('content-security-policy', DOCS_CONTENT_SECURITY_POLICY)
        .header('referrer-policy', 'no-referrer')
        .send(html);
    },
  );
}
