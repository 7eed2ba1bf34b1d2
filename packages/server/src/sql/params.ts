import type { SqlValue } from '../store/store.ts';

/**
 * Collects bound parameters while SQL text is assembled: every value a caller, a token or an admin supplies
 * goes through `bind` and appears in the SQL only as `$n`.
 */
export class SqlParams {
  readonly values: SqlValue[] = [];

  /** Returns the placeholder for `value`, cast to `sqlType` so both backends infer the same parameter type. */
  bind(value: SqlValue, sqlType: string): string {
    this.values.push(value);
    return `$${this.values.length}::${sqlType}`;
  }
}

/** Identifiers come from validated metadata, never from a request; quoting is defence in depth. */
export const SQL_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

export function quoteIdentifier(name: string): string {
  if (!SQL_IDENTIFIER.test(name)) throw new Error(`refusing to quote the identifier ${JSON.stringify(name)}`);
  return `"${name}"`;
}
