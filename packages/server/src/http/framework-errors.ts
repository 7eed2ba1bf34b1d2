import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { TcError } from '../errors.ts';

/**
 * Errors Fastify's router raises before any route or error handler runs (a path that does not decode, a path
 * parameter past the router's length limit): answered in the contract's error shape instead of Fastify's own.
 */
export function handleFrameworkError(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const refusal =
    error.code === 'FST_ERR_BAD_URL'
      ? new TcError('invalid_request', 'The URL path is not valid percent-encoding; encode path segments with encodeURIComponent.', [
          { field: 'path', message: 'invalid percent-encoding' },
        ])
      : error.code === 'FST_ERR_MAX_PARAM_LENGTH'
        ? new TcError('uri_too_long', 'A path segment is longer than 100 characters; no tc-embed id is that long.', [
            { field: 'path', message: 'segment too long' },
          ])
        : new TcError('internal_error', 'Something went wrong on the tc-embed server; the error was logged.');
  // The app's hooks do not run for these: set what its onSend hook would.
  void reply.status(refusal.status).header('x-content-type-options', 'nosniff').send(refusal.toJSON());
}
