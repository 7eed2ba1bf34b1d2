import type { FastifyInstance } from 'fastify';
import { TcError } from '../errors.ts';

const NUL = '\u0000';

/**
 * The dotted path of the first string (value or key) in `value` that contains a NUL character, or undefined.
 * Iterative, so a deeply nested body cannot exhaust the stack.
 */
export function findNulCharacter(value: unknown, root: string): string | undefined {
  const pending: [unknown, string][] = [[value, root]];
  while (pending.length > 0) {
    const [current, path] = pending.pop()!;
    if (typeof current === 'string') {
      if (current.includes(NUL)) return path;
    } else if (current !== null && typeof current === 'object') {
      for (const [key, child] of Object.entries(current)) {
        const childPath = path ? `${path}.${key}` : key;
        if (key.includes(NUL)) return childPath;
        pending.push([child, childPath]);
      }
    }
  }
  return undefined;
}

/**
 * PostgreSQL cannot store U+0000 in text: refuse it where it enters (path, query, body) with the field's name,
 * instead of letting the database fail the statement.
 */
export function registerNulGuard(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const field =
      findNulCharacter(request.params, '') ?? findNulCharacter(request.query, '') ?? findNulCharacter(request.body, '');
    if (field === undefined) return;
    const name = field || 'body';
    throw new TcError('invalid_request', `${name} contains a NUL character (\\u0000), which tc-embed cannot store; remove it.`, [
      { field: name, message: 'contains a NUL character' },
    ]);
  });
}
