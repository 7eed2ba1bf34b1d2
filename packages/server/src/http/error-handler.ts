import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_STATUS, TcError, type ErrorCode } from '../errors.ts';

const STATUS_CODES: Partial<Record<number, ErrorCode>> = {
  400: 'invalid_request',
  401: 'invalid_token',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  503: 'service_unavailable',
};

interface AjvError {
  instancePath?: string;
  keyword?: string;
  message?: string;
  params?: Record<string, unknown>;
}

function fieldOf(error: AjvError): string {
  const path = (error.instancePath ?? '').replace(/^\//, '').replaceAll('/', '.');
  const missing = error.params?.missingProperty;
  if (typeof missing === 'string') return path ? `${path}.${missing}` : missing;
  return path || 'body';
}

/** Fastify's own errors (parsing, limits, validation) in the contract's shape, with messages that say the fix. */
export function toContractError(error: FastifyError & { validation?: AjvError[] }, bodyLimitBytes?: number): TcError {
  if (error instanceof TcError) return error;
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new TcError('payload_too_large', `The request body is larger than ${Math.round((bodyLimitBytes ?? 16384) / 1024)} KB.`);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new TcError('unsupported_media_type', 'Content-Type must be application/json.');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new TcError('invalid_request', 'The body is empty; send a JSON object.', [{ field: 'body', message: 'empty' }]);
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new TcError('invalid_request', 'The body is not valid JSON.', [{ field: 'body', message: 'invalid JSON' }]);
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new TcError('invalid_request', 'The Content-Length header does not match the body.');
    default:
      break;
  }
  if (error.validation?.length) {
    const first = error.validation[0]!;
    const field = fieldOf(first);
    const message =
      first.keyword === 'required' ? `${field} is required.` : `${field} ${first.message ?? 'is invalid'}.`;
    return new TcError('invalid_request', message, [{ field, message }]);
  }
  if (error instanceof SyntaxError && error.statusCode === 400) {
    return new TcError('invalid_request', 'The body is not valid JSON.', [{ field: 'body', message: 'invalid JSON' }]);
  }
  const status = error.statusCode ?? 500;
  const code = STATUS_CODES[status];
  if (code && status < 500) return new TcError(code, error.message || 'The request was refused.');
  if (code === 'service_unavailable') return new TcError(code, 'The service is temporarily unavailable; retry shortly.');
  return new TcError('internal_error', 'Something went wrong on the tc-embed server; the error was logged.');
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const contractError = toContractError(error, request.routeOptions.bodyLimit);
    if (contractError.status >= 500) {
      request.log.error({ err: error }, 'request failed');
      if (isStoreUnavailable(error)) {
        void reply.header('retry-after', '5');
        return reply.status(503).send(new TcError('service_unavailable', 'The tc-embed store is unreachable; retry in a few seconds.').toJSON());
      }
    }
    const retryAfter = (error as { retryAfterSeconds?: number }).retryAfterSeconds;
    if (retryAfter) void reply.header('retry-after', String(retryAfter));
    return reply.status(contractError.status).send(contractError.toJSON());
  });

  app.setNotFoundHandler((request, reply) => {
    const error = new TcError('not_found', `No route ${request.method} ${request.url.split('?')[0]}.`);
    return reply.status(ERROR_STATUS.not_found).send(error.toJSON());
  });
}

/** Connection-level failures of PGlite or PostgreSQL: answer 503, never a stack trace. */
function isStoreUnavailable(error: unknown): boolean {
  const code = (error as { code?: string }).code ?? '';
  return ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', '57P01', '57P03', '08006', '08001', '08003'].includes(code) ||
    /Connection terminated|timeout exceeded when trying to connect/i.test((error as Error).message ?? '');
}
