import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import type { DestinationStream } from 'pino';
import { buildApp } from '../../src/app.ts';
import type { Config } from '../../src/config.ts';
import { seedSampleForOrg } from '../../src/sample/seed-sample.ts';
import { createServices, type Services } from '../../src/services.ts';
import type { Store } from '../../src/store/store.ts';
import { openTestStore } from './test-store.ts';

export const TEST_ORIGIN = 'https://app.example.com';
export const TEST_ISSUER = 'http://tc-embed.test';

export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    nodeEnv: 'test',
    port: 0,
    host: '127.0.0.1',
    publicUrl: TEST_ISSUER,
    dataDir: mkdtempSync(join(tmpdir(), 'tc-embed-test-')),
    databaseUrl: undefined,
    masterKey: randomBytes(32),
    secretKeys: [{ version: 'v1', key: randomBytes(32) }],
    adminEmail: 'admin@example.com',
    adminPassword: 'correct horse battery staple',
    logLevel: 'silent',
    rateLimitPerMinute: 10_000,
    redisUrl: undefined,
    connectionHosts: undefined,
    metricsToken: undefined,
    // Off in tests: a busy CI machine must not shed the suite's own requests.
    loadShedding: { maxEventLoopDelayMs: 0, maxEventLoopUtilization: 0, maxHeapUsedBytes: 0, maxRssBytes: 0 },
    assistant: { retentionDays: 30, questionsPerMinute: 10_000, llm: undefined },
    ...overrides,
  };
}

export interface TestOrg {
  orgId: string;
  apiKey: string;
  apiKeyId: string;
}

export interface TestContext extends TestOrg {
  app: FastifyInstance;
  services: Services;
  store: Store;
  config: Config;
  /** Creates another organization with its own API key, origin and attributes. */
  addOrg(name: string, origins?: string[]): Promise<TestOrg>;
  /** Mints through the public route; throws on a non-200 answer. */
  mint(user?: Record<string, unknown>, extra?: Record<string, unknown>, apiKey?: string): Promise<string>;
  inject(options: InjectOptions): Promise<LightMyRequestResponse>;
  /** Signs the admin in; returns the cookie and CSRF headers for /api calls. */
  adminHeaders(): Promise<Record<string, string>>;
  close(): Promise<void>;
}

export interface TestContextOptions {
  config?: Partial<Config>;
  logStream?: DestinationStream;
  /** Load the sample dataset and give "acme" its `sales` table, region rule and "Sales overview" dashboard. */
  sample?: boolean;
  /** Serve /embed/embed.js from this folder instead of packages/elements/dist. */
  elementsDistDir?: string;
  /** Serve /console from this folder instead of packages/console/dist. */
  consoleDistDir?: string;
}

/** A real app over a fresh store, with one organization ("acme"), an API key, an origin and attributes. */
export async function createTestContext(options: TestContextOptions = {}): Promise<TestContext> {
  const config = testConfig(options.config);
  const store = await openTestStore({ sample: options.sample === true });
  const services = createServices(config, store);
  const app = await buildApp({
    config,
    store,
    services,
    ownsStore: true,
    ...(options.logStream ? { logStream: options.logStream } : {}),
    ...(options.elementsDistDir ? { elementsDistDir: options.elementsDistDir } : {}),
    ...(options.consoleDistDir ? { consoleDistDir: options.consoleDistDir } : {}),
  });

  const addOrg = async (name: string, origins: string[] = [TEST_ORIGIN]): Promise<TestOrg> => {
    const org = await services.organizations.create(name, name.toLowerCase().replace(/[^a-z0-9]+/g, '-'));
    const key = await services.apiKeys.create(org.id, `${name} backend`);
    for (const origin of origins) await services.origins.add(org.id, origin);
    await services.attributes.add(org.id, { name: 'region', type: 'string' });
    await services.attributes.add(org.id, { name: 'level', type: 'number' });
    await services.attributes.add(org.id, { name: 'beta', type: 'boolean' });
    await services.attributes.add(org.id, { name: 'since', type: 'date' });
    await services.attributes.add(org.id, { name: 'countries', type: 'string[]' });
    return { orgId: org.id, apiKey: key.key, apiKeyId: key.id };
  };
  const main = await addOrg('Acme');
  await services.adminAuth.createUser(main.orgId, config.adminEmail, config.adminPassword!);
  if (options.sample) await seedSampleForOrg(services, main.orgId);

  const inject = (request: InjectOptions) => app.inject(request);
  return {
    ...main,
    app,
    services,
    store,
    config,
    addOrg,
    inject,
    async mint(user = { distinctId: 'user-123', role: 'explorer', attributes: {} }, extra = {}, apiKey = main.apiKey) {
      const response = await inject({
        method: 'POST',
        url: '/embed/generate-token',
        headers: { 'x-api-key': apiKey, 'content-type': 'application/json' },
        payload: { user, ...extra },
      });
      if (response.statusCode !== 200) throw new Error(`mint failed: ${response.statusCode} ${response.body}`);
      return response.json().token as string;
    },
    async adminHeaders() {
      const response = await inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: config.adminEmail, password: config.adminPassword },
      });
      if (response.statusCode !== 200) throw new Error(`login failed: ${response.body}`);
      const cookie = response.cookies.find((c) => c.name === 'tc_admin')!;
      return { cookie: `tc_admin=${cookie.value}`, 'x-csrf-token': response.json().csrfToken };
    },
    async close() {
      await app.close();
    },
  };
}
