import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { buildOpenApiDocument, type CollectedRoute, type OpenApiDocument } from './document.ts';

/** Where the checked-in docs/openapi.json says the server is (the contract's default). */
export const DEFAULT_DOCUMENT_SERVER_URL = 'http://localhost:8080';

const SERVER_VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route registered on this app, as the onRoute hook saw it (the OpenAPI document's source). */
    openApiRoutes: readonly CollectedRoute[];
  }
}

/**
 * Records every route registered from now on (call it before registering any): the OpenAPI document is generated
 * from what the app really serves, so a route cannot be added without showing up in it.
 */
export function collectRoutes(app: FastifyInstance): void {
  const routes: CollectedRoute[] = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      routes.push({
        method: String(method).toUpperCase(),
        url: route.url,
        ...(route.schema ? { schema: route.schema as CollectedRoute['schema'] } : {}),
        ...(route.config?.openapi ? { docs: route.config.openapi } : {}),
      });
    }
  });
  app.decorate('openApiRoutes', routes);
}

/** The app's OpenAPI 3.1 document; `serverUrl` is the base URL shown to readers. */
export function openApiDocumentOf(app: FastifyInstance, serverUrl: string = DEFAULT_DOCUMENT_SERVER_URL): OpenApiDocument {
  return buildOpenApiDocument(app.openApiRoutes, { version: SERVER_VERSION, serverUrl });
}
