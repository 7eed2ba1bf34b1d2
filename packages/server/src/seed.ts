import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { generatePassword } from './admin/password.ts';
import { seedSampleForOrg } from './sample/seed-sample.ts';
import type { Services } from './services.ts';

export interface SeedResult {
  orgId: string;
  adminEmail: string;
  adminPassword: string;
  adminPasswordGenerated: boolean;
  apiKey: string;
}

export const DEMO_ORG_ID = 'demo';
export const DEMO_HOST_ORIGIN = 'http://localhost:3000';

/**
 * First start only: a demo organization with an admin account, a demo API key, the demo host and the server's
 * own console as authorized origins, the token attributes the sample data's access rules use, and the sample
 * dataset with its metadata, a region rule and the "Sales overview" dashboard (sample/seed-sample.ts).
 * Returns undefined when the store was already seeded.
 */
export async function seedFirstStart(services: Services): Promise<SeedResult | undefined> {
  const { store, config } = services;
  const claimed = await store.query(
    `insert into instance_settings (key, value) values ('seeded_at', now()::text) on conflict do nothing returning key`,
  );
  if (claimed.length === 0) return undefined;

  const org = await services.organizations.create('Demo Organization', DEMO_ORG_ID);
  const adminPassword = config.adminPassword ?? generatePassword();
  await services.adminAuth.createUser(org.id, config.adminEmail, adminPassword);
  const apiKey = await services.apiKeys.create(org.id, 'Demo API key');
  await services.origins.add(org.id, DEMO_HOST_ORIGIN);
  await services.origins.add(org.id, new URL(config.publicUrl).origin);
  await services.attributes.add(org.id, { name: 'region', type: 'string', description: 'Sales region the user may see.' });
  await services.attributes.add(org.id, { name: 'country', type: 'string', description: 'Country the user may see.' });
  await seedSampleForOrg(services, org.id);

  if (config.nodeEnv !== 'production') {
    // The demo host app (a stand-in for an integrator's backend) reads its API key from here.
    mkdirSync(config.dataDir, { recursive: true });
    writeFileSync(join(config.dataDir, 'demo-api-key'), `${apiKey.key}\n`, { mode: 0o600 });
  }
  return {
    orgId: org.id,
    adminEmail: config.adminEmail,
    adminPassword,
    adminPasswordGenerated: config.adminPassword === undefined,
    apiKey: apiKey.key,
  };
}
