/**
 * Words of a question, folded so that "Montréal", "montreal" and "MONTREAL" match, and "laptops" matches the
 * value "Laptop": lower case, accents removed, a possessive "'s" dropped, and a crude plural stem for comparison.
 */

export interface Word {
  /** The word as typed (for echoing it back and spotting capitalised names). */
  raw: string;
  /** Lower case, accents removed. */
  folded: string;
  /** `folded` with a plural ending removed: what phrases are compared on. */
  stem: string;
  /** Offset in the question, so matched spans can be quoted back. */
  start: number;
  end: number;
}

// Letters (with their combining marks) and digits; inner ".", ",", "'" keep "1,000", "2.5" and "o'clock" whole.
const WORD = /[\p{L}\p{M}\p{N}]+(?:[.,'’][\p{L}\p{M}\p{N}]+)*/gu;

export function fold(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/['’]s$/u, '')
    .replace(/’/gu, "'");
}

/** "cities" → "city", "boxes" → "box", "laptops" → "laptop"; short words and "-ss/-is/-us" endings stay. */
export function stem(folded: string): string {
  if (folded.length <= 3 || /\d/.test(folded)) return folded;
  if (folded.endsWith('ies')) return `${folded.slice(0, -3)}y`;
  if (/(ches|shes|sses|xes)$/.test(folded)) return folded.slice(0, -2);
  if (folded.endsWith('s') && !/(ss|is|us)$/.test(folded)) return folded.slice(0, -1);
  return folded;
}

export function words(text: string): Word[] {
  const found: Word[] = [];
  for (const match of text.matchAll(WORD)) {
    const folded = fold(match[0]);
    found.push({ raw: match[0], folded, stem: stem(folded), start: match.index, end: match.index + match[0].length });
  }
  return found;
}

/** A phrase as the stems of its words, for matching against a question's words. */
export function phraseStems(phrase: string): string[] {
  return words(phrase).map((word) => word.stem);
}

/** Whether `stems` occurs in `sentence` starting at word `at`. */
export function matchesAt(sentence: readonly Word[], at: number, stems: readonly string[]): boolean {
  if (stems.length === 0 || at + stems.length > sentence.length) return false;
  return stems.every((wanted, i) => sentence[at + i]!.stem === wanted);
}

/** The question's text of words `from`..`to` (exclusive), as typed. */
export function spanText(question: string, sentence: readonly Word[], from: number, to: number): string {
  if (from >= to) return '';
  return question.slice(sentence[from]!.start, sentence[to - 1]!.end);
}

/** "1,000" → 1000, "2.5k" → 2500, "3m" → 3000000; undefined when the word is not a number. */
export function parseNumber(folded: string): number | undefined {
  const match = /^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(k|m|bn)?$/.exec(folded);
  if (!match) return undefined;
  const base = Number(`${match[1]!.replaceAll(',', '')}${match[2] ? `.${match[2]}` : ''}`);
  const scale = match[3] === 'k' ? 1e3 : match[3] === 'm' ? 1e6 : match[3] === 'bn' ? 1e9 : 1;
  const value = base * scale;
  return Number.isFinite(value) ? value : undefined;
}
