import type { DatasetTable } from '../datasets/types.ts';
import { isIdentifierColumn, isMeasureColumn } from './vocabulary.ts';

/** "category" → "categories", "box" → "boxes", "product" → "products". */
function plural(noun: string): string {
  if (/[^aeiou]y$/.test(noun)) return `${noun.slice(0, -1)}ies`;
  if (/(s|x|ch|sh)$/.test(noun)) return `${noun}es`;
  return `${noun}s`;
}

const lower = (label: string) => label.toLowerCase();

/**
 * Questions to start from, written from a table's metadata alone (labels of its measures, text columns and date
 * column) — never from its values, so they reveal nothing a user's access rules hide. Each one is a question the
 * embedded engine answers.
 */
export function suggestQuestions(table: DatasetTable, max = 5): string[] {
  const measures = table.columns.filter(isMeasureColumn);
  const measure = measures.find((column) => column.format === 'currency') ?? measures[0];
  const other = measures.find((column) => column !== measure);
  const texts = table.columns.filter((column) => column.type === 'string');
  const date = table.columns.find((column) => column.type === 'date');
  const id = table.columns.find(isIdentifierColumn);
  const rowNoun = id ? lower(id.label.replace(/(?:\s+|_)(?:id|number|no|key)$/i, '')) : undefined;

  const questions: string[] = [];
  if (measure && texts[0]) questions.push(`Total ${lower(measure.label)} by ${lower(texts[0].label)}`);
  if (measure && date) questions.push(`${measure.label} per month`);
  const ranked = texts[Math.min(1, texts.length - 1)];
  if (measure && ranked) questions.push(`Top 5 ${plural(lower(ranked.label))} by ${lower(measure.label)}`);
  if (rowNoun && date) questions.push(`How many ${plural(rowNoun)} last quarter?`);
  const lastText = texts.at(-1);
  if (other && lastText) questions.push(`Average ${lower(other.label)} by ${lower(lastText.label)}`);
  if (questions.length === 0 && texts[0]) questions.push(`List the ${plural(lower(texts[0].label))}`);
  return questions.slice(0, max);
}
