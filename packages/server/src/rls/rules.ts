import type { AttributeType } from '../attributes/service.ts';
import type { ColumnType } from '../datasets/types.ts';
import { invalidRequest } from '../errors.ts';
import { expectArray, expectObject, expectOneOf, expectString } from '../validation/input.ts';

/**
 * Access rules of one dataset table (contract §7): conditions map a column to a token attribute through an
 * operator and combine in AND / OR groups. `mode: "open"` shows every row to every token; `mode: "rules"` shows
 * the rows the rules match, and none when there are no rules. A table with no stored policy is `rules` with
 * no rules: tables are private until an admin says otherwise.
 */

export const RULE_OPERATORS = [
  'equals',
  'not_equals',
  'in',
  'not_in',
  'is_set',
  'is_not_set',
  'gt',
  'gte',
  'lt',
  'lte',
  'before',
  'after',
] as const;
export type RuleOperator = (typeof RULE_OPERATORS)[number];

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

export const ACCESS_MODES = ['rules', 'open'] as const;
export type AccessMode = (typeof ACCESS_MODES)[number];

export interface TableAccessPolicy {
  mode: AccessMode;
  /** null: no rules, so no rows in `rules` mode. */
  rules: RuleGroup | null;
}

export const DENY_ALL: TableAccessPolicy = Object.freeze({ mode: 'rules', rules: null });

export const isRuleGroup = (node: RuleNode): node is RuleGroup => 'combinator' in node;

const MAX_DEPTH = 4;
const MAX_CONDITIONS = 50;

/** The token attribute types a condition accepts, given its column type and operator ('any' for is set). */
export function attributeTypesFor(columnType: ColumnType, operator: RuleOperator): readonly AttributeType[] | 'any' {
  if (operator === 'is_set' || operator === 'is_not_set') return 'any';
  if (operator === 'in' || operator === 'not_in') return columnType === 'number' ? ['number', 'string[]'] : ['string', 'string[]'];
  return [columnType];
}

/**
 * Validates a policy from the admin API or the CLI against the table's columns and the organization's
 * registered attributes: every operator must suit its column, every attribute must exist with a compatible type.
 */
export function parseAccessPolicy(
  body: unknown,
  columns: ReadonlyMap<string, ColumnType>,
  attributeTypes: ReadonlyMap<string, AttributeType>,
): TableAccessPolicy {
  const input = expectObject(body, 'body', ['mode', 'rules']);
  const mode = input.mode === undefined ? 'rules' : expectOneOf(input.mode, 'mode', ACCESS_MODES);
  if (input.rules === undefined || input.rules === null) return { mode, rules: null };
  if (mode === 'open') {
    throw invalidRequest('rules', 'rules must be null when mode is "open" (every row is visible); use mode "rules" to filter rows.');
  }
  let conditions = 0;

  const parseNode = (value: unknown, field: string, depth: number): RuleNode => {
    if (typeof value === 'object' && value !== null && 'combinator' in value) return parseGroup(value, field, depth);
    const condition = expectObject(value, field, ['column', 'operator', 'attribute']);
    conditions += 1;
    if (conditions > MAX_CONDITIONS) throw invalidRequest(field, `${field} is one condition too many: a table may have at most ${MAX_CONDITIONS}.`);
    const column = expectString(condition.column, `${field}.column`, { max: 63 });
    const columnType = columns.get(column);
    if (!columnType) {
      throw invalidRequest(`${field}.column`, `${field}.column "${column}" is not a column of this table; use one of ${[...columns.keys()].join(', ')}.`);
    }
    const operator = expectOneOf(condition.operator, `${field}.operator`, RULE_OPERATORS);
    const allowed = OPERATORS_BY_COLUMN_TYPE[columnType];
    if (!allowed.includes(operator)) {
      throw invalidRequest(`${field}.operator`, `${field}.operator "${operator}" does not apply to the ${columnType} column "${column}"; use ${allowed.join(', ')}.`);
    }
    const attribute = expectString(condition.attribute, `${field}.attribute`, { max: 64 });
    const attributeType = attributeTypes.get(attribute);
    if (!attributeType) {
      throw invalidRequest(`${field}.attribute`, `${field}.attribute "${attribute}" is not a registered token attribute; add it under Settings › Embed & access › Token attributes.`);
    }
    const accepted = attributeTypesFor(columnType, operator);
    if (accepted !== 'any' && !accepted.includes(attributeType)) {
      throw invalidRequest(`${field}.attribute`, `${field}.attribute "${attribute}" is a ${attributeType} attribute; "${operator}" on the ${columnType} column "${column}" needs a ${accepted.join(' or ')} attribute.`);
    }
    return { column, operator, attribute };
  };

  const parseGroup = (value: unknown, field: string, depth: number): RuleGroup => {
    if (depth > MAX_DEPTH) throw invalidRequest(field, `${field} nests too deep: rule groups may nest at most ${MAX_DEPTH} levels.`);
    const group = expectObject(value, field, ['combinator', 'rules']);
    const combinator = expectOneOf(group.combinator, `${field}.combinator`, ['and', 'or'] as const);
    const items = expectArray(group.rules, `${field}.rules`, MAX_CONDITIONS, 1);
    return { combinator, rules: items.map((item, i) => parseNode(item, `${field}.rules[${i}]`, depth + 1)) };
  };

  return { mode, rules: parseGroup(input.rules, 'rules', 1) };
}

/** One line per condition, indented by group: for the CLI and logs. */
export function describePolicy(policy: TableAccessPolicy): string {
  if (policy.mode === 'open') return 'mode: open (every row is visible to every token)';
  if (!policy.rules) return 'mode: rules, no rules (no rows are visible)';
  const lines: string[] = ['mode: rules'];
  const walk = (node: RuleNode, indent: string): void => {
    if (isRuleGroup(node)) {
      lines.push(`${indent}${node.combinator.toUpperCase()}`);
      for (const child of node.rules) walk(child, `${indent}  `);
    } else {
      lines.push(`${indent}${node.column} ${node.operator.replaceAll('_', ' ')} attribute ${node.attribute}`);
    }
  };
  walk(policy.rules, '  ');
  return lines.join('\n');
}
