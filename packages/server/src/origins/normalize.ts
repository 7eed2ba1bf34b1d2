/**
 * Turns what an admin typed into the one spelling we store and compare: `scheme://host[:port]`, lowercase,
 * IDN as punycode, default port dropped. A leading `*.` label allows subdomains (never the base domain).
 */
export class OriginFormatError extends Error {
  override name = 'OriginFormatError';
}

const WILDCARD_PLACEHOLDER = 'tc-embed-wildcard-label';
const MAX_ORIGIN_LENGTH = 253 + 32;

export function normalizeOrigin(input: string): string {
  const raw = input.trim();
  if (raw === '') throw new OriginFormatError('An origin is required, e.g. https://app.example.com.');
  if (raw.length > MAX_ORIGIN_LENGTH) throw new OriginFormatError('That origin is too long.');
  if (raw === 'null' || raw === '*') {
    throw new OriginFormatError(`"${raw}" cannot be authorized: list each site, e.g. https://app.example.com.`);
  }
  const schemeMatch = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(raw);
  if (!schemeMatch) throw new OriginFormatError('An origin starts with http:// or https://, e.g. https://app.example.com.');
  const scheme = schemeMatch[1]!.toLowerCase();
  if (scheme !== 'http' && scheme !== 'https') {
    throw new OriginFormatError(`Only http and https origins can embed tc-embed, not ${scheme}:.`);
  }

  let rest = raw.slice(schemeMatch[0].length);
  const wildcard = rest.startsWith('*.');
  if (wildcard) rest = `${WILDCARD_PLACEHOLDER}.${rest.slice(2)}`;
  if (rest.includes('*')) throw new OriginFormatError('"*" is allowed only as the whole first label, as in https://*.example.com.');

  let url: URL;
  try {
    url = new URL(`${scheme}://${rest}`);
  } catch {
    throw new OriginFormatError(`"${raw}" is not a valid origin.`);
  }
  if (url.username || url.password) throw new OriginFormatError('An origin cannot contain a user name or password.');
  if (url.pathname !== '/' && url.pathname !== '') {
    throw new OriginFormatError(`An origin has no path: use ${url.origin.replace(WILDCARD_PLACEHOLDER, '*')} instead of "${raw}".`);
  }
  if (url.search || raw.includes('?')) throw new OriginFormatError('An origin has no query string.');
  if (url.hash || raw.includes('#')) throw new OriginFormatError('An origin has no fragment.');
  if (url.hostname === '') throw new OriginFormatError(`"${raw}" has no host.`);

  if (wildcard) {
    const base = url.hostname.slice(WILDCARD_PLACEHOLDER.length + 1);
    if (!base.includes('.') || /^[0-9.]+$/.test(base) || base.startsWith('[')) {
      throw new OriginFormatError('A wildcard needs a registrable domain under it, as in https://*.example.com.');
    }
  }
  return url.origin.replace(WILDCARD_PLACEHOLDER, '*');
}

export function isWildcardOrigin(origin: string): boolean {
  return /^https?:\/\/\*\./.test(origin);
}
