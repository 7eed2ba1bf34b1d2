import type { Services } from '../services.ts';
import { SALES_DASHBOARD } from './sales-dashboard.ts';
import { SALES_REGION_RULE, SALES_TABLE } from './sales-metadata.ts';
import { ensureSampleData } from './sample-data.ts';

/**
 * Gives an organization the sample dataset: loads the shared sample rows if the store lacks them, describes
 * the `sales` table, restricts it by the token's `region` attribute (which the organization must have
 * registered), and creates the "Sales overview" dashboard (id `sales`).
 */
export async function seedSampleForOrg(services: Services, orgId: string): Promise<void> {
  await ensureSampleData(services.store);
  await services.datasets.register(orgId, SALES_TABLE);
  await services.accessRules.set(orgId, SALES_TABLE.id, { mode: 'rules', rules: SALES_REGION_RULE });
  await services.dashboards.upsert(orgId, SALES_DASHBOARD);
}
