import { isWildcardOrigin } from './normalize.ts';

/**
 * The authorized origins of one organization, prepared for matching a browser's `Origin` header.
 * Exact entries are a set lookup; `scheme://*.base[:port]` entries match hosts ending in `.base` with the same
 * scheme and port. `null`, a missing header, or any spelling a browser would not send never match.
 */
export class OriginMatcher {
  private readonly exact = new Set<string>();
  private readonly wildcards: { scheme: string; suffix: string; port: string }[] = [];

  constructor(readonly origins: readonly string[]) {
    for (const origin of origins) {
      if (isWildcardOrigin(origin)) {
        const url = new URL(origin.replace('*.', 'wildcard.'));
        this.wildcards.push({ scheme: url.protocol, suffix: `.${url.hostname.slice('wildcard.'.length)}`, port: url.port });
      } else {
        this.exact.add(origin);
      }
    }
  }

  matches(originHeader: string | undefined): boolean {
    if (!originHeader || originHeader === 'null' || originHeader.length > 300) return false;
    if (this.exact.has(originHeader)) return true;
    if (this.wildcards.length === 0) return false;
    let url: URL;
    try {
      url = new URL(originHeader);
    } catch {
      return false;
    }
    // Browsers send the serialized origin; anything else (a path, upper case, a default port) is not one.
    if (url.origin !== originHeader) return false;
    return this.wildcards.some(
      (entry) =>
        entry.scheme === url.protocol &&
        entry.port === url.port &&
        url.hostname.endsWith(entry.suffix) &&
        url.hostname.length > entry.suffix.length,
    );
  }
}

export function isAuthorizedOrigin(originHeader: string | undefined, authorized: readonly string[]): boolean {
  return new OriginMatcher(authorized).matches(originHeader);
}
