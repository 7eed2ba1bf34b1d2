import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';

export interface ContractErrorBody {
  error: { code: string; message: string; details?: { field?: string; message: string }[] };
}

export interface ExpectedError {
  status: number;
  code: string;
  /** The field the message (and details[0].field, when `details` is expected) must name. */
  field?: string;
  /** Whether `details[0].field` must equal `field` (the default when a field is given). */
  details?: boolean;
  /** Extra text the message must contain, e.g. the fix. */
  mentions?: RegExp;
}

/**
 * Asserts the contract's error shape (§5): the status, `{"error": {code, message, details?}}` and nothing else,
 * a message that names the field, no stack trace. Returns the parsed body.
 */
export function assertContractError(
  response: Pick<LightMyRequestResponse, 'statusCode' | 'body' | 'headers'>,
  expected: ExpectedError,
): ContractErrorBody {
  const context = `${response.statusCode} ${response.body}`;
  assert.equal(response.statusCode, expected.status, context);
  assert.match(String(response.headers['content-type']), /^application\/json/, context);
  const body = JSON.parse(response.body) as ContractErrorBody;
  assert.deepEqual(Object.keys(body), ['error'], context);
  const allowed = new Set(['code', 'message', 'details']);
  for (const key of Object.keys(body.error)) assert.ok(allowed.has(key), `unexpected error.${key}: ${context}`);
  assert.equal(body.error.code, expected.code, context);
  assert.equal(typeof body.error.message, 'string', context);
  assert.ok(body.error.message.length > 10, `message too short to be useful: ${context}`);
  assert.doesNotMatch(body.error.message, /\n\s+at /, 'a stack trace leaked into the message');
  if (expected.field !== undefined) {
    assert.ok(body.error.message.includes(expected.field), `message does not name ${expected.field}: ${context}`);
    if (expected.details ?? true) {
      assert.ok(Array.isArray(body.error.details), `details missing: ${context}`);
      assert.equal(body.error.details![0]!.field, expected.field, context);
    }
  }
  if (expected.mentions) assert.match(body.error.message, expected.mentions, context);
  return body;
}
