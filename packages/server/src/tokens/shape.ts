/**
 * Strict checks on a compact JWE before any crypto runs. jose decodes base64url leniently (padding and
 * whitespace still decrypt), so a token is only accepted in its one canonical spelling; this also makes the
 * token string itself safe to use as a cache key.
 */
export const MAX_TOKEN_LENGTH = 24 * 1024;

// header . (empty encrypted key for "dir") . iv (12 bytes) . ciphertext . tag (16 bytes)
const COMPACT_DIR_JWE = /^[A-Za-z0-9_-]{16,1024}\.\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{22}$/;

export interface TokenHeader {
  alg: 'dir';
  enc: 'A256GCM';
  kid: string;
  typ: string;
}

const ALLOWED_HEADER_PARAMETERS = new Set(['alg', 'enc', 'kid', 'typ']);

function isCanonicalBase64Url(segment: string): boolean {
  return Buffer.from(segment, 'base64url').toString('base64url') === segment;
}

export type ShapeProblem = 'too_long' | 'malformed' | 'bad_header';

/** Returns the parsed header, or the reason the token is refused without decrypting it. */
export function readTokenHeader(token: string): TokenHeader | ShapeProblem {
  if (token.length > MAX_TOKEN_LENGTH) return 'too_long';
  if (!COMPACT_DIR_JWE.test(token)) return 'malformed';
  const segments = token.split('.');
  for (const segment of segments) if (segment !== '' && !isCanonicalBase64Url(segment)) return 'malformed';
  let header: unknown;
  try {
    header = JSON.parse(Buffer.from(segments[0]!, 'base64url').toString('utf8'));
  } catch {
    return 'bad_header';
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) return 'bad_header';
  const record = header as Record<string, unknown>;
  // No zip (decompression bombs), no crit, no jwk/jku/x5u: only the four parameters we mint.
  if (Object.keys(record).some((name) => !ALLOWED_HEADER_PARAMETERS.has(name))) return 'bad_header';
  if (record.alg !== 'dir' || record.enc !== 'A256GCM') return 'bad_header';
  if (typeof record.kid !== 'string' || typeof record.typ !== 'string') return 'bad_header';
  return record as unknown as TokenHeader;
}
