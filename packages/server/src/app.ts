import cookie from '@fastify/cookie';
import Fastify, { type FastifyInstance } from 'fastify';
import type { DestinationStream } from 'pino';
import type { Config } from './config.ts';
import { handleClientError } from './http/client-error.ts';
import { registerEmbedCors } from './http/embed-cors.ts';
import { registerErrorHandling } from './http/error-handler.ts';
import { handleFrameworkError } from './http/framework-errors.ts';
import { registerHostHeaderGuard } from './http/host-header-guard.ts';
import { collectRoutes } from './openapi/collect.ts';
import { registerLoadShedding } from './http/load-shedding.ts';
import { registerNulGuard } from './http/nul-guard.ts';
import { registerRateLimit } from './http/rate-limit.ts';
import { registerRequestMetrics } from './http/request-metrics.ts';
import { registerShutdownRefusal } from './http/shutdown-refusal.ts';
import { REDACTED_PATHS, serializeRequestForLog } from './http/log-redaction.ts';
import { adminApiKeyRoutes } from './routes/admin-api-keys.ts';
import { adminAttributeRoutes } from './routes/admin-attributes.ts';
import { adminAuditRoutes } from './routes/admin-audit.ts';
import { adminConnectionRoutes } from './routes/admin-connections.ts';
import { adminDashboardPreviewRoutes } from './routes/admin-dashboard-preview.ts';
import { adminDashboardRoutes } from './routes/admin-dashboards.ts';
import { adminAuthRoutes } from './routes/admin-auth.ts';
import { adminOriginRoutes } from './routes/admin-origins.ts';
import { adminTableRoutes } from './routes/admin-tables.ts';
import { adminTokenRoutes } from './routes/admin-tokens.ts';
import { consoleRoutes } from './routes/console.ts';
import { docsRoutes } from './routes/docs.ts';
import { embedAssistantRoutes } from './routes/embed-assistant.ts';
import { embedDashboardRoutes } from './routes/embed-dashboards.ts';
import { embedScriptRoutes } from './routes/embed-script.ts';
import { embedSessionRoutes } from './routes/embed-session.ts';
import { generateTokenRoutes } from './routes/generate-token.ts';
import { healthRoutes } from './routes/health.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { createServices, type Services } from './services.ts';
import type { Store } from './store/store.ts';

export interface BuildAppOptions {
  config: Config;
  store: Store;
  /** Share services with a caller (the CLI, tests); created over `store` when omitted. */
  services?: Services;
  /** Where logs go (tests capture them); stdout when omitted. */
  logStream?: DestinationStream;
  /** Close the store when the app closes (the server process owns it; tests may not). */
  ownsStore?: boolean;
  /** The admin console's build output (tests point it elsewhere); packages/console/dist when omitted. */
  consoleDistDir?: string;
  /** The elements' build output, served at /embed/embed.js (tests point it elsewhere); packages/elements/dist when omitted. */
  elementsDistDir?: string;
}

/** Paths of the browser-facing embed API that answer CORS for authorized origins. */
export const EMBED_BROWSER_PATHS = ['/embed/session', '/embed/dashboards/:id', '/embed/charts/:id', '/embed/assistant/messages', '/embed/assistant/suggestions'] as const;

function trustNearestHops(hops: number): (address: string, hop: number) => boolean {
  return (_address, hop) => hop < hops;
}

/**
 * The tc-embed HTTP server, not listening: main.ts listens, tests call inject() or listen on port 0.
 *
 * @example
 * const app = await buildApp({ config: loadConfig(), store: await openPgliteStore({ dataDir }) });
 * await app.listen({ port: 8080 });
 */
export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const { config, store } = options;
  const app = Fastify({
    logger: {
      level: config.logLevel,
      redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' },
      serializers: { req: serializeRequestForLog },
      ...(options.logStream ? { stream: options.logStream } : {}),
    },
    requestIdHeader: 'x-request-id',
    // Off unless TC_TRUST_PROXY says which proxies to believe: otherwise X-Forwarded-For would let any client
    // choose its own request.ip (the sign-in back-off and per-address rate limits are keyed on it).
    // A hop count trusts that many proxies nearest this server (what Fastify does with a number; its types omit it).
    trustProxy: typeof config.trustProxy === 'number' ? trustNearestHops(config.trustProxy) : (config.trustProxy ?? false),
    bodyLimit: 64 * 1024,
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false } },
    // Requests arriving while closing are refused by http/shutdown-refusal.ts, in the contract's error shape.
    return503OnClosing: false,
    clientErrorHandler: handleClientError,
    frameworkErrors: handleFrameworkError,
    // Node would answer an HTTP/1.1 request without Host with a bare 400 before Fastify sees it;
    // http/host-header-guard.ts refuses it instead, in the contract's error shape.
    http: { requireHostHeader: false },
  });
  const services = options.services ?? createServices(config, store, app.log);
  // Before any route: the OpenAPI document (/docs) is generated from every route registered after this.
  collectRoutes(app);

  // Only JSON bodies: anything else is a 415 before a handler runs.
  app.removeContentTypeParser('text/plain');
  registerErrorHandling(app);
  registerRequestMetrics(app, services.metrics);
  // First of the request hooks: a closing or overloaded instance refuses at once, before any work.
  registerShutdownRefusal(app);
  await registerLoadShedding(app, config.loadShedding, services.metrics);
  registerHostHeaderGuard(app);
  registerNulGuard(app);
  // A bodiless DELETE or GET that still says Content-Type: application/json (as many fetch wrappers do) has
  // nothing to parse; without this Fastify would refuse it as an empty JSON body.
  app.addHook('onRequest', async (request) => {
    if ((request.method === 'DELETE' || request.method === 'GET') && !Number(request.headers['content-length'] ?? 0) && !request.headers['transfer-encoding']) {
      delete request.headers['content-type'];
    }
  });
  app.addHook('onSend', async (_request, reply) => {
    void reply.header('x-content-type-options', 'nosniff');
  });

  await app.register(cookie);
  const windowCounters = await registerRateLimit(app, services);
  services.assistant.countQuestionsWith(windowCounters);
  services.adminAuth.countAttemptsWith(windowCounters);

  registerEmbedCors(app, services, EMBED_BROWSER_PATHS);
  await app.register(healthRoutes, { services });
  await app.register(metricsRoutes, { services });
  await app.register(generateTokenRoutes, { services });
  await app.register(embedSessionRoutes, { services });
  await app.register(embedDashboardRoutes, { services });
  await app.register(embedAssistantRoutes, { services });
  await app.register(embedScriptRoutes, options.elementsDistDir ? { distDir: options.elementsDistDir } : {});
  await app.register(adminAuthRoutes, { services });
  await app.register(adminApiKeyRoutes, { services });
  await app.register(adminOriginRoutes, { services });
  await app.register(adminAttributeRoutes, { services });
  await app.register(adminTokenRoutes, { services });
  await app.register(adminAuditRoutes, { services });
  await app.register(adminConnectionRoutes, { services });
  await app.register(adminTableRoutes, { services });
  await app.register(adminDashboardRoutes, { services });
  await app.register(adminDashboardPreviewRoutes, { services });
  await app.register(consoleRoutes, options.consoleDistDir ? { distDir: options.consoleDistDir } : {});
  await app.register(docsRoutes, { services });

  app.decorate('services', services);
  app.addHook('onClose', async () => {
    await services.close();
    if (options.ownsStore) await store.close();
  });
  return app;
}

declare module 'fastify' {
  interface FastifyInstance {
    services: Services;
  }
}
