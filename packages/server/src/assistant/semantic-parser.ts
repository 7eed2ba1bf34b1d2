import type { DatasetColumn } from '../datasets/types.ts';
import type { QueryFilter } from '../query/types.ts';
import { dedupe, type Intent, type IntentDimension, type IntentMeasure } from './intent.ts';
import { FILLERS, FILTER_PREPOSITIONS, FOLLOW_UP_OPENINGS, KEYWORDS, NUMBER_OPERATORS, STOPWORDS, type Keyword } from './keywords.ts';
import { matchesAt, parseNumber, spanText, words, type Word } from './text-match.ts';
import { findTimeMentions, GRANULARITY_OF_UNIT, type TimeMention } from './time-expressions.ts';
import { isMeasureColumn, type Vocabulary } from './vocabulary.ts';

/**
 * The embedded assistant engine: a deterministic parser from a plain-language question to an Intent over one
 * table, using only the table's metadata and the values the user can see. No network, no model: the same
 * question over the same data always gives the same query. It answers only what it understood completely; a
 * meaningful word it cannot match ("revenue in Atlantis", "the cheapest product") stops it, so it never answers a
 * different question than the one asked.
 */

export interface ParseInput {
  question: string;
  vocabulary: Vocabulary;
  /** The latest date in the data the user can see: "last quarter" counts back from it. */
  anchor: string;
  /** The intent of the previous answer in this conversation, for follow-ups ("and by country?"). */
  previous: Intent | undefined;
}

export type ParseOutcome =
  | { kind: 'answer'; intent: Intent; periods: string[]; followUp: boolean }
  /** Understood in part, but some words look like names or filters that match nothing the user can see. */
  | { kind: 'clarify'; unmatched: string[]; understood: string[] }
  | { kind: 'not_understood'; understood: string[] };

type Mention =
  | { kind: 'keyword'; from: number; to: number; keyword: Keyword }
  | { kind: 'column'; from: number; to: number; column: DatasetColumn; plural: boolean }
  | { kind: 'value'; from: number; to: number; options: { column: DatasetColumn; value: string }[] }
  | { kind: 'entity'; from: number; to: number; plural: boolean }
  | { kind: 'number'; from: number; to: number; value: number }
  | { kind: 'time'; from: number; to: number; time: TimeMention }
  | { kind: 'number-filter'; from: number; to: number; filter: QueryFilter; column: DatasetColumn };

const isPlural = (sentence: readonly Word[], from: number, to: number): boolean =>
  sentence.slice(from, to).some((word) => word.folded !== word.stem);

const BEFORE_NUMBER_COLUMN = new Set(['is', 'was', 'are', 'were', 'of', 'with', 'where', 'having', 'that', 'be', 'worth']);
const CURRENCY_WORDS = /^(dollars?|usd|bucks)$/;

/** Finds what each part of the question refers to: periods first, then number filters, then the longest phrases. */
function scan(question: string, sentence: readonly Word[], vocabulary: Vocabulary, anchor: string): Mention[] {
  const taken = new Array<boolean>(sentence.length).fill(false);
  const free = (from: number, to: number) => to <= sentence.length && taken.slice(from, to).every((t) => !t);
  const take = (from: number, to: number) => taken.fill(true, from, to);
  const mentions: Mention[] = [];

  for (const time of findTimeMentions(sentence, anchor)) {
    mentions.push({ kind: 'time', from: time.from, to: time.to, time });
    take(time.from, time.to);
  }

  const measureTerms = vocabulary.terms.filter((term) => term.kind === 'column' && isMeasureColumn(term.column)) as Extract<
    Vocabulary['terms'][number],
    { kind: 'column' }
  >[];
  const measureAt = (at: number) => measureTerms.find((term) => matchesAt(sentence, at, term.stems) && free(at, at + term.stems.length));
  const measureEndingAt = (end: number) =>
    measureTerms.find((term) => end - term.stems.length >= 0 && matchesAt(sentence, end - term.stems.length, term.stems) && free(end - term.stems.length, end));

  for (let at = 0; at < sentence.length; at++) {
    const operator = NUMBER_OPERATORS.find((op) => matchesAt(sentence, at, op.stems) && free(at, at + op.stems.length));
    if (!operator) continue;
    let next = at + operator.stems.length;
    const numberWord = sentence[next];
    const value = numberWord && free(next, next + 1) ? parseNumber(numberWord.folded) : undefined;
    if (value === undefined || !numberWord) continue;
    next += 1;
    const currency = question[numberWord.start - 1] === '$' || CURRENCY_WORDS.test(sentence[next]?.folded ?? '');
    if (CURRENCY_WORDS.test(sentence[next]?.folded ?? '')) next += 1;
    let from = at;
    let to = next;
    let column: DatasetColumn | undefined;
    const skip = ['of', 'in', 'worth'].includes(sentence[next]?.folded ?? '') ? 1 : 0;
    const after = measureAt(next + skip);
    if (after) {
      column = after.column;
      to = next + skip + after.stems.length;
    } else {
      // "revenue over 1,000", "orders with units above 5"
      let end = at;
      while (end > 0 && BEFORE_NUMBER_COLUMN.has(sentence[end - 1]!.folded) && free(end - 1, end)) end -= 1;
      const before = measureEndingAt(end);
      if (before) {
        column = before.column;
        from = end - before.stems.length;
      } else if (currency && vocabulary.defaultMeasure?.format === 'currency') {
        column = vocabulary.defaultMeasure;
      }
    }
    if (!column) continue;
    mentions.push({ kind: 'number-filter', from, to, column, filter: { column: column.name, operator: operator.operator, value } });
    take(from, to);
  }

  for (let at = 0; at < sentence.length; ) {
    if (taken[at]) {
      at += 1;
      continue;
    }
    const keyword = KEYWORDS.find((term) => matchesAt(sentence, at, term.stems) && free(at, at + term.stems.length));
    const matching = vocabulary.terms.filter((term) => matchesAt(sentence, at, term.stems) && free(at, at + term.stems.length));
    const longest = matching.reduce((max, term) => Math.max(max, term.stems.length), 0);
    if (keyword && keyword.stems.length >= longest) {
      mentions.push({ kind: 'keyword', from: at, to: at + keyword.stems.length, keyword: keyword.keyword });
      at += keyword.stems.length;
      continue;
    }
    if (longest > 0) {
      const to = at + longest;
      const best = matching.filter((term) => term.stems.length === longest);
      const column = best.find((term) => term.kind === 'column');
      const entity = best.find((term) => term.kind === 'entity');
      if (column && column.kind === 'column') {
        mentions.push({ kind: 'column', from: at, to, column: column.column, plural: isPlural(sentence, at, to) });
      } else if (entity) {
        mentions.push({ kind: 'entity', from: at, to, plural: isPlural(sentence, at, to) });
      } else {
        const options = best.flatMap((term) => (term.kind === 'value' ? [{ column: term.column, value: term.value }] : []));
        mentions.push({ kind: 'value', from: at, to, options });
      }
      at = to;
      continue;
    }
    const number = parseNumber(sentence[at]!.folded);
    if (number !== undefined) mentions.push({ kind: 'number', from: at, to: at + 1, value: number });
    at += 1;
  }
  return mentions.sort((a, b) => a.from - b.from);
}

interface Reading {
  measures: (IntentMeasure & { explicit: boolean; superlative?: 'asc' | 'desc'; implicitAggregate: boolean })[];
  dimensions: (IntentDimension & { plural: boolean })[];
  values: { options: { column: DatasetColumn; value: string }[]; negated: boolean; qualifiedBy: string | undefined }[];
  numberFilters: QueryFilter[];
  times: TimeMention[];
  rank: { direction: 'asc' | 'desc'; limit: number | undefined } | undefined;
  superlative: 'asc' | 'desc' | undefined;
  compare: boolean;
  also: boolean;
  listOnly: boolean;
  /** Mentions that were read (for "I understood …"). */
  understood: string[];
  /** Words covered by a mention, whether or not it changed the query. */
  covered: boolean[];
}

/** Reads the mentions in order, as a person would: "average" binds to the next measure, "by" to the next column… */
function read(question: string, sentence: readonly Word[], mentions: Mention[], vocabulary: Vocabulary): Reading {
  const reading: Reading = {
    measures: [],
    dimensions: [],
    values: [],
    numberFilters: [],
    times: [],
    rank: undefined,
    superlative: undefined,
    compare: false,
    also: false,
    listOnly: false,
    understood: [],
    covered: new Array<boolean>(sentence.length).fill(false),
  };
  const onlyFillersBetween = (from: number, to: number) => sentence.slice(from, to).every((word) => FILLERS.has(word.stem));
  const linked = (a: Mention | undefined, b: Mention | undefined) => a !== undefined && b !== undefined && a.to <= b.from && onlyFillersBetween(a.to, b.from);
  // Side by side but for an article: "the online channel", "country France".
  const tight = (a: Mention | undefined, b: Mention | undefined) =>
    a !== undefined && b !== undefined && a.to <= b.from && sentence.slice(a.to, b.from).every((word) => ['the', 'a', 'an'].includes(word.folded));
  const isKeyword = (m: Mention | undefined, kind: Keyword['kind']): boolean => m?.kind === 'keyword' && m.keyword.kind === kind;
  const dateColumn = vocabulary.dateColumn;

  let grouping = false;
  let negating = false;
  let countCueOpen = false;
  let listCue = false;

  for (let k = 0; k < mentions.length; k++) {
    const m = mentions[k]!;
    const prev = mentions[k - 1];
    const next = mentions[k + 1];
    reading.covered.fill(true, m.from, m.to);
    if (!linked(prev, m)) {
      grouping = false;
      negating = false;
    }
    const text = spanText(question, sentence, m.from, m.to);

    switch (m.kind) {
      case 'keyword': {
        const keyword = m.keyword;
        if (keyword.kind === 'group') grouping = true;
        else if (keyword.kind === 'negate') negating = true;
        else if (keyword.kind === 'compare') reading.compare = true;
        else if (keyword.kind === 'also') reading.also = true;
        else if (keyword.kind === 'list') listCue = true;
        else if (keyword.kind === 'count') countCueOpen = true;
        else if (keyword.kind === 'superlative') reading.superlative ??= keyword.direction;
        else if (keyword.kind === 'rank') {
          const limit = next?.kind === 'number' && next.from === m.to && Number.isInteger(next.value) && next.value >= 1 && next.value <= 1000 ? next.value : undefined;
          if (limit !== undefined) {
            reading.covered.fill(true, next!.from, next!.to);
            k += 1;
          }
          reading.rank = { direction: keyword.direction, limit };
          reading.understood.push(limit ? `${keyword.direction === 'desc' ? 'top' : 'bottom'} ${limit}` : text);
        } else if (keyword.kind === 'unit' || keyword.kind === 'granularity') {
          const granularity = keyword.kind === 'unit' ? GRANULARITY_OF_UNIT[keyword.unit] : keyword.granularity;
          // "per month", "each quarter", "which month", "monthly": a period dimension; a lone "month" means nothing.
          const asDimension = keyword.kind === 'granularity' || grouping || (listCue && linked(prev, m)) || isKeyword(prev, 'superlative');
          if (asDimension && dateColumn) {
            reading.dimensions.push({ column: dateColumn.name, granularity, plural: false });
            reading.understood.push(`by ${granularity}`);
          }
        }
        if (keyword.kind === 'aggregate' || keyword.kind === 'superlative' || keyword.kind === 'count') reading.understood.push(text.toLowerCase());
        break;
      }
      case 'column': {
        const column = m.column;
        if (isMeasureColumn(column)) {
          // Walk back over "average", "how many", "highest", "order" … that qualify this measure.
          let aggregate: IntentMeasure['aggregate'] | undefined;
          let superlative: 'asc' | 'desc' | undefined;
          let counted = false;
          for (let j = k - 1, right: Mention = m; j >= 0; j--) {
            const before = mentions[j]!;
            if (!linked(before, right)) break;
            if (before.kind === 'keyword' && before.keyword.kind === 'aggregate') aggregate ??= before.keyword.aggregate;
            else if (before.kind === 'keyword' && before.keyword.kind === 'superlative') superlative ??= before.keyword.direction;
            else if (before.kind === 'keyword' && before.keyword.kind === 'count') counted = true;
            else if (before.kind !== 'entity') break;
            right = before;
          }
          if (counted) countCueOpen = false;
          // "how many units" adds units up; "how many sales" (money) counts the rows.
          const measure: Reading['measures'][number] =
            counted && !aggregate && column.format !== 'integer'
              ? { aggregate: 'count', column: undefined, explicit: true, implicitAggregate: false }
              : { aggregate: aggregate ?? 'sum', column: column.name, explicit: true, implicitAggregate: aggregate === undefined };
          if (superlative) measure.superlative = superlative;
          reading.measures.push(measure);
          reading.understood.push(column.label.toLowerCase());
          break;
        }
        // "the online channel", "country France": the column only names the value's column.
        const qualifies = (other: Mention | undefined) =>
          other?.kind === 'value' && other.options.some((option) => option.column.name === column.name) && (tight(other, m) || tight(m, other));
        if (qualifies(prev) || qualifies(next)) {
          const value = reading.values.at(-1);
          if (qualifies(prev) && value) value.qualifiedBy = column.name;
          break;
        }
        const countedList = countCueOpen && linked(prev, m);
        if (countedList || (listCue && !grouping)) reading.listOnly = reading.listOnly || countedList || listCue;
        countCueOpen = false;
        reading.dimensions.push({ column: column.name, granularity: column.type === 'date' ? 'day' : undefined, plural: m.plural });
        reading.understood.push(`by ${column.label.toLowerCase()}`);
        break;
      }
      case 'entity': {
        // "average order units": the entity only qualifies the measure after it.
        if (next?.kind === 'column' && isMeasureColumn(next.column) && linked(m, next)) break;
        // "revenue per order": an average over rows.
        const previousMeasure = reading.measures.at(-1);
        if (isKeyword(prev, 'group') && linked(prev, m)) {
          grouping = false;
          if (previousMeasure && previousMeasure.implicitAggregate && previousMeasure.column) {
            previousMeasure.aggregate = 'avg';
            previousMeasure.implicitAggregate = false;
          }
          break;
        }
        // "the maximum revenue of an order": the entity names the row a measure is taken over.
        const article = sentence[m.from - 1]?.folded;
        if (previousMeasure && (article === 'a' || article === 'an' || article === 'single' || article === 'one')) break;
        const superlative = prev?.kind === 'keyword' && prev.keyword.kind === 'superlative' && linked(prev, m) ? prev.keyword.direction : undefined;
        countCueOpen = false;
        reading.measures.push({ aggregate: 'count', column: undefined, explicit: true, implicitAggregate: false, ...(superlative ? { superlative } : {}) });
        reading.understood.push(`number of ${vocabulary.rowNoun.toLowerCase()}`);
        break;
      }
      case 'value': {
        const negated = negating || (prev?.kind === 'value' && linked(prev, m) && reading.values.at(-1)?.negated === true);
        reading.values.push({ options: m.options, negated, qualifiedBy: undefined });
        reading.understood.push(negated ? `not ${m.options[0]!.value}` : m.options[0]!.value);
        break;
      }
      case 'number-filter':
        reading.numberFilters.push(m.filter);
        reading.understood.push(`${m.column.label.toLowerCase()} ${{ gt: 'over', gte: 'at least', lt: 'under', lte: 'at most' }[m.filter.operator as 'gt']} ${String(m.filter.value)}`);
        break;
      case 'time':
        reading.times.push(m.time);
        reading.understood.push(m.time.label);
        break;
      case 'number':
        // A number that is no period, limit or comparison is left for the leftover check.
        reading.covered.fill(false, m.from, m.to);
        break;
    }
  }
  // "how many in France?": a count of rows.
  if (countCueOpen && !reading.measures.some((measure) => measure.aggregate === 'count')) {
    reading.measures.push({ aggregate: 'count', column: undefined, explicit: true, implicitAggregate: false });
  }
  return reading;
}

/** Words that carry meaning (not stopwords) but matched nothing. */
function looseWords(sentence: readonly Word[], covered: readonly boolean[]): string[] {
  return sentence
    .filter((word, i) => !covered[i] && !STOPWORDS.has(word.folded) && !STOPWORDS.has(word.stem) && !FILLERS.has(word.stem))
    .map((word) => word.raw);
}

/** Words that look meaningful but matched nothing: a capitalised name, a number, or a word after "in", "for" … */
function unmatchedPhrases(sentence: readonly Word[], covered: readonly boolean[]): string[] {
  const phrases: string[] = [];
  let current: string[] = [];
  const flush = () => {
    if (current.length > 0) phrases.push(current.join(' '));
    current = [];
  };
  sentence.forEach((word, i) => {
    const meaningless = covered[i] || STOPWORDS.has(word.folded) || STOPWORDS.has(word.stem) || FILLERS.has(word.stem);
    if (meaningless) {
      flush();
      return;
    }
    let before = i - 1;
    while (before >= 0 && ['the', 'a', 'an'].includes(sentence[before]!.folded)) before -= 1;
    const afterPreposition = before >= 0 && FILTER_PREPOSITIONS.has(sentence[before]!.folded);
    const looksLikeName = /^\p{Lu}/u.test(word.raw);
    const isNumber = /\d/.test(word.folded);
    if (looksLikeName || isNumber || afterPreposition || current.length > 0) current.push(word.raw);
  });
  flush();
  return phrases;
}

function resolveValueColumn(
  value: Reading['values'][number],
  dimensions: readonly IntentDimension[],
  vocabulary: Vocabulary,
): { column: DatasetColumn; value: string } {
  const options = value.options;
  if (options.length === 1) return options[0]!;
  const named = options.find((option) => option.column.name === value.qualifiedBy) ?? options.find((option) => dimensions.some((d) => d.column === option.column.name));
  if (named) return named;
  // "Singapore" is a city and a country: the coarser column (fewer values) is the likelier meaning.
  return [...options].sort((a, b) => (vocabulary.valueCounts.get(a.column.name) ?? 0) - (vocabulary.valueCounts.get(b.column.name) ?? 0))[0]!;
}

function valueFilters(reading: Reading, vocabulary: Vocabulary, dimensions: IntentDimension[]): { filters: QueryFilter[]; compared: string | undefined } {
  const groups = new Map<string, { column: string; values: string[]; negated: boolean }>();
  for (const value of reading.values) {
    const { column, value: resolved } = resolveValueColumn(value, dimensions, vocabulary);
    const key = `${column.name}|${value.negated}`;
    const group = groups.get(key) ?? { column: column.name, values: [], negated: value.negated };
    if (!group.values.includes(resolved)) group.values.push(resolved);
    groups.set(key, group);
  }
  const filters: QueryFilter[] = [];
  let compared: string | undefined;
  for (const group of groups.values()) {
    if (group.values.length === 1) {
      filters.push({ column: group.column, operator: group.negated ? 'not_equals' : 'equals', value: group.values[0] });
    } else {
      filters.push({ column: group.column, operator: group.negated ? 'not_in' : 'in', value: [...group.values] });
      if (!group.negated && reading.compare) compared ??= group.column;
    }
  }
  return { filters, compared };
}

function timeFilters(reading: Reading, dateColumn: string): { filters: QueryFilter[]; dimension: IntentDimension | undefined } {
  const filters: QueryFilter[] = [];
  const ranges = reading.times.filter((time) => time.bound === 'range');
  let dimension: IntentDimension | undefined;
  if (ranges.length > 0) {
    const start = ranges.map((time) => time.range.start).sort()[0]!;
    const end = ranges.map((time) => time.range.end).sort().at(-1)!;
    filters.push({ column: dateColumn, operator: 'gte', value: start }, { column: dateColumn, operator: 'lte', value: end });
    // "2025 vs 2024": both periods side by side, one row each.
    const unit = ranges[0]!.unit;
    if (reading.compare && ranges.length >= 2 && unit && ranges.every((time) => time.unit === unit)) {
      dimension = { column: dateColumn, granularity: GRANULARITY_OF_UNIT[unit] };
    }
  }
  for (const time of reading.times) {
    if (time.bound === 'since') filters.push({ column: dateColumn, operator: 'gte', value: time.range.start });
    if (time.bound === 'after') filters.push({ column: dateColumn, operator: 'gt', value: time.range.end });
    if (time.bound === 'before') filters.push({ column: dateColumn, operator: 'lt', value: time.range.start });
    if (time.bound === 'until') filters.push({ column: dateColumn, operator: 'lte', value: time.range.end });
  }
  return { filters, dimension };
}

/** A follow-up keeps what the previous answer asked and replaces what the new question names. */
function refine(previous: Intent, next: Intent, reading: Reading, explicitMeasures: boolean): Intent {
  const measures = explicitMeasures ? (reading.also ? [...previous.measures, ...next.measures] : next.measures) : previous.measures;
  const dimensions =
    next.dimensions.length > 0 ? (reading.also ? [...previous.dimensions, ...next.dimensions] : next.dimensions) : previous.dimensions;
  const replaced = new Set(next.filters.map((filter) => filter.column));
  const filters = [...previous.filters.filter((filter) => !replaced.has(filter.column)), ...next.filters];
  return {
    table: previous.table,
    measures: dedupe(measures, (a, b) => a.aggregate === b.aggregate && a.column === b.column),
    dimensions: dedupe(dimensions, (a, b) => a.column === b.column && a.granularity === b.granularity).slice(0, 3),
    filters,
    // A new ranking is set by the caller; "and by country?" after "top 5 products" keeps the top 5.
    ranking: next.dimensions.length > 0 || dimensions.length > 0 ? previous.ranking : undefined,
  };
}

const strip = <T extends object>(item: T, ...keys: string[]): T => {
  const copy = { ...item } as Record<string, unknown>;
  for (const key of keys) delete copy[key];
  return copy as T;
};

export function parseQuestion(input: ParseInput): ParseOutcome {
  const { question, vocabulary, previous } = input;
  const sentence = words(question);
  const mentions = scan(question, sentence, vocabulary, input.anchor);
  const reading = read(question, sentence, mentions, vocabulary);
  const unmatched = unmatchedPhrases(sentence, reading.covered);
  const understood = [...new Set(reading.understood)];
  if (reading.times.length > 0 && !vocabulary.dateColumn) unmatched.push(...reading.times.map((time) => time.label));
  if (unmatched.length > 0) return { kind: 'clarify', unmatched, understood };

  const dateColumn = vocabulary.dateColumn?.name;
  let dimensions: IntentDimension[] = reading.dimensions.map((dimension) => strip(dimension, 'plural'));
  const { filters: byValue, compared } = valueFilters(reading, vocabulary, dimensions);
  const byTime = dateColumn ? timeFilters(reading, dateColumn) : { filters: [], dimension: undefined };
  if (compared && !dimensions.some((dimension) => dimension.column === compared)) dimensions.push({ column: compared, granularity: undefined });
  if (byTime.dimension && !dimensions.some((d) => d.column === byTime.dimension!.column)) dimensions.push(byTime.dimension);
  dimensions = dimensions.slice(0, 3);

  const measures = reading.measures.map((measure) => ({ ...measure }));
  const superlativeMeasure = measures.findIndex((measure) => measure.superlative !== undefined);
  const direction = reading.rank?.direction ?? (superlativeMeasure >= 0 ? measures[superlativeMeasure]!.superlative : reading.superlative);
  // The ranked measure leads: the query sorts by the first measure.
  if (superlativeMeasure > 0 && dimensions.length > 0) measures.unshift(...measures.splice(superlativeMeasure, 1));
  const explicitMeasures = measures.length > 0;
  const filters = [...byValue, ...reading.numberFilters, ...byTime.filters];
  const listOnly = reading.listOnly && !explicitMeasures && dimensions.length > 0 && !direction;
  const isFollowUp =
    previous !== undefined &&
    previous.table.id === vocabulary.table.id &&
    (FOLLOW_UP_OPENINGS.some((opening) => matchesAt(sentence, 0, opening)) || (!explicitMeasures && !listOnly));
  if (dimensions.length === 0 && superlativeMeasure >= 0 && !isFollowUp) {
    // "the highest revenue" with nothing to rank: the largest single value.
    const measure = measures[superlativeMeasure]!;
    if (measure.column && measure.implicitAggregate) measure.aggregate = measure.superlative === 'desc' ? 'max' : 'min';
  }

  const somethingAsked =
    explicitMeasures || dimensions.length > 0 || filters.length > 0 || reading.rank !== undefined || (isFollowUp && direction !== undefined);
  if (!somethingAsked) return { kind: 'not_understood', understood };
  // Any meaningful word left over changes the question: "takings by channel" is not the default measure by channel,
  // "the cheapest product" not a plain list of products, "median revenue" not total revenue, "orders by weekday"
  // not the number of orders. Better to say what was not matched than to answer a different question.
  const loose = looseWords(sentence, reading.covered);
  if (loose.length > 0) return { kind: 'clarify', unmatched: loose, understood };

  const intentMeasures: IntentMeasure[] = measures.map((measure) => ({ aggregate: measure.aggregate, column: measure.column }));
  if (intentMeasures.length === 0 && !listOnly && !isFollowUp && vocabulary.defaultMeasure) {
    intentMeasures.push({ aggregate: 'sum', column: vocabulary.defaultMeasure.name });
  }
  let intent: Intent = { table: vocabulary.table, measures: intentMeasures, dimensions, filters, ranking: undefined };
  if (isFollowUp) intent = refine(previous!, intent, reading, explicitMeasures);
  if (direction && intent.dimensions.length > 0 && intent.measures.length > 0) {
    // "top 5" keeps 5; otherwise one row for a singular noun ("which region"), ten for a plural ("which products").
    const plural = reading.dimensions[0]?.plural ?? reading.dimensions.length === 0;
    const limit = reading.rank?.limit ?? (reading.dimensions.length === 0 ? previous?.ranking?.limit : undefined) ?? (plural ? 10 : 1);
    intent.ranking = { direction, limit };
  }
  if (intent.measures.length === 0 && intent.dimensions.length === 0) return { kind: 'not_understood', understood };
  return { kind: 'answer', intent, periods: reading.times.map((time) => time.label), followUp: isFollowUp };
}
