import type { Granularity } from '../query/types.ts';
import { phraseStems } from './text-match.ts';
import type { PeriodUnit } from './time-expressions.ts';

/**
 * The fixed English of questions about data: aggregations, rankings, grouping, negation and comparison cues.
 * Everything table-specific comes from the metadata (vocabulary.ts); these words are the same for every table.
 */
export type Keyword =
  | { kind: 'aggregate'; aggregate: 'sum' | 'avg' | 'min' | 'max' }
  /** "how many", "number of": a count, or a sum of a countable column ("how many units"). */
  | { kind: 'count' }
  /** "highest", "most", "lowest": a ranking when there is a dimension, else max / min. */
  | { kind: 'superlative'; direction: 'asc' | 'desc' }
  /** "top", "bottom": a ranking that may take a number ("top 5"). */
  | { kind: 'rank'; direction: 'asc' | 'desc' }
  | { kind: 'group' }
  | { kind: 'unit'; unit: PeriodUnit }
  | { kind: 'granularity'; granularity: Granularity }
  | { kind: 'negate' }
  | { kind: 'compare' }
  | { kind: 'also' }
  | { kind: 'list' };

const ENTRIES: [string[], Keyword][] = [
  [['total', 'sum', 'overall', 'in total', 'sum of', 'total of', 'combined'], { kind: 'aggregate', aggregate: 'sum' }],
  [['average', 'avg', 'mean', 'typical', 'on average'], { kind: 'aggregate', aggregate: 'avg' }],
  [['maximum', 'max', 'peak'], { kind: 'aggregate', aggregate: 'max' }],
  [['minimum', 'min'], { kind: 'aggregate', aggregate: 'min' }],
  [['how many', 'number of', 'count of', 'count', 'the number of'], { kind: 'count' }],
  [['highest', 'largest', 'biggest', 'greatest', 'most', 'best', 'leading', 'best selling', 'top selling', 'best performing', 'strongest'], { kind: 'superlative', direction: 'desc' }],
  [['lowest', 'smallest', 'least', 'fewest', 'worst', 'worst selling', 'worst performing', 'weakest'], { kind: 'superlative', direction: 'asc' }],
  [['top'], { kind: 'rank', direction: 'desc' }],
  [['bottom'], { kind: 'rank', direction: 'asc' }],
  [['by', 'per', 'each', 'every', 'across', 'for each', 'for every', 'for all', 'across all', 'broken down by', 'break down by', 'breakdown by', 'split by', 'grouped by', 'group by', 'in each', 'within each', 'by each'], { kind: 'group' }],
  [['day', 'days'], { kind: 'unit', unit: 'day' }],
  [['week', 'weeks'], { kind: 'unit', unit: 'week' }],
  [['month', 'months'], { kind: 'unit', unit: 'month' }],
  [['quarter', 'quarters'], { kind: 'unit', unit: 'quarter' }],
  [['year', 'years'], { kind: 'unit', unit: 'year' }],
  [['daily', 'day by day'], { kind: 'granularity', granularity: 'day' }],
  [['weekly', 'week by week'], { kind: 'granularity', granularity: 'week' }],
  [['monthly', 'month by month', 'over time', 'trend', 'trends', 'evolution'], { kind: 'granularity', granularity: 'month' }],
  [['quarterly', 'quarter by quarter'], { kind: 'granularity', granularity: 'quarter' }],
  [['yearly', 'annual', 'annually', 'year by year', 'year over year'], { kind: 'granularity', granularity: 'year' }],
  [['excluding', 'exclude', 'except', 'except for', 'other than', 'apart from', 'without', 'not', 'but not', 'outside', 'outside of', 'besides'], { kind: 'negate' }],
  [['vs', 'versus', 'compared to', 'compared with', 'compare', 'comparison', 'comparing', 'against', 'relative to'], { kind: 'compare' }],
  [['also', 'too', 'as well', 'as well as', 'additionally'], { kind: 'also' }],
  [['list', 'list all', 'show all', 'what are the', 'which are the', 'name the', 'which', 'what'], { kind: 'list' }],
];

export interface KeywordTerm {
  stems: string[];
  keyword: Keyword;
}

export const KEYWORDS: readonly KeywordTerm[] = ENTRIES.flatMap(([phrases, keyword]) =>
  phrases.map((phrase) => ({ stems: phraseStems(phrase), keyword })),
).sort((a, b) => b.stems.length - a.stems.length);

/** Number comparisons in filters: "more than 10 units", "revenue under 1,000". */
export const NUMBER_OPERATORS: readonly { stems: string[]; operator: 'gt' | 'gte' | 'lt' | 'lte' }[] = (
  [
    [['more than', 'greater than', 'over', 'above', 'exceeding', 'bigger than', 'larger than', 'higher than'], 'gt'],
    [['at least', 'no less than', 'minimum of'], 'gte'],
    [['less than', 'fewer than', 'under', 'below', 'smaller than', 'lower than'], 'lt'],
    [['at most', 'no more than', 'maximum of', 'up to'], 'lte'],
  ] as const
)
  .flatMap(([phrases, operator]) => phrases.map((phrase) => ({ stems: phraseStems(phrase), operator })))
  .sort((a, b) => b.stems.length - a.stems.length);

/** Words that may sit between related words ("revenue *of the* online channel") without breaking them apart. */
export const FILLERS = new Set(
  ['the', 'a', 'an', 'of', 'and', 'or', 'in', 'on', 'for', 'from', 'at', 'to', 'with', 'all', 'our', 'my', 'their', 'its', 'that', 'which', 'were', 'was', 'is', 'are', 'did', 'do', 'does', 'has', 'have', 'had', 'been', 'be', 'sold', 'made', 'placed', 'generated', 'earned', 'selling', 'value', 'amount', 'then', 'only', 'just', 'each', 'every', 'there', 'single', 'one'].map(
    (word) => phraseStems(word).join(' '),
  ),
);

/**
 * Words that carry no meaning for the query ("please show me…"), so leaving them unmatched is fine. Any other
 * word that stays unmatched stops the answer: "revenue in Atlantis" must not quietly answer with all revenue, nor
 * "the cheapest product" with a list of products.
 */
export const STOPWORDS = new Set(
  `a about above after again all also am an and any are as at be because been before being between both but by can could
  did do does doing done during each few for from further get give got had has have having he her here hers how i if in
  into is it its itself just let me more my no nor now of off on once only or other our ours out over own please same she
  should show so some such tell than that the their them then there these they this those through to too under until up
  very was we were what when where which while who whom why will with would you your yours see want need know like
  display find fetch compute calculate chart graph plot table figure figures number numbers data value values amount
  sold sell sells selling made make placed generated earned bought buy ordered happened whole entire current
  breakdown split grouped group again kindly hi hello thanks thank ok okay hey much many were was been
  ignore previous prior instructions instruction rules rule pretend act system prompt admin mode bypass override
  everything anything something unfiltered unrestricted access restrictions security filter filters sql query select run
  execute drop delete insert update database raw reveal secret secrets hidden other others every mine detail details
  summary overview general short full terms question answer result results report info information stats statistics
  i'd i'm i've we'd we're we've let's far so distinct different unique came come comes coming across
  administrator forget disable enable attribute attributes`
    .split(/\s+/)
    .filter(Boolean),
);

/** Prepositions after which an unmatched word is probably a name the user meant to filter by. */
export const FILTER_PREPOSITIONS = new Set(['in', 'for', 'from', 'at', 'of', 'about', 'within', 'inside', 'to']);

/** Openings that make a question a follow-up of the previous answer. */
export const FOLLOW_UP_OPENINGS: readonly string[][] = [
  'and',
  'what about',
  'how about',
  'now',
  'only',
  'also',
  'same',
  'instead',
  'but',
  'then',
  'just',
  'excluding',
  'except',
  'without',
  'what if',
  'ok and',
  'and now',
].map(phraseStems);
