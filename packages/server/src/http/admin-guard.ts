import type { FastifyReply, FastifyRequest } from 'fastify';
import { AdminAuth, type AdminIdentity } from '../admin/admin-auth.ts';
import { TcError } from '../errors.ts';
import type { Services } from '../services.ts';

export const ADMIN_SESSION_COOKIE = 'tc_admin';
export const CSRF_HEADER = 'x-csrf-token';

declare module 'fastify' {
  interface FastifyRequest {
    admin?: AdminIdentity;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** preHandler for /api: a signed-in admin, and on state-changing methods the session's CSRF token. */
export function requireAdmin(services: Services) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const identity = await services.adminAuth.identify(request.cookies[ADMIN_SESSION_COOKIE]);
    if (!identity) throw new TcError('unauthenticated', 'Sign in to the console first (POST /api/auth/login).');
    if (!SAFE_METHODS.has(request.method)) {
      const presented = request.headers[CSRF_HEADER];
      if (!AdminAuth.csrfMatches(identity, typeof presented === 'string' ? presented : undefined)) {
        throw new TcError('forbidden', `State-changing requests need the ${CSRF_HEADER} header from the sign-in response.`);
      }
    }
    request.admin = identity;
  };
}
