import type { Aggregate, DatasetQuery, Granularity, QueryFilter } from '../../src/query/types.ts';

/**
 * Questions about the sample `sales` data (2024-01-01 … 2025-12-31) with the structured query each should become.
 * Written by hand from the question alone; the answer rows are computed from the generator's rows in JavaScript
 * (query-reference.ts). A conversation's later turns are follow-ups of its earlier ones. `expected: null`: the
 * question is not about the data, or asks what the table cannot answer, and the right answer is to say so without
 * numbers.
 */
export interface EvalTurn {
  question: string;
  expected: DatasetQuery | null;
}

export type EvalConversation = EvalTurn[];

type MeasureSpec = `${Aggregate}:${string}` | 'count';
interface QuerySpec {
  measures?: MeasureSpec[];
  by?: (string | [string, Granularity])[];
  where?: QueryFilter[];
  /** Sort by the first measure. */
  sort?: 'asc' | 'desc';
  limit?: number;
}

/** The assistant's shape for an answer: rows of a grouped answer are capped at 500 unless it ranks. */
function query(spec: QuerySpec): DatasetQuery {
  const measures = (spec.measures ?? []).map((measure, i) => {
    if (measure === 'count') return { key: `m${i}`, aggregate: 'count' as const };
    const [aggregate, column] = measure.split(':') as [Aggregate, string];
    return { key: `m${i}`, aggregate, column };
  });
  const dimensions = (spec.by ?? []).map((dimension, i) =>
    typeof dimension === 'string' ? { key: `d${i}`, column: dimension } : { key: `d${i}`, column: dimension[0], granularity: dimension[1] },
  );
  const result: DatasetQuery = { table: 'sales' };
  if (measures.length > 0) result.measures = measures;
  if (dimensions.length > 0) result.dimensions = dimensions;
  if (spec.where?.length) result.filters = spec.where;
  if (spec.sort) result.sort = [{ key: 'm0', direction: spec.sort }];
  const limit = spec.limit ?? (dimensions.length > 0 ? 500 : undefined);
  if (limit !== undefined) result.limit = limit;
  return result;
}

const between = (start: string, end: string): QueryFilter[] => [
  { column: 'order_date', operator: 'gte', value: start },
  { column: 'order_date', operator: 'lte', value: end },
];
const inYear = (year: number) => between(`${year}-01-01`, `${year}-12-31`);
const is = (column: string, value: string): QueryFilter => ({ column, operator: 'equals', value });

export const EVAL_SET: EvalConversation[] = [
  [{ question: 'What is the total revenue?', expected: query({ measures: ['sum:revenue'] }) }],
  [{ question: 'How many orders were there?', expected: query({ measures: ['count'] }) }],
  [{ question: 'Total units sold', expected: query({ measures: ['sum:units'] }) }],
  [{ question: 'Average revenue per order', expected: query({ measures: ['avg:revenue'] }) }],
  [{ question: 'average order units', expected: query({ measures: ['avg:units'] }) }],
  [{ question: 'Revenue by region', expected: query({ measures: ['sum:revenue'], by: ['region'], sort: 'desc' }) }],
  [{ question: 'Revenue per month', expected: query({ measures: ['sum:revenue'], by: [['order_date', 'month']] }) }],
  [{ question: 'How many orders per channel?', expected: query({ measures: ['count'], by: ['channel'], sort: 'desc' }) }],
  [{ question: 'Units sold by product category', expected: query({ measures: ['sum:units'], by: ['product_category'], sort: 'desc' }) }],
  [{ question: 'Total revenue in 2025', expected: query({ measures: ['sum:revenue'], where: inYear(2025) }) }],
  [{ question: 'Revenue in 2024 by region', expected: query({ measures: ['sum:revenue'], by: ['region'], where: inYear(2024), sort: 'desc' }) }],
  [{ question: 'What was revenue last quarter?', expected: query({ measures: ['sum:revenue'], where: between('2025-10-01', '2025-12-31') }) }],
  [{ question: 'Online revenue', expected: query({ measures: ['sum:revenue'], where: [is('channel', 'Online')] }) }],
  [{ question: 'Revenue in France', expected: query({ measures: ['sum:revenue'], where: [is('country', 'France')] }) }],
  [{ question: 'Revenue from the online channel in 2025', expected: query({ measures: ['sum:revenue'], where: [is('channel', 'Online'), ...inYear(2025)] }) }],
  [{ question: 'Top 5 products by revenue', expected: query({ measures: ['sum:revenue'], by: ['product'], sort: 'desc', limit: 5 }) }],
  [{ question: 'Top 3 countries by units sold', expected: query({ measures: ['sum:units'], by: ['country'], sort: 'desc', limit: 3 }) }],
  [{ question: 'Which region has the highest revenue?', expected: query({ measures: ['sum:revenue'], by: ['region'], sort: 'desc', limit: 1 }) }],
  [{ question: 'Bottom 3 products by revenue', expected: query({ measures: ['sum:revenue'], by: ['product'], sort: 'asc', limit: 3 }) }],
  [{ question: 'Revenue 2025 vs 2024', expected: query({ measures: ['sum:revenue'], by: [['order_date', 'year']], where: between('2024-01-01', '2025-12-31') }) }],
  [{ question: 'Compare online and retail revenue', expected: query({ measures: ['sum:revenue'], by: ['channel'], where: [{ column: 'channel', operator: 'in', value: ['Online', 'Retail'] }], sort: 'desc' }) }],
  [{ question: 'Monthly revenue in Europe', expected: query({ measures: ['sum:revenue'], by: [['order_date', 'month']], where: [is('region', 'Europe')] }) }],
  [{ question: 'Average cost by region', expected: query({ measures: ['avg:cost'], by: ['region'], sort: 'desc' }) }],
  [{ question: 'Revenue by quarter in 2025', expected: query({ measures: ['sum:revenue'], by: [['order_date', 'quarter']], where: inYear(2025) }) }],
  [{ question: 'How many orders in Germany last year?', expected: query({ measures: ['count'], where: [is('country', 'Germany'), ...inYear(2025)] }) }],
  [{ question: 'Revenue of laptops', expected: query({ measures: ['sum:revenue'], where: [is('product', 'Laptop')] }) }],
  [{ question: 'Revenue for Electronics by product', expected: query({ measures: ['sum:revenue'], by: ['product'], where: [is('product_category', 'Electronics')], sort: 'desc' }) }],
  [{ question: 'Total cost in March 2025', expected: query({ measures: ['sum:cost'], where: between('2025-03-01', '2025-03-31') }) }],
  [{ question: 'Revenue excluding Europe by region', expected: query({ measures: ['sum:revenue'], by: ['region'], where: [{ column: 'region', operator: 'not_equals', value: 'Europe' }], sort: 'desc' }) }],
  [{ question: 'How many orders had more than 10 units?', expected: query({ measures: ['count'], where: [{ column: 'units', operator: 'gt', value: 10 }] }) }],
  [{ question: 'Revenue by country in Asia Pacific', expected: query({ measures: ['sum:revenue'], by: ['country'], where: [is('region', 'Asia Pacific')], sort: 'desc' }) }],
  [{ question: 'Weekly orders in December 2025', expected: query({ measures: ['count'], by: [['order_date', 'week']], where: between('2025-12-01', '2025-12-31') }) }],
  [{ question: 'What was the maximum revenue of an order?', expected: query({ measures: ['max:revenue'] }) }],
  [{ question: 'Lowest revenue of a single order', expected: query({ measures: ['min:revenue'] }) }],
  [{ question: 'Revenue in Q1 2025', expected: query({ measures: ['sum:revenue'], where: between('2025-01-01', '2025-03-31') }) }],
  [{ question: 'Year to date revenue', expected: query({ measures: ['sum:revenue'], where: inYear(2025) }) }],
  [{ question: 'Sales by city in Spain', expected: query({ measures: ['sum:revenue'], by: ['city'], where: [is('country', 'Spain')], sort: 'desc' }) }],
  [{ question: 'Top 10 cities by revenue', expected: query({ measures: ['sum:revenue'], by: ['city'], sort: 'desc', limit: 10 }) }],
  [{ question: 'Revenue and cost by category', expected: query({ measures: ['sum:revenue', 'sum:cost'], by: ['product_category'], sort: 'desc' }) }],
  [{ question: 'How many units of Office Chair were sold in 2024?', expected: query({ measures: ['sum:units'], where: [is('product', 'Office Chair'), ...inYear(2024)] }) }],
  [{ question: 'Retail revenue per year', expected: query({ measures: ['sum:revenue'], by: [['order_date', 'year']], where: [is('channel', 'Retail')] }) }],
  [{ question: 'Revenue in Tokyo and Osaka', expected: query({ measures: ['sum:revenue'], where: [{ column: 'city', operator: 'in', value: ['Tokyo', 'Osaka'] }] }) }],
  [{ question: 'Average units per order in the online channel', expected: query({ measures: ['avg:units'], where: [is('channel', 'Online')] }) }],
  [{ question: 'Which product category sold the most units in 2025?', expected: query({ measures: ['sum:units'], by: ['product_category'], where: inYear(2025), sort: 'desc', limit: 1 }) }],
  [{ question: 'Revenue last month', expected: query({ measures: ['sum:revenue'], where: between('2025-12-01', '2025-12-31') }) }],
  [{ question: 'Revenue in the last 3 months', expected: query({ measures: ['sum:revenue'], where: between('2025-10-01', '2025-12-31') }) }],
  [{ question: 'Which month had the highest revenue?', expected: query({ measures: ['sum:revenue'], by: [['order_date', 'month']], sort: 'desc', limit: 1 }) }],
  [{ question: 'Orders over $1,000', expected: query({ measures: ['count'], where: [{ column: 'revenue', operator: 'gt', value: 1000 }] }) }],
  [{ question: 'How many orders per month in the retail channel during 2024?', expected: query({ measures: ['count'], by: [['order_date', 'month']], where: [is('channel', 'Retail'), ...inYear(2024)] }) }],
  [{ question: 'List the product categories', expected: query({ by: ['product_category'] }) }],
  // Phrasings added after the engine was written, and kept whatever it answered.
  [{ question: 'Show me the revenue for each product category in 2024', expected: query({ measures: ['sum:revenue'], by: ['product_category'], where: inYear(2024), sort: 'desc' }) }],
  [{ question: 'What were total sales in Germany?', expected: query({ measures: ['sum:revenue'], where: [is('country', 'Germany')] }) }],
  [{ question: 'Number of orders by region', expected: query({ measures: ['count'], by: ['region'], sort: 'desc' }) }],
  [{ question: 'Give me monthly units for Laptop', expected: query({ measures: ['sum:units'], by: [['order_date', 'month']], where: [is('product', 'Laptop')] }) }],
  [{ question: 'Which country had the lowest revenue in 2025?', expected: query({ measures: ['sum:revenue'], by: ['country'], where: inYear(2025), sort: 'asc', limit: 1 }) }],
  [{ question: 'Average order revenue by channel', expected: query({ measures: ['avg:revenue'], by: ['channel'], sort: 'desc' }) }],
  [{ question: 'How much did we earn in Q4 2024?', expected: query({ measures: ['sum:revenue'], where: between('2024-10-01', '2024-12-31') }) }],
  [{ question: 'Top 3 cities in France by revenue', expected: query({ measures: ['sum:revenue'], by: ['city'], where: [is('country', 'France')], sort: 'desc', limit: 3 }) }],
  [{ question: 'revenue trend for Electronics', expected: query({ measures: ['sum:revenue'], by: [['order_date', 'month']], where: [is('product_category', 'Electronics')] }) }],
  [{ question: 'total cost per quarter', expected: query({ measures: ['sum:cost'], by: [['order_date', 'quarter']] }) }],
  [{ question: 'Compare revenue in Europe and North America', expected: query({ measures: ['sum:revenue'], by: ['region'], where: [{ column: 'region', operator: 'in', value: ['Europe', 'North America'] }], sort: 'desc' }) }],
  [{ question: 'how many orders were placed online last month?', expected: query({ measures: ['count'], where: [is('channel', 'Online'), ...between('2025-12-01', '2025-12-31')] }) }],
  [
    { question: 'Revenue by region', expected: query({ measures: ['sum:revenue'], by: ['region'], sort: 'desc' }) },
    { question: 'and by country?', expected: query({ measures: ['sum:revenue'], by: ['country'], sort: 'desc' }) },
    { question: 'what about 2024?', expected: query({ measures: ['sum:revenue'], by: ['country'], where: inYear(2024), sort: 'desc' }) },
    { question: 'only online', expected: query({ measures: ['sum:revenue'], by: ['country'], where: [...inYear(2024), is('channel', 'Online')], sort: 'desc' }) },
  ],
  [
    { question: 'Top 5 products by revenue', expected: query({ measures: ['sum:revenue'], by: ['product'], sort: 'desc', limit: 5 }) },
    { question: 'and by units?', expected: query({ measures: ['sum:units'], by: ['product'], sort: 'desc', limit: 5 }) },
  ],
  [
    { question: 'Revenue in France', expected: query({ measures: ['sum:revenue'], where: [is('country', 'France')] }) },
    { question: 'And Germany?', expected: query({ measures: ['sum:revenue'], where: [is('country', 'Germany')] }) },
  ],
  // Added with the "this year vs last year" fix: beside "this", "last" is the period before it.
  [{ question: 'Revenue this year vs last year', expected: query({ measures: ['sum:revenue'], by: [['order_date', 'year']], where: between('2024-01-01', '2025-12-31') }) }],
  [{ question: 'Orders this quarter vs last quarter', expected: query({ measures: ['count'], by: [['order_date', 'quarter']], where: between('2025-07-01', '2025-12-31') }) }],
  // Questions the sample table cannot answer as asked: the right answer says what it could not match, without figures.
  [{ question: 'What is the cheapest product?', expected: null }],
  [{ question: 'What is the median revenue?', expected: null }],
  [{ question: "What's the weather like in the office today?", expected: null }],
  [{ question: 'Tell me a joke', expected: null }],
];
