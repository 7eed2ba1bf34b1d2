import { isIP } from 'node:net';
import { TcError, type ErrorDetail } from '../errors.ts';

/** What every response shows in place of a secret that is set. */
export const MASKED_SECRET = '••••••';

export const SSL_MODES = ['disable', 'require', 'verify-full'] as const;
export type SslMode = (typeof SSL_MODES)[number];

export const STATEMENT_TIMEOUT_MS = { min: 100, max: 300_000, default: 30_000 } as const;
export const MAX_ROWS = { min: 1, max: 100_000, default: 10_000 } as const;
export const DEFAULT_PORT = 5432;
/** TLS with a verified certificate unless the admin chooses less (the test explains a failing certificate). */
export const DEFAULT_SSL_MODE: SslMode = 'verify-full';
export const SAMPLE_CONNECTION_NAME = 'Sample database';

/** How to reach a PostgreSQL database and the limits every query on it runs under. */
export interface ConnectionSettings {
  host: string;
  port: number;
  database: string;
  user: string;
  sslMode: SslMode;
  statementTimeoutMs: number;
  maxRows: number;
}

/** `keep`: the request left the password out or sent the mask back; `clear`: null or "". */
export type PasswordChange = { action: 'keep' } | { action: 'clear' } | { action: 'set'; value: string };

export interface ConnectionFields {
  name?: string;
  settings: Partial<ConnectionSettings>;
  password: PasswordChange;
}

/**
 * create: a new saved connection (name, host, database, user required);
 * draft: a connection tested before saving (name optional);
 * update: a PATCH, every field optional.
 */
export type ValidationMode = 'create' | 'draft' | 'update';

const KNOWN_FIELDS = new Set(['name', 'kind', 'host', 'port', 'database', 'user', 'password', 'sslMode', 'statementTimeoutMs', 'maxRows']);
const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;
const MAX_PASSWORD_LENGTH = 1024;

function readHost(value: unknown): { host: string } | { error: string } {
  if (typeof value !== 'string' || value.trim() === '') return { error: 'host is required: the PostgreSQL server\'s name or IP address, e.g. "db.example.com".' };
  const host = value.trim().replace(/^\[(.*)\]$/, '$1');
  if (host.startsWith('/')) return { error: 'host must be a network host name or IP address; Unix socket paths are not allowed.' };
  if (isIP(host) === 0 && !HOSTNAME.test(host)) {
    return { error: `host "${host.slice(0, 80)}" is not a valid host name or IP address (no scheme, port or path: put the port in "port").` };
  }
  return { host };
}

/**
 * Checks a connection body field by field. Every problem names its field; all problems are reported at once.
 * Returns only the fields present (create/draft fill in defaults for the optional ones).
 */
export function validateConnectionFields(body: unknown, mode: ValidationMode): ConnectionFields {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new TcError('invalid_request', 'The body must be a JSON object with the connection\'s fields.', [{ field: 'body', message: 'not an object' }]);
  }
  const input = body as Record<string, unknown>;
  const problems: ErrorDetail[] = [];
  const problem = (field: string, message: string) => problems.push({ field, message });
  const has = (field: string) => Object.hasOwn(input, field) && input[field] !== undefined;
  const required = mode === 'update' ? () => false : (field: string) => field !== 'name' || mode === 'create';

  for (const field of Object.keys(input)) {
    if (!KNOWN_FIELDS.has(field)) problem(field, `${field} is not a connection field; known fields: ${[...KNOWN_FIELDS].join(', ')}.`);
  }

  const fields: ConnectionFields = { settings: {}, password: { action: 'keep' } };

  if (has('kind') && input.kind !== 'postgres') {
    problem('kind', 'kind must be "postgres"; the sample database is built in and cannot be added.');
  }

  if (has('name')) {
    const name = typeof input.name === 'string' ? input.name.trim() : '';
    if (name === '' || name.length > 100 || CONTROL_CHARACTERS.test(name)) problem('name', 'name must be 1 to 100 characters, e.g. "Warehouse (read replica)".');
    else if (name.toLowerCase() === SAMPLE_CONNECTION_NAME.toLowerCase()) problem('name', `name "${name}" is the built-in sample database's; choose another.`);
    else fields.name = name;
  } else if (required('name')) problem('name', 'name is required, e.g. "Warehouse".');

  if (has('host')) {
    const read = readHost(input.host);
    if ('host' in read) fields.settings.host = read.host;
    else problem('host', read.error);
  } else if (required('host')) problem('host', 'host is required: the PostgreSQL server\'s name or IP address, e.g. "db.example.com".');

  if (has('port')) {
    if (typeof input.port !== 'number' || !Number.isInteger(input.port) || input.port < 1 || input.port > 65535) problem('port', 'port must be a whole number from 1 to 65535 (PostgreSQL listens on 5432 by default).');
    else fields.settings.port = input.port;
  }

  for (const [field, label] of [['database', 'the database name'], ['user', 'the user (role) to sign in as']] as const) {
    if (has(field)) {
      const value = input[field];
      if (typeof value !== 'string' || value.trim() === '' || value.length > 63 || CONTROL_CHARACTERS.test(value)) {
        problem(field, `${field} must be ${label}: 1 to 63 characters without control characters.`);
      } else fields.settings[field] = value.trim();
    } else if (required(field)) problem(field, `${field} is required: ${label}.`);
  }

  if (has('password')) {
    const password = input.password;
    if (password === null || password === '') fields.password = { action: 'clear' };
    else if (password === MASKED_SECRET) {
      if (mode === 'update') fields.password = { action: 'keep' };
      else problem('password', `password is the mask "${MASKED_SECRET}"; send the real password (or leave it out when the server needs none).`);
    } else if (typeof password !== 'string' || password.length > MAX_PASSWORD_LENGTH || password.includes('\u0000')) {
      problem('password', `password must be a string of at most ${MAX_PASSWORD_LENGTH} characters; null or "" removes it.`);
    } else fields.password = { action: 'set', value: password };
  }

  if (has('sslMode')) {
    if (typeof input.sslMode !== 'string' || !SSL_MODES.includes(input.sslMode as SslMode)) {
      problem('sslMode', `sslMode must be one of ${SSL_MODES.join(', ')} ("verify-full" checks the server certificate; "require" encrypts without checking it).`);
    } else fields.settings.sslMode = input.sslMode as SslMode;
  }

  const limits = [
    ['statementTimeoutMs', STATEMENT_TIMEOUT_MS, 'milliseconds a query may run'],
    ['maxRows', MAX_ROWS, 'rows a query may return'],
  ] as const;
  for (const [field, range, what] of limits) {
    if (!has(field)) continue;
    const value = input[field];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < range.min || value > range.max) {
      problem(field, `${field} (${what}) must be a whole number from ${range.min} to ${range.max}.`);
    } else fields.settings[field] = value;
  }

  if (problems.length > 0) {
    throw new TcError('invalid_request', problems.map((entry) => entry.message).join(' '), problems);
  }
  if (mode !== 'update') {
    fields.settings = {
      port: DEFAULT_PORT,
      sslMode: DEFAULT_SSL_MODE,
      statementTimeoutMs: STATEMENT_TIMEOUT_MS.default,
      maxRows: MAX_ROWS.default,
      ...fields.settings,
    };
  }
  return fields;
}
