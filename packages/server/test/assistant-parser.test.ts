import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileIntent, intentFromQuery } from '../src/assistant/intent.ts';
import { parseQuestion, type ParseOutcome } from '../src/assistant/semantic-parser.ts';
import { buildVocabulary } from '../src/assistant/vocabulary.ts';
import type { DatasetTable } from '../src/datasets/types.ts';
import type { DatasetQuery } from '../src/query/types.ts';
import { SALES_TABLE } from '../src/sample/sales-metadata.ts';
import { SAMPLE_ROWS } from './helpers/sample-reference.ts';

/** The sample table as the dataset service describes it, with every value visible. */
const TABLE: DatasetTable = {
  ...SALES_TABLE,
  description: SALES_TABLE.description ?? '',
  updatedAt: '2026-01-01T00:00:00.000Z',
  columns: SALES_TABLE.columns.map((column) => ({
    description: '',
    synonyms: [],
    format: column.type === 'number' ? 'number' : column.type === 'date' ? 'date' : 'text',
    ...column,
  })),
};
const FIELDS = { region: 'region', country: 'country', city: 'city', product_category: 'productCategory', product: 'product', channel: 'channel' } as const;
const VALUES = new Map(Object.entries(FIELDS).map(([column, field]) => [column, [...new Set(SAMPLE_ROWS.map((row) => row[field]))]]));
const VOCABULARY = buildVocabulary(TABLE, VALUES);

function parse(question: string, anchor = '2025-12-31', previous?: DatasetQuery): ParseOutcome {
  return parseQuestion({ question, vocabulary: VOCABULARY, anchor, previous: previous ? intentFromQuery(previous, TABLE) : undefined });
}

function queryOf(question: string, anchor?: string, previous?: DatasetQuery): DatasetQuery {
  const outcome = parse(question, anchor, previous);
  assert.equal(outcome.kind, 'answer', `${question}: ${JSON.stringify(outcome)}`);
  return compileIntent((outcome as Extract<ParseOutcome, { kind: 'answer' }>).intent, VOCABULARY.rowNoun);
}

const dates = (query: DatasetQuery) => (query.filters ?? []).filter((filter) => filter.column === 'order_date').map((filter) => `${filter.operator} ${String(filter.value)}`);

describe('periods, relative to the latest date in the data', () => {
  it('reads "last quarter/month/year" as the latest complete one', () => {
    assert.deepEqual(dates(queryOf('revenue last quarter', '2025-12-31')), ['gte 2025-10-01', 'lte 2025-12-31']);
    assert.deepEqual(dates(queryOf('revenue last quarter', '2025-11-15')), ['gte 2025-07-01', 'lte 2025-09-30']);
    assert.deepEqual(dates(queryOf('revenue last month', '2025-11-15')), ['gte 2025-10-01', 'lte 2025-10-31']);
    assert.deepEqual(dates(queryOf('revenue last year', '2025-11-15')), ['gte 2024-01-01', 'lte 2024-12-31']);
  });

  it('reads "this year", "year to date" and trailing periods', () => {
    assert.deepEqual(dates(queryOf('revenue this year', '2025-11-15')), ['gte 2025-01-01', 'lte 2025-12-31']);
    assert.deepEqual(dates(queryOf('revenue year to date', '2025-11-15')), ['gte 2025-01-01', 'lte 2025-11-15']);
    assert.deepEqual(dates(queryOf('revenue in the last 30 days', '2025-11-15')), ['gte 2025-10-17', 'lte 2025-11-15']);
    assert.deepEqual(dates(queryOf('revenue over the past 2 quarters', '2025-12-31')), ['gte 2025-07-01', 'lte 2025-12-31']);
  });

  it('reads months and quarters with or without a year, ranges and open bounds', () => {
    assert.deepEqual(dates(queryOf('revenue in March', '2025-02-10')), ['gte 2024-03-01', 'lte 2024-03-31']);
    assert.deepEqual(dates(queryOf('revenue in March', '2025-12-31')), ['gte 2025-03-01', 'lte 2025-03-31']);
    assert.deepEqual(dates(queryOf('revenue in the second quarter of 2024')), ['gte 2024-04-01', 'lte 2024-06-30']);
    assert.deepEqual(dates(queryOf('revenue in february 2024')), ['gte 2024-02-01', 'lte 2024-02-29']);
    assert.deepEqual(dates(queryOf('revenue between March and June 2025')), ['gte 2025-03-01', 'lte 2025-06-30']);
    assert.deepEqual(dates(queryOf('revenue from Q2 2024 to Q1 2025')), ['gte 2024-04-01', 'lte 2025-03-31']);
    assert.deepEqual(dates(queryOf('revenue since June 2024')), ['gte 2024-06-01']);
    assert.deepEqual(dates(queryOf('revenue before 2025')), ['lt 2025-01-01']);
    assert.deepEqual(dates(queryOf('revenue after Q3 2025')), ['gt 2025-09-30']);
  });

  it('reads "last X" beside "this X" as the one before it, never the same period twice', () => {
    // The sample data ends on 2025-12-31: "last year" alone is the latest complete year, 2025 …
    assert.deepEqual(dates(queryOf('revenue last year')), ['gte 2025-01-01', 'lte 2025-12-31']);
    // … and beside "this year" (2025) it is the year before.
    const years = parse('revenue this year vs last year');
    assert.equal(years.kind, 'answer');
    assert.deepEqual((years as Extract<ParseOutcome, { kind: 'answer' }>).periods, ['this year (2025)', 'last year (2024)']);
    const yearQuery = queryOf('revenue this year vs last year');
    assert.deepEqual(yearQuery.dimensions?.map((d) => d.granularity), ['year']);
    assert.deepEqual(dates(yearQuery), ['gte 2024-01-01', 'lte 2025-12-31']);
    assert.deepEqual(dates(queryOf('orders last quarter compared to this quarter')), ['gte 2025-07-01', 'lte 2025-12-31']);
    assert.deepEqual(dates(queryOf('compare this month with the previous month')), ['gte 2025-11-01', 'lte 2025-12-31']);
    // Mid-period the two rules agree: the anchor's year is incomplete, so "last year" is 2024 either way.
    assert.deepEqual(dates(queryOf('revenue this year vs last year', '2025-06-15')), ['gte 2024-01-01', 'lte 2025-12-31']);
    assert.deepEqual(dates(queryOf('revenue last year', '2025-06-15')), ['gte 2024-01-01', 'lte 2024-12-31']);
  });

  it('compares two periods of one kind side by side', () => {
    const query = queryOf('units in Q1 2025 vs Q2 2025');
    assert.deepEqual(query.dimensions, [{ key: 'quarter', column: 'order_date', granularity: 'quarter', label: 'Quarter' }]);
    assert.deepEqual(dates(query), ['gte 2025-01-01', 'lte 2025-06-30']);
  });
});

describe('names and values', () => {
  it('prefers the longest name and, for a name in two columns, the coarser column', () => {
    assert.deepEqual(queryOf('revenue in Mexico City').filters, [{ column: 'city', operator: 'equals', value: 'Mexico City' }]);
    assert.deepEqual(queryOf('revenue in Mexico').filters, [{ column: 'country', operator: 'equals', value: 'Mexico' }]);
    assert.deepEqual(queryOf('revenue in Singapore').filters, [{ column: 'country', operator: 'equals', value: 'Singapore' }]);
    assert.deepEqual(queryOf('revenue in the city of Singapore').filters, [{ column: 'city', operator: 'equals', value: 'Singapore' }]);
  });

  it('matches values regardless of case, accents and plurals', () => {
    assert.deepEqual(queryOf('revenue in montreal').filters, [{ column: 'city', operator: 'equals', value: 'Montréal' }]);
    assert.deepEqual(queryOf('units of LAPTOPS').filters, [{ column: 'product', operator: 'equals', value: 'Laptop' }]);
    assert.deepEqual(queryOf('revenue excluding office supplies and software').filters, [
      { column: 'product_category', operator: 'not_in', value: ['Office Supplies', 'Software'] },
    ]);
  });

  it('matches synonyms from the metadata, and new ones an admin adds', () => {
    assert.deepEqual(queryOf('turnover per territory').measures, [{ key: 'revenue', aggregate: 'sum', column: 'revenue' }]);
    assert.deepEqual(queryOf('turnover per territory').dimensions, [{ key: 'region', column: 'region' }]);
    const withSynonym: DatasetTable = {
      ...TABLE,
      columns: TABLE.columns.map((column) => (column.name === 'revenue' ? { ...column, synonyms: [...column.synonyms, 'takings'] } : column)),
    };
    const outcome = parseQuestion({ question: 'takings by channel', vocabulary: buildVocabulary(withSynonym, VALUES), anchor: '2025-12-31', previous: undefined });
    assert.equal(outcome.kind, 'answer');
    assert.equal(parse('takings by channel').kind, 'clarify', 'unknown before the admin added it');
  });

  it('refuses to answer when a word looks like a filter it cannot match', () => {
    assert.deepEqual(parse('revenue in Atlantis'), { kind: 'clarify', unmatched: ['Atlantis'], understood: ['revenue'] });
    assert.equal(parse('revenue for the enterprise segment').kind, 'clarify');
    assert.equal(parse('hello there').kind, 'not_understood');
  });

  it('never answers a different question: a meaningful word it cannot match stops it, lists included', () => {
    assert.deepEqual(parse('what is the cheapest product?'), { kind: 'clarify', unmatched: ['cheapest'], understood: ['by product'] });
    for (const [question, word] of [
      ['what products are popular', 'popular'],
      ['what is the median revenue', 'median'],
      ['how many customers do we have', 'customers'],
      ['orders by weekday', 'weekday'],
      ['revenue growth by region', 'growth'],
      ['cumulative revenue by month', 'cumulative'],
      ['what percentage of revenue comes from online', 'percentage'],
    ]) {
      const outcome = parse(question!);
      assert.equal(outcome.kind, 'clarify', `${question}: ${JSON.stringify(outcome)}`);
      assert.ok((outcome as Extract<ParseOutcome, { kind: 'clarify' }>).unmatched.includes(word!), `${question}: ${JSON.stringify(outcome)}`);
    }
    // Words that change nothing still pass.
    assert.deepEqual(queryOf('list the products').dimensions?.map((d) => d.column), ['product']);
    assert.deepEqual(queryOf('how many distinct products are there').dimensions?.map((d) => d.column), ['product']);
    assert.deepEqual(dates(queryOf('revenue so far this year')), ['gte 2025-01-01', 'lte 2025-12-31']);
    assert.deepEqual(queryOf('how much revenue came from Europe').filters, [{ column: 'region', operator: 'equals', value: 'Europe' }]);
  });
});

describe('follow-ups refine the previous query', () => {
  const previous = queryOf('top 5 products by revenue in 2025');

  it('swaps the dimension and keeps filters and the ranking', () => {
    const next = queryOf('and by country?', undefined, previous);
    assert.deepEqual(next.dimensions, [{ key: 'country', column: 'country' }]);
    assert.deepEqual(next.filters, previous.filters);
    assert.equal(next.limit, 5);
  });

  it('replaces the measure, the period, or a value of the same column', () => {
    assert.deepEqual(queryOf('and units?', undefined, previous).measures, [{ key: 'units', aggregate: 'sum', column: 'units' }]);
    assert.deepEqual(dates(queryOf('what about 2024?', undefined, previous)), ['gte 2024-01-01', 'lte 2024-12-31']);
    const france = queryOf('revenue in France');
    assert.deepEqual(queryOf('and Germany?', undefined, france).filters, [{ column: 'country', operator: 'equals', value: 'Germany' }]);
  });

  it('adds a breakdown when asked to "also" group', () => {
    const next = queryOf('also by channel', undefined, queryOf('revenue by region'));
    assert.deepEqual(next.dimensions?.map((d) => d.column), ['region', 'channel']);
  });

  it('starts afresh on a complete new question', () => {
    const next = queryOf('units by city', undefined, previous);
    assert.deepEqual(next.filters, undefined);
    assert.deepEqual(next.measures?.map((m) => m.column), ['units']);
  });
});
