import { TcError, invalidRequest } from '../errors.ts';
import type { AttributeType } from '../attributes/service.ts';
import {
  DEFAULT_TOKEN_LIFETIME,
  MAX_TOKEN_LIFETIME_SECONDS,
  MIN_TOKEN_LIFETIME_SECONDS,
  SUPPORTED_ROLES,
  type AttributeValue,
} from './claims.ts';

export interface GenerateTokenRequest {
  distinctId: string;
  role: 'explorer';
  attributes: Record<string, AttributeValue>;
  expiresIn: string;
  lifetimeSeconds: number;
}

const MAX_DISTINCT_ID_LENGTH = 256;
const MAX_STRING_ATTRIBUTE_LENGTH = 1024;
const MAX_ARRAY_ATTRIBUTE_ITEMS = 200;
const TOP_LEVEL_FIELDS = new Set(['user', 'expiresIn']);
const USER_FIELDS = new Set(['distinctId', 'role', 'attributes']);
const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2}))?$/;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** "15m" / "1h" / "900s" / 900 → seconds, within 1 minute and 24 hours. */
export function parseExpiresIn(value: unknown): { expiresIn: string; lifetimeSeconds: number } {
  const range = 'expiresIn must be between 1 minute and 24 hours, written like "15m", "1h" or "24h".';
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < MIN_TOKEN_LIFETIME_SECONDS || value > MAX_TOKEN_LIFETIME_SECONDS) {
      throw invalidRequest('expiresIn', range);
    }
    return { expiresIn: `${value}s`, lifetimeSeconds: value };
  }
  if (typeof value !== 'string') throw invalidRequest('expiresIn', range);
  const match = /^(\d{1,6})\s*(s|m|h|d)$/.exec(value.trim());
  if (!match) throw invalidRequest('expiresIn', range);
  const lifetimeSeconds = Number(match[1]) * UNIT_SECONDS[match[2]!]!;
  if (lifetimeSeconds < MIN_TOKEN_LIFETIME_SECONDS || lifetimeSeconds > MAX_TOKEN_LIFETIME_SECONDS) {
    throw invalidRequest('expiresIn', range);
  }
  return { expiresIn: `${Number(match[1])}${match[2]}`, lifetimeSeconds };
}

function isValidDate(value: string): boolean {
  return ISO_DATE.test(value) && !Number.isNaN(Date.parse(value));
}

function checkAttribute(field: string, value: unknown, type: AttributeType): AttributeValue {
  const wrong = (expected: string) => invalidRequest(field, `${field} must be ${expected} (its registered type is ${type}).`);
  switch (type) {
    case 'string':
      if (typeof value !== 'string') throw wrong('a string');
      if (value.length > MAX_STRING_ATTRIBUTE_LENGTH) throw invalidRequest(field, `${field} must be at most ${MAX_STRING_ATTRIBUTE_LENGTH} characters.`);
      return value;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw wrong('a finite number');
      return value;
    case 'boolean':
      if (typeof value !== 'boolean') throw wrong('true or false');
      return value;
    case 'date':
      if (typeof value !== 'string' || !isValidDate(value)) throw wrong('an ISO 8601 date such as "2025-06-30"');
      return value;
    case 'string[]':
      if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) throw wrong('an array of strings');
      if (value.length > MAX_ARRAY_ATTRIBUTE_ITEMS) throw invalidRequest(field, `${field} may hold at most ${MAX_ARRAY_ATTRIBUTE_ITEMS} values.`);
      if (value.some((item: string) => item.length > MAX_STRING_ATTRIBUTE_LENGTH)) {
        throw invalidRequest(field, `each value of ${field} must be at most ${MAX_STRING_ATTRIBUTE_LENGTH} characters.`);
      }
      return value as string[];
  }
}

/**
 * Validates the body of POST /embed/generate-token (seed 003 plus the optional `expiresIn`) against the
 * organization's registered token attributes. Every refusal names the field.
 */
export function parseGenerateTokenRequest(body: unknown, attributeTypes: ReadonlyMap<string, AttributeType>): GenerateTokenRequest {
  if (!isPlainObject(body)) {
    throw invalidRequest('body', 'The request body must be a JSON object like {"user": {"distinctId": "user-123", "role": "explorer", "attributes": {}}}.');
  }
  for (const key of Object.keys(body)) {
    if (!TOP_LEVEL_FIELDS.has(key)) throw invalidRequest(key, `Unknown field "${key}"; the body takes "user" and optionally "expiresIn".`);
  }
  const { user } = body;
  if (user === undefined) throw invalidRequest('user', 'user is required: {"user": {"distinctId": "…", "role": "explorer", "attributes": {}}}.');
  if (!isPlainObject(user)) throw invalidRequest('user', 'user must be an object with distinctId, role and attributes.');
  for (const key of Object.keys(user)) {
    if (!USER_FIELDS.has(key)) throw invalidRequest(`user.${key}`, `Unknown field "user.${key}"; user takes distinctId, role and attributes (put custom values in user.attributes).`);
  }

  const { distinctId, role, attributes } = user;
  if (distinctId === undefined) throw invalidRequest('user.distinctId', 'user.distinctId is required: a unique id of the user in your app.');
  if (typeof distinctId !== 'string') throw invalidRequest('user.distinctId', 'user.distinctId must be a string.');
  if (distinctId.trim() === '') throw invalidRequest('user.distinctId', 'user.distinctId must not be empty.');
  if (distinctId.length > MAX_DISTINCT_ID_LENGTH) throw invalidRequest('user.distinctId', `user.distinctId must be at most ${MAX_DISTINCT_ID_LENGTH} characters.`);

  if (role === undefined) throw invalidRequest('user.role', 'user.role is required: use "explorer".');
  if (typeof role !== 'string') throw invalidRequest('user.role', 'user.role must be a string: use "explorer".');
  if (!SUPPORTED_ROLES.includes(role as 'explorer')) {
    throw new TcError('unsupported_role', `user.role "${role.slice(0, 40)}" is not supported; the supported role is "explorer".`, [{ field: 'user.role', message: 'unsupported role' }]);
  }

  if (attributes === undefined) throw invalidRequest('user.attributes', 'user.attributes is required: send {} when the user has none.');
  const checked = parseTokenAttributes(attributes, attributeTypes, 'user.attributes');

  const lifetime = parseExpiresIn(body.expiresIn ?? DEFAULT_TOKEN_LIFETIME);
  return { distinctId, role: 'explorer', attributes: checked, ...lifetime };
}

/**
 * Token attributes checked against the organization's registered types — for minting, and for the admin's
 * rule preview ("a user with these attributes sees N rows"). `field` prefixes the names in refusals.
 */
export function parseTokenAttributes(
  attributes: unknown,
  attributeTypes: ReadonlyMap<string, AttributeType>,
  field: string,
): Record<string, AttributeValue> {
  if (!isPlainObject(attributes)) throw invalidRequest(field, `${field} must be an object of registered token attributes.`);
  const checked: Record<string, AttributeValue> = {};
  for (const [name, value] of Object.entries(attributes)) {
    const type = attributeTypes.get(name);
    if (!type) {
      throw invalidRequest(
        `${field}.${name.slice(0, 64)}`,
        `${field}.${name.slice(0, 64)} is not a registered token attribute; add it under Settings › Embed & access › Token attributes or with "tc-embed attributes add ${name.slice(0, 64)} --type string".`,
      );
    }
    checked[name] = checkAttribute(`${field}.${name}`, value, type);
  }
  return checked;
}
