import type { Granularity } from '../query/types.ts';
import { parseNumber, type Word } from './text-match.ts';

/**
 * Periods named in a question ("in 2025", "Q1 2025", "March", "last quarter", "the last 3 months", "year to date",
 * "since June 2024") turned into date ranges. Relative periods count back from the data's latest date (the
 * anchor) rather than today, so a question about sample data from 2025 means the same thing in any year.
 * "This quarter/month/year" is the one holding the anchor. "Last quarter/month/year" alone is the latest complete
 * one in the data (with data ending on 2025-12-31, "last year" is 2025); named beside "this" of the same unit it is
 * the one just before it, so "this year vs last year" compares 2025 with 2024, never a year with itself.
 */

export type PeriodUnit = 'day' | 'week' | 'month' | 'quarter' | 'year';

export interface DateRange {
  /** Inclusive, YYYY-MM-DD. */
  start: string;
  /** Inclusive, YYYY-MM-DD. */
  end: string;
}

export interface TimeMention {
  /** Words `from`..`to` (exclusive) of the question. */
  from: number;
  to: number;
  /** `range`: start..end; `since`: ≥ start; `after`: > end; `before`: < start; `until`: ≤ end. */
  bound: 'range' | 'since' | 'after' | 'before' | 'until';
  range: DateRange;
  /** The calendar unit the period is (a year, a quarter, …): two periods of one unit can be compared side by side. */
  unit: PeriodUnit | undefined;
  /** Plain words: "2025", "Q4 2025", "the last 3 months (2025-10-01 to 2025-12-31)". */
  label: string;
}

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const MONTH_LABELS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const ORDINAL_QUARTERS: Record<string, number> = { first: 1, '1st': 1, second: 2, '2nd': 2, third: 3, '3rd': 3, fourth: 4, '4th': 4, last: 4 };
const UNIT_WORDS: Record<string, PeriodUnit> = {
  day: 'day',
  days: 'day',
  week: 'week',
  weeks: 'week',
  month: 'month',
  months: 'month',
  quarter: 'quarter',
  quarters: 'quarter',
  year: 'year',
  years: 'year',
};
const SMALL_NUMBERS: Record<string, number> = { one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, twelve: 12 };

export const GRANULARITY_OF_UNIT: Record<PeriodUnit, Granularity> = { day: 'day', week: 'week', month: 'month', quarter: 'quarter', year: 'year' };

// ——— calendar arithmetic on YYYY-MM-DD, in UTC ———

const DAY_MS = 86_400_000;
const iso = (date: Date): string => date.toISOString().slice(0, 10);
const utc = (year: number, month: number, day: number): Date => new Date(Date.UTC(year, month, day));
const parseIso = (value: string): Date => new Date(`${value}T00:00:00Z`);
export const addDays = (value: string, days: number): string => iso(new Date(parseIso(value).getTime() + days * DAY_MS));

function monthRange(year: number, month: number): DateRange {
  return { start: iso(utc(year, month, 1)), end: iso(utc(year, month + 1, 0)) };
}
function quarterRange(year: number, quarter: number): DateRange {
  return { start: iso(utc(year, (quarter - 1) * 3, 1)), end: iso(utc(year, quarter * 3, 0)) };
}
function yearRange(year: number): DateRange {
  return { start: `${String(year).padStart(4, '0')}-01-01`, end: `${String(year).padStart(4, '0')}-12-31` };
}
/** Weeks start on Monday, as PostgreSQL's date_trunc('week') does. */
function weekRange(value: string): DateRange {
  const date = parseIso(value);
  const start = addDays(value, -((date.getUTCDay() + 6) % 7));
  return { start, end: addDays(start, 6) };
}

/** The period of `unit` holding `anchor`. */
function periodOf(unit: PeriodUnit, anchor: string): DateRange {
  const date = parseIso(anchor);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  switch (unit) {
    case 'day':
      return { start: anchor, end: anchor };
    case 'week':
      return weekRange(anchor);
    case 'month':
      return monthRange(year, month);
    case 'quarter':
      return quarterRange(year, Math.floor(month / 3) + 1);
    case 'year':
      return yearRange(year);
  }
}

/** The period of `unit` just before `range` (which is one such period). */
function previousPeriod(unit: PeriodUnit, range: DateRange): DateRange {
  return periodOf(unit, addDays(range.start, -1));
}

/** The latest period of `unit` that the data covers completely: the anchor's own when the anchor ends it. */
function latestCompletePeriod(unit: PeriodUnit, anchor: string): DateRange {
  const current = periodOf(unit, anchor);
  return current.end === anchor ? current : previousPeriod(unit, current);
}

function labelOf(unit: PeriodUnit, range: DateRange): string {
  const date = parseIso(range.start);
  const year = date.getUTCFullYear();
  switch (unit) {
    case 'year':
      return String(year);
    case 'quarter':
      return `Q${Math.floor(date.getUTCMonth() / 3) + 1} ${year}`;
    case 'month':
      return `${MONTH_LABELS[date.getUTCMonth()]} ${year}`;
    case 'week':
      return `the week of ${range.start}`;
    case 'day':
      return range.start;
  }
}

// ——— recognising periods in words ———

const isYear = (word: Word | undefined): number | undefined => {
  if (!word || !/^\d{4}$/.test(word.folded)) return undefined;
  const year = Number(word.folded);
  return year >= 1900 && year <= 2100 ? year : undefined;
};

function monthIndex(word: Word | undefined): number | undefined {
  if (!word) return undefined;
  const index = MONTHS.findIndex((month) => word.folded === month || (word.folded.length === 3 && month.startsWith(word.folded)));
  return index === -1 ? undefined : index;
}

interface Period {
  to: number;
  range: DateRange;
  /** Undefined for spans that are not one calendar period ("the last 3 months", "year to date"). */
  unit: PeriodUnit | undefined;
  label: string;
}

/** A year after word `at` ("2025", "of 2025"), or the year whose `build` period ends closest before the anchor. */
function withYear(sentence: readonly Word[], at: number, anchor: string, build: (year: number) => DateRange): { to: number; range: DateRange } {
  const skipOf = sentence[at]?.folded === 'of' || sentence[at]?.folded === 'in' ? 1 : 0;
  const year = isYear(sentence[at + skipOf]);
  if (year !== undefined) return { to: at + skipOf + 1, range: build(year) };
  // No year: the latest such period that has started by the anchor ("March" in December 2025 is March 2025).
  const anchorYear = parseIso(anchor).getUTCFullYear();
  const thisYear = build(anchorYear);
  return { to: at, range: thisYear.start <= anchor ? thisYear : build(anchorYear - 1) };
}

/** A calendar period starting at word `at`: a year, a quarter, a month, or a period relative to the anchor. */
function periodAt(sentence: readonly Word[], at: number, anchor: string, thisUnits: ReadonlySet<PeriodUnit>): Period | undefined {
  const word = sentence[at]!;
  const next = sentence[at + 1];

  const year = isYear(word);
  if (year !== undefined) return { to: at + 1, range: yearRange(year), unit: 'year', label: String(year) };

  const quarterMatch = /^q([1-4])$/.exec(word.folded);
  const ordinal = ORDINAL_QUARTERS[word.folded];
  const quarter = quarterMatch ? Number(quarterMatch[1]) : ordinal !== undefined && next?.folded === 'quarter' ? ordinal : undefined;
  if (quarter !== undefined && !(word.folded === 'last' && next?.folded === 'quarter' && !isYearAfter(sentence, at + 2))) {
    const found = withYear(sentence, quarterMatch ? at + 1 : at + 2, anchor, (y) => quarterRange(y, quarter));
    return { to: found.to, range: found.range, unit: 'quarter', label: labelOf('quarter', found.range) };
  }

  const month = monthIndex(word);
  // "may" is a month only beside a year or after "in" ("in May"), not in "may I see…".
  if (month !== undefined && (word.folded !== 'may' || isYear(next) !== undefined || sentence[at - 1]?.folded === 'in')) {
    const found = withYear(sentence, at + 1, anchor, (y) => monthRange(y, month));
    return { to: found.to, range: found.range, unit: 'month', label: labelOf('month', found.range) };
  }

  // "last quarter", "previous month", "this year", "the past year"
  if (['last', 'previous', 'past', 'prior'].includes(word.folded) && next && UNIT_WORDS[next.folded] && !next.folded.endsWith('s')) {
    const unit = UNIT_WORDS[next.folded]!;
    // Beside "this year", "last year" is the year before it; alone, the latest complete one.
    const range = thisUnits.has(unit) ? previousPeriod(unit, periodOf(unit, anchor)) : latestCompletePeriod(unit, anchor);
    return { to: at + 2, range, unit, label: `last ${unit} (${labelOf(unit, range)})` };
  }
  if (['this', 'current'].includes(word.folded) && next && UNIT_WORDS[next.folded] && !next.folded.endsWith('s')) {
    const unit = UNIT_WORDS[next.folded]!;
    const range = periodOf(unit, anchor);
    return { to: at + 2, range, unit, label: `this ${unit} (${labelOf(unit, range)})` };
  }

  // "last 3 months", "past 30 days", "previous two quarters"
  if (['last', 'past', 'previous', 'trailing'].includes(word.folded) && next) {
    const count = parseNumber(next.folded) ?? SMALL_NUMBERS[next.folded];
    const unit = UNIT_WORDS[sentence[at + 2]?.folded ?? ''];
    if (count !== undefined && Number.isInteger(count) && count >= 1 && count <= 1000 && unit) {
      const range = trailingPeriods(unit, count, anchor);
      return { to: at + 3, range, unit: count === 1 ? unit : undefined, label: `the last ${count} ${unit}${count === 1 ? '' : 's'} (${range.start} to ${range.end})` };
    }
  }

  // "year to date", "ytd", "month to date", "quarter to date"
  const toDateUnit = ['ytd', 'qtd', 'mtd'].includes(word.folded)
    ? ({ ytd: 'year', qtd: 'quarter', mtd: 'month' } as const)[word.folded as 'ytd' | 'qtd' | 'mtd']
    : UNIT_WORDS[word.folded] && next?.folded === 'to' && sentence[at + 2]?.folded === 'date'
      ? UNIT_WORDS[word.folded]
      : undefined;
  if (toDateUnit && toDateUnit !== 'day' && toDateUnit !== 'week') {
    const range = { start: periodOf(toDateUnit, anchor).start, end: anchor };
    return { to: ['ytd', 'qtd', 'mtd'].includes(word.folded) ? at + 1 : at + 3, range, unit: undefined, label: `${toDateUnit} to date (${range.start} to ${range.end})` };
  }

  if (word.folded === 'today') return { to: at + 1, range: { start: anchor, end: anchor }, unit: 'day', label: `the latest day in the data (${anchor})` };
  if (word.folded === 'yesterday') {
    const day = addDays(anchor, -1);
    return { to: at + 1, range: { start: day, end: day }, unit: 'day', label: day };
  }
  return undefined;
}

const isYearAfter = (sentence: readonly Word[], at: number): boolean =>
  isYear(sentence[at]) !== undefined || ((sentence[at]?.folded === 'of' || sentence[at]?.folded === 'in') && isYear(sentence[at + 1]) !== undefined);

/** The `count` latest complete periods of `unit` (days end at the anchor itself). */
function trailingPeriods(unit: PeriodUnit, count: number, anchor: string): DateRange {
  if (unit === 'day') return { start: addDays(anchor, -(count - 1)), end: anchor };
  const last = latestCompletePeriod(unit, anchor);
  let first = last;
  for (let i = 1; i < count; i++) first = previousPeriod(unit, first);
  return { start: first.start, end: last.end };
}

const OPEN_BOUNDS: Record<string, TimeMention['bound']> = {
  since: 'since',
  after: 'after',
  before: 'before',
  until: 'until',
  through: 'until',
  till: 'until',
};

/**
 * Every period the question names, left to right, with the words each covers. "between X and Y" and "from X to
 * Y" become one range; "since/after/before/until X" open-ended ones.
 */
export function findTimeMentions(sentence: readonly Word[], anchor: string): TimeMention[] {
  const mentions: TimeMention[] = [];
  const thisUnits = new Set<PeriodUnit>();
  sentence.forEach((word, i) => {
    const unit = UNIT_WORDS[sentence[i + 1]?.folded ?? ''];
    if ((word.folded === 'this' || word.folded === 'current') && unit && !sentence[i + 1]!.folded.endsWith('s')) thisUnits.add(unit);
  });
  for (let at = 0; at < sentence.length; ) {
    const lead = sentence[at]!.folded;
    // "from X" alone means in X ("sales from 2024"); "from X to Y" is a range.
    const boundWord: string | undefined = OPEN_BOUNDS[lead] ?? (lead === 'between' || lead === 'from' ? lead : undefined);
    const upTo = lead === 'up' && sentence[at + 1]?.folded === 'to' ? 2 : 0;
    const start = boundWord ? at + 1 : at + upTo;
    const period = start < sentence.length ? periodAt(sentence, start, anchor, thisUnits) : undefined;
    if (!period) {
      at += 1;
      continue;
    }
    // "between X and Y" / "from X to Y": one range from the start of X to the end of Y.
    const joiner = sentence[period.to]?.folded;
    if ((boundWord === 'between' && joiner === 'and') || (lead === 'from' && (joiner === 'to' || joiner === 'until' || joiner === 'through'))) {
      const second = period.to + 1 < sentence.length ? periodAt(sentence, period.to + 1, anchor, thisUnits) : undefined;
      if (second) {
        const range = { start: period.range.start, end: second.range.end };
        mentions.push({ from: at, to: second.to, bound: 'range', range, unit: undefined, label: `${period.label} to ${second.label}` });
        at = second.to;
        continue;
      }
    }
    if (upTo) {
      mentions.push({ from: at, to: period.to, bound: 'until', range: period.range, unit: period.unit, label: `up to the end of ${period.label}` });
    } else if (boundWord && boundWord !== 'between' && boundWord !== 'from') {
      const bound = boundWord as TimeMention['bound'];
      const words = { since: 'since', after: 'after', before: 'before', until: 'until the end of', range: '' }[bound];
      mentions.push({ from: at, to: period.to, bound, range: period.range, unit: period.unit, label: `${words} ${period.label}` });
    } else {
      mentions.push({ from: boundWord ? at : start, to: period.to, bound: 'range', range: period.range, unit: period.unit, label: period.label });
    }
    at = period.to;
  }
  return mentions;
}

/** The plain-words label of a period of one unit, e.g. for a comparison's rows. */
export function periodLabel(unit: PeriodUnit, start: string): string {
  return labelOf(unit, periodOf(unit, start));
}
