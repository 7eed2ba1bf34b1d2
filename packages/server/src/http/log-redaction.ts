import type { FastifyRequest } from 'fastify';

/**
 * What pino must never write: credentials in headers, secrets in bodies (bodies are not logged anyway), and the
 * bound parameters of a failed SQL statement (PGlite attaches them to its errors; they are data, not code).
 */
export const REDACTED_PATHS = [
  'req.headers["x-api-key"]',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  'headers["x-api-key"]',
  'headers.authorization',
  'body.password',
  'body.apiKey',
  'body.token',
  '*.password',
  '*.apiKey',
  '*.token',
  'err.params',
] as const;

const CENSOR = '[redacted]';
/** Query parameters whose value is a credential by name. */
const SECRET_PARAMETER = /^(token|access_token|id_token|auth|authorization|api[-_]?key|key|password|secret|csrf[-_]?token)$/i;
/** Credentials by shape, wherever they appear: our API keys (also mistyped ones) and JOSE tokens (`eyJ` = `{"`). */
const SECRET_SHAPES = [/tce_[0-9A-Za-z_%]{16,}/g, /eyJ[A-Za-z0-9_%.-]{16,}/g];

function redactValue(value: string): string {
  return SECRET_SHAPES.reduce((text, shape) => text.replace(shape, CENSOR), value);
}

/**
 * A request URL fit for the logs: the path as is (with anything shaped like a credential censored), and each
 * query parameter kept by name with a credential's value censored. Our API never takes secrets in URLs, but a
 * misconfigured client may send them there.
 */
export function redactUrl(url: string): string {
  const queryStart = url.indexOf('?');
  if (queryStart === -1) return redactValue(url);
  const query = url
    .slice(queryStart + 1)
    .split('&')
    .map((pair) => {
      const separator = pair.indexOf('=');
      if (separator === -1) return redactValue(pair);
      const name = pair.slice(0, separator);
      return `${redactValue(name)}=${SECRET_PARAMETER.test(name) ? CENSOR : redactValue(pair.slice(separator + 1))}`;
    })
    .join('&');
  return `${redactValue(url.slice(0, queryStart))}?${query}`;
}

/** Fastify's default request serializer, with the URL passed through redactUrl. */
export function serializeRequestForLog(request: FastifyRequest): Record<string, unknown> {
  return {
    method: request.method,
    url: redactUrl(request.url),
    version: request.headers?.['accept-version'],
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}
