import type { AttributeService } from '../attributes/service.ts';
import type { DatasetService } from '../datasets/service.ts';
import type { Store } from '../store/store.ts';
import { DENY_ALL, parseAccessPolicy, type AccessMode, type RuleGroup, type TableAccessPolicy } from './rules.ts';

export interface StoredAccessPolicy extends TableAccessPolicy {
  tableId: string;
  /** When the policy was last set; null while the table has never had one (and so shows no rows). */
  updatedAt: string | null;
}

/** Reads and writes each table's access policy; compile.ts turns a policy into SQL. */
export class AccessRuleService {
  constructor(
    private readonly store: Store,
    private readonly datasets: DatasetService,
    private readonly attributes: AttributeService,
  ) {}

  /** The policy queries apply: the stored one, or deny-all when none was ever set. */
  async policyFor(orgId: string, tableId: string): Promise<TableAccessPolicy> {
    const rows = await this.store.query<{ mode: AccessMode; rules: RuleGroup | null }>(
      'select mode, rules from table_access_rules where org_id = $1 and table_id = $2',
      [orgId, tableId],
    );
    return rows[0] ? { mode: rows[0].mode, rules: rows[0].rules } : DENY_ALL;
  }

  async get(orgId: string, tableId: string): Promise<StoredAccessPolicy> {
    await this.datasets.get(orgId, tableId);
    const rows = await this.store.query<{ mode: AccessMode; rules: RuleGroup | null; updated_at: Date }>(
      'select mode, rules, updated_at from table_access_rules where org_id = $1 and table_id = $2',
      [orgId, tableId],
    );
    const row = rows[0];
    return row
      ? { tableId, mode: row.mode, rules: row.rules, updatedAt: row.updated_at.toISOString() }
      : { tableId, ...DENY_ALL, updatedAt: null };
  }

  /** Replaces the table's whole policy after validating it against the table's columns and the registered attributes. */
  async set(orgId: string, tableId: string, body: unknown): Promise<StoredAccessPolicy> {
    const table = await this.datasets.get(orgId, tableId);
    const policy = parseAccessPolicy(
      body,
      new Map(table.columns.map((column) => [column.name, column.type])),
      await this.attributes.typesFor(orgId),
    );
    await this.store.query(
      `insert into table_access_rules (org_id, table_id, mode, rules) values ($1, $2, $3, $4::jsonb)
       on conflict (org_id, table_id) do update set mode = excluded.mode, rules = excluded.rules, updated_at = now()`,
      [orgId, tableId, policy.mode, policy.rules === null ? null : JSON.stringify(policy.rules)],
    );
    return this.get(orgId, tableId);
  }
}
