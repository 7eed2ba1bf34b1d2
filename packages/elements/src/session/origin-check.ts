/**
 * The page's own origin and, inside iframes, every ancestor's: the server sees only the first (in `Origin`), so
 * the element checks the framing pages itself against the organization's authorized origins.
 */
export function pageOrigins(win: Window = window): string[] {
  const ancestors = win.location.ancestorOrigins ? Array.from(win.location.ancestorOrigins) : [];
  return [win.location.origin, ...ancestors];
}

/** Exact match, or a `scheme://*.base[:port]` entry matching subdomains of base (never base itself). */
export function isAuthorizedOrigin(origin: string, authorizedOrigins: readonly string[]): boolean {
  if (origin === 'null') return false;
  let page: URL;
  try {
    page = new URL(origin);
  } catch {
    return false;
  }
  return authorizedOrigins.some((entry) => {
    if (entry === origin) return true;
    const wildcard = /^(https?:)\/\/\*\.([^/:]+)(:\d+)?$/.exec(entry);
    if (!wildcard) return false;
    const [, scheme, base, port = ''] = wildcard;
    return page.protocol === scheme && (page.port ? `:${page.port}` : '') === port && page.hostname.endsWith(`.${base}`);
  });
}

/** The first of the page's origins that is not authorized, if any. */
export function firstUnauthorizedOrigin(origins: readonly string[], authorizedOrigins: readonly string[]): string | undefined {
  return origins.find((origin) => !isAuthorizedOrigin(origin, authorizedOrigins));
}
