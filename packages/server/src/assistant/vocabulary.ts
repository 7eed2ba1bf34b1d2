import type { DatasetColumn, DatasetTable } from '../datasets/types.ts';
import { FILLERS, STOPWORDS } from './keywords.ts';
import { fold, phraseStems } from './text-match.ts';

/**
 * What the words of a question can refer to in one table, built from its metadata (column names, labels,
 * synonyms an admin added) and from the values of its text columns that the asking user can see.
 */

export type Term =
  | { kind: 'column'; stems: string[]; column: DatasetColumn }
  | { kind: 'value'; stems: string[]; column: DatasetColumn; value: string }
  /** A thing one row stands for ("order", from an "Order ID" column; or "rows", "records"): counted, not summed. */
  | { kind: 'entity'; stems: string[]; noun: string };

export interface Vocabulary {
  table: DatasetTable;
  terms: Term[];
  /** What a question without a measure is about: the first currency column, else the first numeric one. */
  defaultMeasure: DatasetColumn | undefined;
  /** The date column periods ("in 2025", "per month") apply to: the first one. */
  dateColumn: DatasetColumn | undefined;
  /** The noun for one row, as counts are labelled ("Orders"); "Rows" when the table has no id column. */
  rowNoun: string;
  /** How many distinct values each text column has for this user: a name found in two columns goes to the smaller. */
  valueCounts: ReadonlyMap<string, number>;
}

/** Values of one text column that the user can see (read through their row-level security). */
export type VisibleValues = ReadonlyMap<string, readonly string[]>;

const GENERIC_ROW_NOUNS = ['row', 'rows', 'record', 'records', 'entry', 'entries', 'transaction', 'transactions', 'line', 'lines'];
const ID_SUFFIX = /(?:\s+|_)(?:id|number|no|key)$/i;
const MAX_VALUE_LENGTH = 80;

/** An id column ("order_id", "Order ID") names what a row is; it is counted, never summed. */
export function isIdentifierColumn(column: DatasetColumn): boolean {
  return column.type === 'number' && (ID_SUFFIX.test(column.name) || ID_SUFFIX.test(column.label));
}

export const isMeasureColumn = (column: DatasetColumn): boolean => column.type === 'number' && !isIdentifierColumn(column);

function columnPhrases(column: DatasetColumn): string[] {
  return [column.name.replaceAll('_', ' '), column.label, ...column.synonyms];
}

const capitalise = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

export function buildVocabulary(table: DatasetTable, visible: VisibleValues): Vocabulary {
  const terms: Term[] = [];
  const seen = new Set<string>();
  const add = (term: Term): void => {
    if (term.stems.length === 0) return;
    const key = `${term.kind}:${term.kind === 'value' ? `${term.column.name}=${term.value}` : term.kind === 'column' ? term.column.name : ''}:${term.stems.join(' ')}`;
    if (seen.has(key)) return;
    seen.add(key);
    terms.push(term);
  };

  let rowNoun: string | undefined;
  for (const column of table.columns) {
    if (isIdentifierColumn(column)) {
      // "Order ID" → rows are orders: "how many orders", "orders per month".
      const noun = fold(column.label.replace(ID_SUFFIX, '').trim() || column.name.replace(ID_SUFFIX, ''));
      rowNoun ??= noun;
      for (const phrase of [noun, `${noun} line`, ...columnPhrases(column)]) add({ kind: 'entity', stems: phraseStems(phrase), noun });
      continue;
    }
    for (const phrase of columnPhrases(column)) add({ kind: 'column', stems: phraseStems(phrase), column });
  }
  for (const noun of GENERIC_ROW_NOUNS) add({ kind: 'entity', stems: phraseStems(noun), noun: rowNoun ?? 'row' });

  const valueCounts = new Map<string, number>();
  for (const column of table.columns) {
    const values = visible.get(column.name);
    if (column.type !== 'string' || !values) continue;
    valueCounts.set(column.name, values.length);
    for (const value of values) {
      if (value.length === 0 || value.length > MAX_VALUE_LENGTH) continue;
      add({ kind: 'value', stems: phraseStems(value), column, value });
    }
  }
  // Longest first: "Office Supplies" before "Office", "Mexico City" before "Mexico".
  terms.sort((a, b) => b.stems.length - a.stems.length);

  const measures = table.columns.filter(isMeasureColumn);
  return {
    table,
    terms,
    defaultMeasure: measures.find((column) => column.format === 'currency') ?? measures[0],
    dateColumn: table.columns.find((column) => column.type === 'date'),
    rowNoun: capitalise(`${rowNoun ?? 'row'}s`),
    valueCounts,
  };
}

export interface TableRelevance {
  /** Words of its column names, labels and synonyms the question uses (a phrase counts its words). */
  names: number;
  /** Other words of the question (not its column names) found in the table's label or description or a column's. */
  descriptions: number;
}

/**
 * How strongly a question is about a table. Descriptions are weaker evidence than names (a description is prose,
 * and shares words with others): they only decide between tables whose names fit the question equally.
 */
export function tableRelevance(table: DatasetTable, questionStems: readonly string[]): TableRelevance {
  const text = ` ${questionStems.join(' ')} `;
  let names = 0;
  for (const column of table.columns) {
    for (const phrase of columnPhrases(column)) {
      const stems = phraseStems(phrase);
      if (stems.length > 0 && text.includes(` ${stems.join(' ')} `)) {
        names += stems.length;
        break;
      }
    }
  }
  const prose = new Set(phraseStems([table.label, table.description, ...table.columns.map((column) => column.description)].join(' ')));
  // Words the names already counted ("units" in "Number of units") are no further evidence.
  const named = new Set(table.columns.flatMap((column) => columnPhrases(column).flatMap(phraseStems)));
  const meaningful = new Set(
    questionStems.filter((stem) => stem.length > 2 && !/\d/.test(stem) && !STOPWORDS.has(stem) && !FILLERS.has(stem) && !named.has(stem)),
  );
  const descriptions = [...meaningful].filter((stem) => prose.has(stem)).length;
  return { names, descriptions };
}
