import type { ColumnType } from '../datasets/types.ts';
import { coerceList, coerceScalar, comparisonSql, LIST_OPERATORS, type ComparisonOperator } from '../sql/comparison.ts';
import { quoteIdentifier, SQL_IDENTIFIER, type SqlParams } from '../sql/params.ts';
import { isRuleGroup, OPERATORS_BY_COLUMN_TYPE, type RuleCondition, type RuleGroup, type TableAccessPolicy } from './rules.ts';

/** Token attributes as a verified token carries them; anything may be in there, so nothing is trusted. */
export type TokenAttributes = Readonly<Record<string, unknown>>;

const MATCHES_NOTHING = 'false';
const MATCHES_EVERYTHING = 'true';

/** The token does not carry the attribute at all: no condition on it can hold, `is not set` included. */
function isMissing(attributes: TokenAttributes, name: string): boolean {
  return !Object.hasOwn(attributes, name) || attributes[name] === undefined;
}

/** A value the token carries but that says "none": null, "" or an empty list. */
function isEmptyValue(value: unknown): boolean {
  return value === null || value === '' || (Array.isArray(value) && value.length === 0);
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
  // Fail closed: a token without the attribute never satisfies a condition on it, so a token minted without it
  // (a forgotten field in the integrator's code) cannot open an OR group — not even through `is not set`.
  if (isMissing(attributes, condition.attribute)) return MATCHES_NOTHING;
  const value = attributes[condition.attribute];
  // `is set` / `is not set` ask whether the token's value says anything: "", [] (and null) say "none".
  if (condition.operator === 'is_set') return isEmptyValue(value) ? MATCHES_NOTHING : MATCHES_EVERYTHING;
  if (condition.operator === 'is_not_set') return isEmptyValue(value) ? MATCHES_EVERYTHING : MATCHES_NOTHING;
  if (value === null) return MATCHES_NOTHING;

  const operator = condition.operator as ComparisonOperator;
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
 * Fails closed: a condition whose attribute is missing from the token — whatever its operator, `is_not_set`
 * included — or whose value does not fit the column matches no row; a policy with no rules matches no row.
 * `is_set` / `is_not_set` test a carried value: `is_not_set` holds for "", [] or null, `is_set` for anything else.
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
