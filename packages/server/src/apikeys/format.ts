import { createHash, randomBytes } from 'node:crypto';

/**
 * API key wire format: `tce_<id>_<secret><checksum>`
 *   - `tce_` lets secret scanners recognise a leaked key;
 *   - `<id>` (12 base62 chars) is public: it names the key in lists, logs and as the token's `kid`;
 *   - `<secret>` (43 base62 chars ≈ 256 bits) is only ever stored as SHA-256;
 *   - `<checksum>` (6 base62 chars of CRC-32) rejects typos and truncations before any database query.
 */
export const API_KEY_PREFIX = 'tce_';
const ID_LENGTH = 12;
const SECRET_LENGTH = 43;
const CHECKSUM_LENGTH = 6;
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const API_KEY_SHAPE = new RegExp(
  `^${API_KEY_PREFIX}([0-9A-Za-z]{${ID_LENGTH}})_([0-9A-Za-z]{${SECRET_LENGTH}})([0-9A-Za-z]{${CHECKSUM_LENGTH}})$`,
);
export const API_KEY_LENGTH = API_KEY_PREFIX.length + ID_LENGTH + 1 + SECRET_LENGTH + CHECKSUM_LENGTH;

/** Uniform base62 by rejection sampling (no modulo bias). */
function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248) out += BASE62[byte % 62];
      if (out.length === length) break;
    }
  }
  return out;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(text: string): number {
  let crc = 0xffffffff;
  for (const byte of Buffer.from(text, 'utf8')) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function checksumOf(body: string): string {
  let value = crc32(body);
  let out = '';
  for (let i = 0; i < CHECKSUM_LENGTH; i++) {
    out = BASE62[value % 62] + out;
    value = Math.floor(value / 62);
  }
  return out;
}

export interface ParsedApiKey {
  id: string;
  secret: string;
}

export interface NewApiKey extends ParsedApiKey {
  key: string;
  /** What lists show: the public part. */
  prefix: string;
  lastFour: string;
}

export function generateApiKey(): NewApiKey {
  const id = randomBase62(ID_LENGTH);
  const secret = randomBase62(SECRET_LENGTH);
  const body = `${API_KEY_PREFIX}${id}_${secret}`;
  const key = body + checksumOf(body);
  return { id, secret, key, prefix: `${API_KEY_PREFIX}${id}`, lastFour: key.slice(-4) };
}

/** Shape and checksum only: `undefined` for anything that cannot be one of our keys. */
export function parseApiKey(candidate: string): ParsedApiKey | undefined {
  if (candidate.length !== API_KEY_LENGTH) return undefined;
  const match = API_KEY_SHAPE.exec(candidate);
  if (!match) return undefined;
  const [, id, secret, checksum] = match as unknown as [string, string, string, string];
  if (checksumOf(`${API_KEY_PREFIX}${id}_${secret}`) !== checksum) return undefined;
  return { id, secret };
}

/** The key id alone, for rate-limit buckets and logs; never trusted for authentication. */
export function apiKeyIdHint(candidate: string): string | undefined {
  return parseApiKey(candidate)?.id;
}

export function hashApiKeySecret(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

export function isApiKeyId(value: string): boolean {
  return /^[0-9A-Za-z]{12}$/.test(value);
}
