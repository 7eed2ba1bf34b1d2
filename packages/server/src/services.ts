import type { Logger } from 'pino';
import { AdminAuth } from './admin/admin-auth.ts';
import { ApiKeyService } from './apikeys/service.ts';
import { AttributeService } from './attributes/service.ts';
import { AuditLog } from './audit/audit-log.ts';
import type { Config } from './config.ts';
import { ConnectionService } from './connections/service.ts';
import { DashboardRenderer } from './dashboards/render.ts';
import { AssistantService } from './assistant/service.ts';
import { DashboardService } from './dashboards/service.ts';
import { DatasetService } from './datasets/service.ts';
import { ChangeBus } from './events/change-bus.ts';
import { Metrics } from './metrics/metrics.ts';
import { OriginService } from './origins/service.ts';
import { Organizations } from './orgs/organizations.ts';
import { DatasetQueryExecutor } from './query/executor.ts';
import { AccessRuleService } from './rls/service.ts';
import { SecretKeyring } from './secrets/keyring.ts';
import { SessionCache } from './sessions/session-cache.ts';
import type { Store } from './store/store.ts';
import { EmbedTokens } from './tokens/embed-tokens.ts';

/** Every service over one store: what the HTTP routes and the CLI both call. */
export interface Services {
  config: Config;
  store: Store;
  bus: ChangeBus;
  organizations: Organizations;
  apiKeys: ApiKeyService;
  origins: OriginService;
  attributes: AttributeService;
  audit: AuditLog;
  sessions: SessionCache;
  tokens: EmbedTokens;
  adminAuth: AdminAuth;
  /** Prometheus metrics, served at GET /metrics. */
  metrics: Metrics;
  /** Data connections (secrets encrypted at rest) and the ConnectionQueryRunner every token query uses. */
  connections: ConnectionService;
  /** Dataset tables and columns (labels, descriptions, synonyms) each organization exposes. */
  datasets: DatasetService;
  /** Row-level access rules per table. */
  accessRules: AccessRuleService;
  /** Runs dataset queries with row-level security: the only way token-caused queries reach a connection. */
  queries: DatasetQueryExecutor;
  dashboards: DashboardService;
  /** Dashboards and single charts with their rows, as embed tokens see them. */
  dashboardViews: DashboardRenderer;
  /** The AI assistant: questions → dataset queries (embedded parser or model provider) → answers, with conversations. */
  assistant: AssistantService;
  close(): Promise<void>;
}

export function createServices(config: Config, store: Store, logger?: Pick<Logger, 'error'>): Services {
  const bus = new ChangeBus();
  const apiKeys = new ApiKeyService(store, config.masterKey, bus);
  const attributes = new AttributeService(store, bus);
  const sessions = new SessionCache(bus);
  const audit = new AuditLog(
    store,
    (error) => logger?.error({ err: error }, 'audit events could not be written'),
    (event) => metrics.recordAuditEvent(event),
  );
  const metrics = new Metrics({ sessionCache: sessions, audit }, { processMetrics: config.nodeEnv !== 'test' });
  const connections = new ConnectionService(
    store,
    new SecretKeyring(config.secretKeys),
    (error) => logger?.error({ err: error }, 'a connection secret could not be re-encrypted under the newest key'),
    config.connectionHosts,
  );
  const datasets = new DatasetService(store);
  const accessRules = new AccessRuleService(store, datasets, attributes);
  const queries = new DatasetQueryExecutor(datasets, accessRules, connections);
  const dashboards = new DashboardService(store, datasets);
  return {
    config,
    store,
    bus,
    organizations: new Organizations(store),
    apiKeys,
    origins: new OriginService(store, bus),
    attributes,
    audit,
    sessions,
    tokens: new EmbedTokens(apiKeys, attributes, sessions, audit, config.publicUrl),
    adminAuth: new AdminAuth(store, bus),
    metrics,
    connections,
    datasets,
    accessRules,
    queries,
    dashboards,
    dashboardViews: new DashboardRenderer(dashboards, queries),
    assistant: new AssistantService({ store, config, datasets, queries }),
    async close() {
      await audit.flush();
      await connections.close();
    },
  };
}
