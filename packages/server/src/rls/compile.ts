import type { ColumnType } from '../datasets/types.ts';
import { coerceList, coerceScalar, comparisonSql, LIST_OPERATORS, type ComparisonOperator } from '../sql/comparison.ts';
import { quoteIdentifier, SQL_IDENTIFIER, type SqlParams } from '../sql/params.ts';
import { isRuleGroup, OPERATORS_BY_COLUMN_TYPE, type RuleCondition, type RuleGroup, type TableAccessPolicy } from './rules.ts';

/** Token attributes as a verified token carries them; anything may be in there, so nothing is trusted. */
export type TokenAttributes = Readonly<Record<string, unknown>>;

const MATCHES_NOTHING = 'false';
const MATCHES_EVERYTHING = 'true';

function isPresent(attributes: TokenAttributes, name: string): boolean {
  return Object.hasOwn(attributes, name) && attributes[name] !== null && attributes[name] !== undefined;
}

function compileCondition(
  condition: RuleCondition,
  columns: ReadonlyMap<string, ColumnType>,
  attributes: TokenAttributes,
  params: SqlParams,
): string {
  const type = columns.get(condition.column);
  // A rule that no longer fits the table (column gone or retyped) matches nothing rather than everything.
  if (!type || !SQL_IDENTIFIER.test(condition.column) || !OPERATORS_BY_COLUMN_TYPE[type].includes(condition.operator)) {
    return MATCHES_NOTHING;
  }
  const present = isPresent(attributes, condition.attribute);
  if (condition.operator === 'is_set') return present ? MATCHES_EVERYTHING : MATCHES_NOTHING;
  if (condition.operator === 'is_not_set') return present ? MATCHES_NOTHING : MATCHES_EVERYTHING;
  if (!present) return MATCHES_NOTHING; // fail closed: a missing attribute never widens access

  const operator = condition.operator as ComparisonOperator;
  const value = attributes[condition.attribute];
  const operand = LIST_OPERATORS.includes(operator) ? coerceList(type, value) : coerceScalar(type, value);
  // A value of the wrong type (an array for a scalar, text for a number, a string no row can hold) matches nothing.
  if (operand === undefined) return MATCHES_NOTHING;
  return comparisonSql(quoteIdentifier(condition.column), type, operator, operand, params);
}

function compileGroup(group: RuleGroup, columns: ReadonlyMap<string, ColumnType>, attributes: TokenAttributes, params: SqlParams): string {
  if (group.rules.length === 0) return MATCHES_NOTHING;
  const parts = group.rules.map((node) =>
    isRuleGroup(node) ? compileGroup(node, columns, attributes, params) : compileCondition(node, columns, attributes, params),
  );
  return `(${parts.join(group.combinator === 'or' ? ' or ' : ' and ')})`;
}

/**
 * A table's access policy and a token's attributes → a SQL predicate over the table's columns. Attribute values
 * only ever reach the database as bound parameters (added to `params`); the SQL text holds quoted column names
 * from the table's metadata, operators and placeholders.
 *
 * Fails closed: a condition whose attribute is missing, or whose value does not fit the column, matches no row
 * (except `is_not_set`, which asks exactly whether it is missing); a policy with no rules matches no row.
 *
 * @example
 * const params = new SqlParams();
 * const where = compileRowFilter(policy, new Map([['region', 'string']]), { region: 'Europe' }, params);
 * // where: `("region" = $1::text)`, params.values: ['Europe']
 */
export function compileRowFilter(
  policy: TableAccessPolicy,
  columns: ReadonlyMap<string, ColumnType>,
  attributes: TokenAttributes,
  params: SqlParams,
): string {
  if (policy.mode === 'open') return MATCHES_EVERYTHING;
  if (policy.mode !== 'rules' || !policy.rules) return MATCHES_NOTHING;
  return compileGroup(policy.rules, columns, attributes, params);
}
