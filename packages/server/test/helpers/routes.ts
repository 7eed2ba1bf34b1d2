import type { FastifyInstance } from 'fastify';

export interface RegisteredRoute {
  method: string;
  path: string;
}

/**
 * Every route the app registered, read from Fastify's own route tree, so a test that must cover "every /api
 * route" also covers the routes added after it was written.
 */
export function registeredRoutes(app: FastifyInstance): RegisteredRoute[] {
  const routes: RegisteredRoute[] = [];
  const stack: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^([│ ]*)[├└]── (\S+)(?: \(([^)]*)\))?/.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    const path = (depth > 0 ? stack[depth - 1] ?? '' : '') + match[2]!;
    stack[depth] = path;
    stack.length = depth + 1;
    for (const method of (match[3] ?? '').split(',').map((m) => m.trim()).filter(Boolean)) routes.push({ method, path });
  }
  return routes;
}

/** A concrete URL for a route pattern: every `:param` (and `*`) filled with a well-formed value that names nothing. */
export function concreteUrl(path: string): string {
  return path.replace(/:[A-Za-z_]+/g, 'AAAAAAAAAAAA').replace(/\*/g, 'nothing');
}
