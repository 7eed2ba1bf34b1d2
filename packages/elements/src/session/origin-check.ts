import { EmbedError } from './embed-error.js';

/** Stands for a framing page whose origin the browser does not reveal; never authorized. */
export const UNKNOWN_FRAMING_ORIGIN = 'unknown';

/**
 * The page's own origin and, inside iframes, every ancestor's: the server sees only the first (in `Origin`), so
 * the element checks the framing pages itself against the organization's authorized origins.
 */
export function pageOrigins(win: Window = window): string[] {
  const ancestors = win.location.ancestorOrigins;
  return [win.location.origin, ...(ancestors ? Array.from(ancestors) : framingOrigins(win))];
}

/**
 * Browsers without `location.ancestorOrigins` (Firefox): same-origin parents are read directly; a cross-origin
 * parent's origin is known only from the referrer the frame was loaded with. No referrer (a `no-referrer`
 * policy), or one from the frame's own origin (it navigated inside the frame), tells nothing: unknown.
 */
function framingOrigins(win: Window): string[] {
  const origins: string[] = [];
  let current = win;
  while (current.parent && current.parent !== current) {
    let parentOrigin: string | undefined;
    try {
      parentOrigin = current.parent.location.origin;
    } catch {
      parentOrigin = undefined; // Cross-origin: reading it is refused.
    }
    if (parentOrigin === undefined) {
      const referrer = originOf(current.document.referrer);
      origins.push(referrer && referrer !== current.location.origin ? referrer : UNKNOWN_FRAMING_ORIGIN);
      // Pages above a cross-origin parent cannot be seen from here at all.
      break;
    }
    origins.push(parentOrigin);
    current = current.parent;
  }
  return origins;
}

function originOf(url: string): string | undefined {
  try {
    return url ? new URL(url).origin : undefined;
  } catch {
    return undefined;
  }
}

/** Why a page framed by an unknown origin is refused, and what the integrator can do about it. */
export function framingOriginUnknown(): EmbedError {
  return new EmbedError(
    'origin_not_authorized',
    'This page is shown inside a frame whose origin this browser does not reveal (no location.ancestorOrigins, no referrer), so it cannot be checked against the authorized origins. Let the framing page send its origin as the referrer: no referrerpolicy="no-referrer" on its iframe, and a Referrer-Policy of origin or strict-origin-when-cross-origin.',
  );
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
