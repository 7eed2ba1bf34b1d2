import type { FastifyInstance } from 'fastify';
import { ADMIN_SESSION_COOKIE, requireAdmin } from '../http/admin-guard.ts';
import type { RouteDocs } from '../openapi/route-docs.ts';
import type { Services } from '../services.ts';

const LOGIN_DOCS: RouteDocs = {
  tag: 'Admin API',
  summary: 'Sign in to the console',
  description:
    'Sets the `tc_admin` session cookie (HttpOnly, SameSite=Strict, Secure over HTTPS, 12 hours). Send the answer\'s ' +
    '`csrfToken` as `x-csrf-token` on every write. Repeated failures for one account back off (429).',
  body: {
    schema: { type: 'object', required: ['email', 'password'], properties: { email: { type: 'string', format: 'email' }, password: { type: 'string' } } },
    example: { email: 'admin@example.com', password: '…' },
  },
  responses: {
    200: {
      description: 'Signed in.',
      schema: { type: 'object', required: ['email', 'orgId', 'csrfToken'], properties: { email: { type: 'string' }, orgId: { type: 'string' }, csrfToken: { type: 'string' } } },
      headers: { 'Set-Cookie': { description: 'The `tc_admin` session cookie.', schema: { type: 'string' } } },
    },
  },
  errors: ['unauthenticated', 'rate_limited'],
};

const LOGOUT_DOCS: RouteDocs = {
  tag: 'Admin API',
  summary: 'Sign out',
  description: 'Ends the session and clears its cookie.',
  security: ['adminSession'],
  responses: { 200: { description: 'Signed out.', schema: { type: 'object', required: ['ok'], properties: { ok: { const: true } } } } },
};

const ME_DOCS: RouteDocs = {
  tag: 'Admin API',
  summary: 'The signed-in admin',
  description: 'Also answers the session\'s CSRF token, so a reloaded console can keep writing.',
  security: ['adminSession'],
  responses: {
    200: {
      description: 'The admin and their organization.',
      schema: {
        type: 'object',
        required: ['email', 'org', 'csrfToken'],
        properties: {
          email: { type: 'string' },
          org: { type: 'object', required: ['id', 'name'], properties: { id: { type: 'string' }, name: { type: 'string' } } },
          csrfToken: { type: 'string' },
        },
      },
    },
  },
};

/** Console sign-in: an HttpOnly, SameSite=Strict cookie (Secure over HTTPS) plus a CSRF token for writes. */
export async function adminAuthRoutes(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  const secure = services.config.publicUrl.startsWith('https:');

  app.post('/api/auth/login', { bodyLimit: 4096, config: { openapi: LOGIN_DOCS } }, async (request, reply) => {
    const body = (request.body ?? {}) as { email?: unknown; password?: unknown };
    const { sessionId, identity } = await services.adminAuth.login(body.email, body.password, request.ip);
    void reply.setCookie(ADMIN_SESSION_COOKIE, sessionId, {
      httpOnly: true,
      sameSite: 'strict',
      secure,
      path: '/',
      maxAge: 12 * 60 * 60,
    });
    return { email: identity.email, orgId: identity.orgId, csrfToken: identity.csrfToken };
  });

  app.post('/api/auth/logout', { preHandler: requireAdmin(services), config: { openapi: LOGOUT_DOCS } }, async (request, reply) => {
    await services.adminAuth.logout(request.cookies[ADMIN_SESSION_COOKIE]);
    void reply.clearCookie(ADMIN_SESSION_COOKIE, { path: '/' });
    return { ok: true };
  });

  app.get('/api/auth/me', { preHandler: requireAdmin(services), config: { openapi: ME_DOCS } }, async (request) => {
    const admin = request.admin!;
    const org = await services.organizations.get(admin.orgId);
    return { email: admin.email, org, csrfToken: admin.csrfToken };
  });
}
