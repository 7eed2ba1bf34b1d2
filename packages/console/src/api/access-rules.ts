import { ApiError, api } from './client.ts';

/** Dataset tables and their access rules (row-level security), as the admin API returns them. */

export type ColumnType = 'string' | 'number' | 'boolean' | 'date';

export interface DatasetColumn {
  name: string;
  type: ColumnType;
  label: string;
  description: string;
  synonyms: string[];
  format: string;
}

export interface DatasetTable {
  id: string;
  connectionId: string;
  schemaName: string;
  tableName: string;
  label: string;
  description: string;
  columns: DatasetColumn[];
  updatedAt: string;
}

export const RULE_OPERATORS = ['equals', 'not_equals', 'in', 'not_in', 'is_set', 'is_not_set', 'gt', 'gte', 'lt', 'lte', 'before', 'after'] as const;
export type RuleOperator = (typeof RULE_OPERATORS)[number];

export const OPERATOR_LABELS: Record<RuleOperator, string> = {
  equals: 'equals',
  not_equals: 'does not equal',
  in: 'is one of',
  not_in: 'is not one of',
  is_set: 'is set (has a value)',
  is_not_set: 'is not set (empty "" or [])',
  gt: 'is greater than',
  gte: 'is greater than or equal to',
  lt: 'is less than',
  lte: 'is less than or equal to',
  before: 'is before',
  after: 'is after',
};

/** Contract §7: the operators each column type offers. */
export const OPERATORS_BY_COLUMN_TYPE: Record<ColumnType, readonly RuleOperator[]> = {
  string: ['equals', 'not_equals', 'in', 'not_in', 'is_set', 'is_not_set'],
  number: ['equals', 'not_equals', 'in', 'not_in', 'is_set', 'is_not_set', 'gt', 'gte', 'lt', 'lte'],
  boolean: ['equals', 'not_equals'],
  date: ['equals', 'before', 'after'],
};

export interface RuleCondition {
  column: string;
  operator: RuleOperator;
  attribute: string;
}

export interface RuleGroup {
  combinator: 'and' | 'or';
  rules: RuleNode[];
}

export type RuleNode = RuleCondition | RuleGroup;

export interface AccessPolicy {
  tableId?: string;
  mode: 'rules' | 'open';
  rules: RuleGroup | null;
  updatedAt?: string | null;
}

export const isRuleGroup = (node: RuleNode): node is RuleGroup => 'combinator' in node;

/** Every attribute a rule tree names. */
export function attributesIn(node: RuleNode | null): Set<string> {
  const names = new Set<string>();
  const walk = (current: RuleNode) => {
    if (isRuleGroup(current)) current.rules.forEach(walk);
    else names.add(current.attribute);
  };
  if (node) walk(node);
  return names;
}

/** The admin API answers 404 "No route" while a server without these routes runs. */
const isMissingRoute = (error: unknown) => error instanceof ApiError && error.status === 404 && /^No route/.test(error.message);

export async function listTables(): Promise<DatasetTable[]> {
  return (await api.get<{ tables: DatasetTable[] }>('/api/tables')).tables;
}

export function getPolicy(tableId: string): Promise<AccessPolicy> {
  return api.get<AccessPolicy>(`/api/tables/${encodeURIComponent(tableId)}/rules`);
}

/** Labels of the tables whose access rules use `attribute`, to warn before it is removed. */
export async function findAttributeUsage(attribute: string): Promise<string[]> {
  let tables: DatasetTable[];
  try {
    tables = await listTables();
  } catch (error) {
    if (isMissingRoute(error)) return [];
    throw error;
  }
  const policies = await Promise.all(tables.map(async (table) => ({ table, policy: await getPolicy(table.id) })));
  return policies
    .filter(({ policy }) => policy.mode === 'rules' && attributesIn(policy.rules).has(attribute))
    .map(({ table }) => table.label || table.id);
}

/** Display formats each column type accepts (the server checks the same). */
export const FORMATS_BY_COLUMN_TYPE: Record<ColumnType, readonly string[]> = {
  string: ['text'],
  boolean: ['text'],
  number: ['number', 'integer', 'currency', 'percent'],
  date: ['date', 'month'],
};

/** The attribute types a condition accepts for its column type and operator ('any' for is set / is not set). */
export function attributeTypesFor(columnType: ColumnType, operator: RuleOperator): readonly string[] | 'any' {
  if (operator === 'is_set' || operator === 'is_not_set') return 'any';
  if (operator === 'in' || operator === 'not_in') return columnType === 'number' ? ['number', 'string[]'] : ['string', 'string[]'];
  return [columnType];
}
