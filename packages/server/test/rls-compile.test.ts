import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { ColumnType } from '../src/datasets/types.ts';
import { compileRowFilter } from '../src/rls/compile.ts';
import { RULE_OPERATORS, type RuleCondition, type RuleGroup, type RuleNode, type TableAccessPolicy } from '../src/rls/rules.ts';
import { SqlParams } from '../src/sql/params.ts';
import type { Store } from '../src/store/store.ts';
import { openTestStore } from './helpers/test-store.ts';

const COLUMNS = new Map<string, ColumnType>([
  ['s', 'string'],
  ['n', 'number'],
  ['b', 'boolean'],
  ['d', 'date'],
]);

const regionRule = (operator: RuleCondition['operator'], column = 's', attribute = 'region'): TableAccessPolicy => ({
  mode: 'rules',
  rules: { combinator: 'and', rules: [{ column, operator, attribute }] },
});

function compile(policy: TableAccessPolicy, attributes: Record<string, unknown>): { sql: string; values: unknown[] } {
  const params = new SqlParams();
  const sql = compileRowFilter(policy, COLUMNS, attributes, params);
  return { sql, values: params.values };
}

describe('compileRowFilter: the SQL it writes', () => {
  it('binds attribute values as parameters and never writes them into the SQL text', () => {
    const hostile = "Europe' OR 1=1 --";
    const { sql, values } = compile(regionRule('equals'), { region: hostile });
    assert.equal(sql, '("s" = $1::text)');
    assert.deepEqual(values, [hostile]);
    assert.ok(!sql.includes('Europe'));
  });

  it('binds lists as one array parameter', () => {
    const { sql, values } = compile(regionRule('in'), { region: ['a', "b'); drop table x; --"] });
    assert.equal(sql, '("s" = any($1::text[]))');
    assert.deepEqual(values, [['a', "b'); drop table x; --"]]);
  });

  it('fails closed when the attribute is missing, null, or of the wrong shape', () => {
    for (const attributes of [{}, { region: null }, { region: ['Europe'] }, { region: 42 }, { region: { $ne: '' } }, { region: true }]) {
      const { sql, values } = compile(regionRule('equals'), attributes);
      assert.equal(sql, '(false)', JSON.stringify(attributes));
      assert.deepEqual(values, []);
    }
  });

  it('fails closed for strings no database row can hold (NUL, unpaired surrogates)', () => {
    for (const region of ['Eu\u0000rope', '\uD800', 'x\uDC00y']) {
      assert.equal(compile(regionRule('equals'), { region }).sql, '(false)');
      assert.equal(compile(regionRule('not_equals'), { region }).sql, '(false)');
      assert.equal(compile(regionRule('in'), { region: ['Europe', region] }).sql, '(false)');
    }
    // A well-formed surrogate pair is ordinary text.
    assert.deepEqual(compile(regionRule('equals'), { region: '𝄞' }).values, ['𝄞']);
  });

  it('shows every row in open mode and none without rules, with an empty group, or for an unknown column', () => {
    assert.equal(compile({ mode: 'open', rules: null }, {}).sql, 'true');
    assert.equal(compile({ mode: 'rules', rules: null }, { region: 'Europe' }).sql, 'false');
    assert.equal(compile({ mode: 'rules', rules: { combinator: 'or', rules: [] } }, {}).sql, 'false');
    assert.equal(compile(regionRule('equals', 'dropped_column'), { region: 'Europe' }).sql, '(false)');
    assert.equal(compile(regionRule('equals', 's"; drop table x; --'), { region: 'Europe' }).sql, '(false)');
    assert.equal(compile({ mode: 'bogus' as 'open', rules: null }, {}).sql, 'false');
  });

  it('refuses an operator that does not suit the column type (a rule made stale by a retyped column)', () => {
    assert.equal(compile(regionRule('gt', 's'), { region: 'a' }).sql, '(false)');
    assert.equal(compile(regionRule('in', 'b'), { region: ['true'] }).sql, '(false)');
  });

  it('is set / is not set test the value the token carries; a token without the attribute satisfies neither', () => {
    for (const value of ['x', 0, false, ['Europe']]) {
      assert.equal(compile(regionRule('is_set'), { region: value }).sql, '(true)', JSON.stringify(value));
      assert.equal(compile(regionRule('is_not_set'), { region: value }).sql, '(false)', JSON.stringify(value));
    }
    for (const value of ['', [], null]) {
      assert.equal(compile(regionRule('is_set'), { region: value }).sql, '(false)', JSON.stringify(value));
      assert.equal(compile(regionRule('is_not_set'), { region: value }).sql, '(true)', JSON.stringify(value));
    }
    // Missing means no rows, for every operator: a token minted without the attribute must not open the table.
    assert.equal(compile(regionRule('is_set'), {}).sql, '(false)');
    assert.equal(compile(regionRule('is_not_set'), {}).sql, '(false)');
    assert.equal(compile(regionRule('is_not_set'), { other: '' }).sql, '(false)');
  });

  it('nests groups with their combinators and numbers parameters in order', () => {
    const policy: TableAccessPolicy = {
      mode: 'rules',
      rules: {
        combinator: 'or',
        rules: [
          { column: 's', operator: 'equals', attribute: 'region' },
          { combinator: 'and', rules: [{ column: 'n', operator: 'gte', attribute: 'level' }, { column: 'd', operator: 'before', attribute: 'since' }] },
        ],
      },
    };
    const { sql, values } = compile(policy, { region: 'Europe', level: 3, since: '2025-06-30T12:00:00Z' });
    assert.equal(
      sql,
      '("s" = $1::text or ("n" >= $2::numeric and "d" < $3::date))',
    );
    assert.deepEqual(values, ['Europe', 3, '2025-06-30']);
  });

  it('ignores inherited properties: only the token\'s own attributes count', () => {
    const attributes = Object.create({ region: 'Europe' }) as Record<string, unknown>;
    assert.equal(compile(regionRule('equals'), attributes).sql, '(false)');
  });
});

// ───────────────────────── property: the database agrees with a JavaScript reference ─────────────────────────

interface Row {
  id: number;
  s: string | null;
  n: number | null;
  b: boolean | null;
  d: string | null;
}

const STRINGS = ['Europe', 'europe', 'Asia Pacific', "O'Brien", "' OR 1=1 --", '"; drop table rls_rows; --', 'é', 'e\u0301', '𝄞 music', '', ' ', '\\', '%', '_', 'x'.repeat(300)];
const NUMBERS = [-2, -1.5, 0, 0.1, 0.3, 1, 2, 1e21, -1e-7];
const DATES = ['0001-01-01', '1999-12-31', '2024-01-01', '2024-02-29', '2025-06-30', '2025-12-31', '9999-12-31'];

const numberValue = fc.oneof(fc.constantFrom(...NUMBERS), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer());
const rowArbitrary = (id: number) =>
  fc.record({
    id: fc.constant(id),
    s: fc.option(fc.constantFrom(...STRINGS), { freq: 5 }),
    n: fc.option(numberValue, { freq: 5 }),
    b: fc.option(fc.boolean(), { freq: 5 }),
    d: fc.option(fc.constantFrom(...DATES), { freq: 5 }),
  });
const rowsArbitrary = fc.integer({ min: 0, max: 25 }).chain((count) => fc.tuple(...Array.from({ length: count }, (_, i) => rowArbitrary(i + 1))));

const scalarAttribute = fc.oneof(
  fc.constantFrom(...STRINGS),
  fc.constantFrom('Eu\u0000rope', '\uD800', '1', '1.5', '-2', '1e21', ' 2 ', 'abc', '0x10', 'Infinity', 'NaN'),
  fc.constantFrom(...DATES, '2024-02-29T23:59:59Z', '2025-06-30T10:00:00+05:00', '2024-02-30', '2025-13-01', 'not a date'),
  numberValue,
  fc.boolean(),
  fc.string({ maxLength: 6 }),
);
const attributeValue = fc.oneof(
  { weight: 6, arbitrary: scalarAttribute },
  { weight: 3, arbitrary: fc.array(scalarAttribute, { maxLength: 4 }) },
  { weight: 1, arbitrary: fc.constant([]) },
  { weight: 1, arbitrary: fc.constantFrom(null, {}, { $ne: null }) },
);
const attributesArbitrary = fc.record({ a: attributeValue, b: attributeValue, c: attributeValue }, { requiredKeys: [] });

// Mostly operators that suit the column (the interesting cases), sometimes any operator (stale or bad rules).
const conditionArbitrary: fc.Arbitrary<RuleCondition> = fc.constantFrom('s', 'n', 'b', 'd', 'gone').chain((column) =>
  fc.record({
    column: fc.constant(column),
    operator: fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...((COLUMNS.has(column) ? OPERATORS[COLUMNS.get(column)!] : RULE_OPERATORS) as RuleCondition['operator'][])) },
      { weight: 1, arbitrary: fc.constantFrom(...RULE_OPERATORS) },
    ),
    attribute: fc.constantFrom('a', 'b', 'c'),
  }),
);
const { group: groupArbitrary } = fc.letrec<{ node: RuleNode; group: RuleGroup }>((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, conditionArbitrary, tie('group')),
  group: fc.record({ combinator: fc.constantFrom('and' as const, 'or' as const), rules: fc.array(tie('node'), { maxLength: 4 }) }),
}));
const policyArbitrary: fc.Arbitrary<TableAccessPolicy> = fc.oneof(
  { weight: 1, arbitrary: fc.constant<TableAccessPolicy>({ mode: 'open', rules: null }) },
  { weight: 1, arbitrary: fc.constant<TableAccessPolicy>({ mode: 'rules', rules: null }) },
  { weight: 8, arbitrary: groupArbitrary.map((rules): TableAccessPolicy => ({ mode: 'rules', rules })) },
);

// The reference semantics, written independently of the compiler: contract §7 plus our fail-closed choices.
const OPERATORS: Record<ColumnType, readonly string[]> = {
  string: ['equals', 'not_equals', 'in', 'not_in', 'is_set', 'is_not_set'],
  number: ['equals', 'not_equals', 'in', 'not_in', 'is_set', 'is_not_set', 'gt', 'gte', 'lt', 'lte'],
  boolean: ['equals', 'not_equals'],
  date: ['equals', 'before', 'after'],
};

function storable(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    if (unit === 0) return false;
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
      i++;
    } else if (unit >= 0xdc00 && unit <= 0xdfff) return false;
  }
  return true;
}

function referenceDate(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^(\d{4})-(\d{2})-(\d{2})(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?$/.exec(value);
  if (!match) return undefined;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const daysInMonth = [31, y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return y >= 1 && m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth[m - 1]! ? value.slice(0, 10) : undefined;
}

function referenceScalar(type: ColumnType, value: unknown): string | number | boolean | undefined {
  if (type === 'string') return typeof value === 'string' && storable(value) ? value : undefined;
  if (type === 'number') return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
  if (type === 'boolean') return typeof value === 'boolean' ? value : undefined;
  return referenceDate(value);
}

function referenceList(type: ColumnType, value: unknown): (string | number)[] | undefined {
  if (type === 'boolean') return undefined;
  const items = Array.isArray(value) ? value : [value];
  const list: (string | number)[] = [];
  for (const item of items) {
    if (type === 'number' && typeof item === 'string' && /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(item.trim())) {
      const parsed = Number(item.trim());
      if (!Number.isFinite(parsed)) return undefined;
      list.push(parsed);
      continue;
    }
    const scalar = referenceScalar(type, item);
    if (scalar === undefined || typeof scalar === 'boolean') return undefined;
    list.push(scalar);
  }
  return list;
}

function referenceCondition(condition: RuleCondition, attributes: Record<string, unknown>, row: Row): boolean {
  const type = COLUMNS.get(condition.column);
  if (!type || !OPERATORS[type].includes(condition.operator)) return false;
  // A token without the attribute satisfies no condition on it; a carried "", [] or null is "not set".
  if (!Object.hasOwn(attributes, condition.attribute) || attributes[condition.attribute] === undefined) return false;
  const carried = attributes[condition.attribute];
  const empty = carried === null || carried === '' || (Array.isArray(carried) && carried.length === 0);
  if (condition.operator === 'is_set') return !empty;
  if (condition.operator === 'is_not_set') return empty;
  if (carried === null) return false;
  const cell = row[condition.column as 's' | 'n' | 'b' | 'd'];
  if (cell === null) return false;
  const value = attributes[condition.attribute];
  if (condition.operator === 'in' || condition.operator === 'not_in') {
    const list = referenceList(type, value);
    if (!list) return false;
    return condition.operator === 'in' ? list.includes(cell as string | number) : !list.includes(cell as string | number);
  }
  const operand = referenceScalar(type, value);
  if (operand === undefined) return false;
  switch (condition.operator) {
    case 'equals':
      return cell === operand;
    case 'not_equals':
      return cell !== operand;
    case 'gt':
    case 'after':
      return cell > operand;
    case 'gte':
      return cell >= operand;
    case 'lt':
    case 'before':
      return cell < operand;
    case 'lte':
      return cell <= operand;
    default:
      return false;
  }
}

function referenceGroup(group: RuleGroup, attributes: Record<string, unknown>, row: Row): boolean {
  if (group.rules.length === 0) return false;
  const results = group.rules.map((node) =>
    'combinator' in node ? referenceGroup(node, attributes, row) : referenceCondition(node, attributes, row),
  );
  return group.combinator === 'or' ? results.some(Boolean) : results.every(Boolean);
}

function referenceVisible(policy: TableAccessPolicy, attributes: Record<string, unknown>, rows: readonly Row[]): number[] {
  if (policy.mode === 'open') return rows.map((row) => row.id);
  if (!policy.rules) return [];
  return rows.filter((row) => referenceGroup(policy.rules!, attributes, row)).map((row) => row.id);
}

describe('compileRowFilter on the real store agrees with a JavaScript reference, for every operator', () => {
  let store: Store;

  const loadRows = async (rows: readonly Row[]) => {
    await store.query('truncate rls_rows');
    if (rows.length === 0) return;
    await store.query('insert into rls_rows select * from unnest($1::int[], $2::text[], $3::numeric[], $4::boolean[], $5::date[])', [
      rows.map((row) => String(row.id)),
      rows.map((row) => row.s) as string[],
      rows.map((row) => (row.n === null ? null : String(row.n))) as string[],
      rows.map((row) => (row.b === null ? null : String(row.b))) as string[],
      rows.map((row) => row.d) as string[],
    ]);
  };

  const visibleIds = async (policy: TableAccessPolicy, attributes: Record<string, unknown>): Promise<number[]> => {
    const params = new SqlParams();
    const where = compileRowFilter(policy, COLUMNS, attributes, params);
    const rows = await store.query<{ id: number }>(`select id from rls_rows where ${where} order by id`, params.values);
    return rows.map((row) => row.id);
  };

  before(async () => {
    store = await openTestStore();
    await store.query('create table rls_rows (id integer primary key, s text, n numeric, b boolean, d date)');
  });
  after(() => store.close());

  it('stores the generated values faithfully (the comparison below is meaningful)', async () => {
    const rows = fc.sample(rowsArbitrary, { numRuns: 1, seed: 42 })[0]!;
    await loadRows(rows);
    const stored = await store.query<{ id: number; s: string | null; n: number | null }>('select id, s, n from rls_rows order by id');
    assert.deepEqual(
      stored.map((row) => [row.id, row.s, row.n]),
      rows.map((row) => [row.id, row.s, row.n === null ? null : row.n === 0 ? 0 : row.n]),
    );
  });

  it('random policies and attributes over one fixed set of rows', async () => {
    const rows = fc.sample(rowsArbitrary.filter((candidate) => candidate.length >= 20), { numRuns: 1, seed: 7 })[0]!;
    await loadRows(rows);
    await fc.assert(
      fc.asyncProperty(policyArbitrary, attributesArbitrary, async (policy, attributes) => {
        assert.deepEqual(await visibleIds(policy, attributes), referenceVisible(policy, attributes, rows));
      }),
      { numRuns: 500 },
    );
  });

  it('random rows, policies and attributes', async () => {
    await fc.assert(
      fc.asyncProperty(rowsArbitrary, policyArbitrary, attributesArbitrary, async (rows, policy, attributes) => {
        await loadRows(rows);
        assert.deepEqual(await visibleIds(policy, attributes), referenceVisible(policy, attributes, rows));
      }),
      { numRuns: 60 },
    );
  });

  it('each operator keeps exactly the rows it should, NULL cells included', async () => {
    const rows: Row[] = [
      { id: 1, s: 'Europe', n: 1, b: true, d: '2024-01-01' },
      { id: 2, s: "O'Brien", n: 2.5, b: false, d: '2025-06-30' },
      { id: 3, s: null, n: null, b: null, d: null },
    ];
    await loadRows(rows);
    // Each case names the rows it must show: a predicate stuck at true or false, or NULL leaking through, fails.
    const cases: [ColumnType, RuleCondition['operator'], unknown, number[]][] = [
      ['string', 'equals', "O'Brien", [2]],
      ['string', 'not_equals', 'Europe', [2]],
      ['string', 'in', ['Europe', 'Asia'], [1]],
      ['string', 'in', [], []],
      ['string', 'not_in', ['Europe'], [2]],
      ['string', 'not_in', [], [1, 2]],
      ['string', 'is_set', 'anything', [1, 2, 3]],
      ['string', 'is_set', '', []],
      ['string', 'is_set', undefined, []],
      ['string', 'is_not_set', '', [1, 2, 3]],
      ['string', 'is_not_set', [], [1, 2, 3]],
      ['string', 'is_not_set', 'anything', []],
      ['string', 'is_not_set', undefined, []],
      ['number', 'is_not_set', undefined, []],
      ['number', 'equals', 2.5, [2]],
      ['number', 'not_equals', 1, [2]],
      ['number', 'in', ['2.5', '7'], [2]],
      ['number', 'not_in', 1, [2]],
      ['number', 'gt', 1, [2]],
      ['number', 'gte', 1, [1, 2]],
      ['number', 'lt', 2.5, [1]],
      ['number', 'lte', 2.5, [1, 2]],
      ['boolean', 'equals', false, [2]],
      ['boolean', 'not_equals', false, [1]],
      ['date', 'equals', '2024-01-01', [1]],
      ['date', 'before', '2025-01-01', [1]],
      ['date', 'after', '2024-01-01T23:00:00Z', [2]],
    ];
    const columnOf: Record<ColumnType, string> = { string: 's', number: 'n', boolean: 'b', date: 'd' };
    for (const [type, operator, value, expected] of cases) {
      const policy = regionRule(operator, columnOf[type], 'a');
      const attributes = value === undefined ? {} : { a: value };
      const label = `${type} ${operator} ${JSON.stringify(value)}`;
      assert.deepEqual(referenceVisible(policy, attributes, rows), expected, `reference: ${label}`);
      assert.deepEqual(await visibleIds(policy, attributes), expected, label);
    }
  });
});
