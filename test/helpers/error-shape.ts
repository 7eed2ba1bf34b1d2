import assert from 'node:assert/strict';
import { ERROR_STATUS, type ErrorCode } from '../../packages/server/src/errors.ts';

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}

/**
 * The contract's error shape (§5) for an answer whose code no test chose in advance (the fuzzers'): `{"error":
 * {code, message, details?}}` and nothing else, a known code whose status is the one answered, a message, details
 * as an array when present.
 */
export function assertErrorShape(body: unknown, status: number, context: string): asserts body is ErrorBody {
  assert.ok(body !== null && typeof body === 'object', context);
  assert.deepEqual(Object.keys(body), ['error'], context);
  const { error } = body as ErrorBody;
  for (const key of Object.keys(error)) assert.ok(['code', 'message', 'details'].includes(key), `error.${key} in ${context}`);
  assert.equal(typeof error.code, 'string', context);
  assert.equal(ERROR_STATUS[error.code], status, `code and status disagree: ${context}`);
  assert.ok(typeof error.message === 'string' && error.message.length > 0, context);
  if (error.details !== undefined) assert.ok(Array.isArray(error.details), context);
}
