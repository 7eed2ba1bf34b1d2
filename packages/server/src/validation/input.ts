import { invalidRequest } from '../errors.ts';

/**
 * Small checks for JSON input from the admin API, the CLI and stored definitions. Each refusal is a 400
 * `invalid_request` whose message and detail name the field by its path (e.g. `tiles[2].query.limit`).
 */

export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function expectObject(value: unknown, field: string, allowed: readonly string[]): Record<string, unknown> {
  if (!isPlainObject(value)) throw invalidRequest(field, `${field} must be an object.`);
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      const name = `${field}.${key.slice(0, 64)}`;
      throw invalidRequest(name, `Unknown field "${name}"; ${field} takes ${allowed.join(', ')}.`);
    }
  }
  return value;
}

export function expectString(value: unknown, field: string, options: { min?: number; max: number; pattern?: RegExp; hint?: string }): string {
  const { min = 1, max, pattern, hint } = options;
  if (typeof value !== 'string') throw invalidRequest(field, `${field} must be a string${hint ? ` (${hint})` : ''}.`);
  if (value.length < min || value.length > max) {
    const range = min > 0 ? `${min} to ${max}` : `at most ${max}`;
    throw invalidRequest(field, `${field} must be ${range} characters long.`);
  }
  if (pattern && !pattern.test(value)) throw invalidRequest(field, `${field} ${hint ? `must be ${hint}` : 'has an invalid format'}.`);
  return value;
}

export function expectOneOf<T extends string>(value: unknown, field: string, choices: readonly T[]): T {
  if (typeof value !== 'string' || !choices.includes(value as T)) {
    throw invalidRequest(field, `${field} must be one of ${choices.join(', ')}.`);
  }
  return value as T;
}

export function expectInteger(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalidRequest(field, `${field} must be a whole number from ${min} to ${max}.`);
  }
  return value;
}

export function expectArray(value: unknown, field: string, max: number, min = 0): unknown[] {
  if (!Array.isArray(value)) throw invalidRequest(field, `${field} must be an array.`);
  if (value.length < min || value.length > max) {
    throw invalidRequest(field, min > 0 ? `${field} must hold ${min} to ${max} items.` : `${field} may hold at most ${max} items.`);
  }
  return value;
}
