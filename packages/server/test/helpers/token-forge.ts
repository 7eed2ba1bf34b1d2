import { createCipheriv, randomBytes } from 'node:crypto';

/**
 * Tools for building hostile embed tokens in tests: compact JWEs with any header, encrypted correctly under a
 * key of the test's choosing (so a refusal proves a policy check, not a broken ciphertext), and the small
 * mutations (bit flips, segment swaps, non-canonical spellings) an attacker would try.
 */

export const BASE64URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

export function b64url(data: Uint8Array | string): string {
  return Buffer.from(data).toString('base64url');
}

export interface ForgeOptions {
  /** Goes into the second segment; `dir` tokens have it empty. */
  encryptedKey?: string;
  iv?: Uint8Array;
}

/**
 * A compact JWE with exactly `header` as its protected header and `plaintext` sealed by AES-GCM under `key`
 * (AES-128/192/256 by key length), the header as additional authenticated data, as RFC 7516 §5.1 says.
 */
export function forgeCompactJwe(
  header: Record<string, unknown>,
  plaintext: Uint8Array | string | Record<string, unknown>,
  key: Uint8Array,
  options: ForgeOptions = {},
): string {
  const protectedHeader = b64url(JSON.stringify(header));
  const iv = options.iv ?? randomBytes(12);
  const body =
    typeof plaintext === 'string' || plaintext instanceof Uint8Array ? Buffer.from(plaintext) : Buffer.from(JSON.stringify(plaintext));
  const cipher = createCipheriv(`aes-${key.length * 8}-gcm` as 'aes-256-gcm', key, iv, { authTagLength: 16 });
  cipher.setAAD(Buffer.from(protectedHeader, 'ascii'));
  const ciphertext = Buffer.concat([cipher.update(body), cipher.final()]);
  return [protectedHeader, options.encryptedKey ?? '', b64url(iv), b64url(ciphertext), b64url(cipher.getAuthTag())].join('.');
}

/** The five parts of a compact JWE, by position. */
export const Segment = { Header: 0, EncryptedKey: 1, Iv: 2, Ciphertext: 3, Tag: 4 } as const;
export type Segment = (typeof Segment)[keyof typeof Segment];

export function replaceSegment(token: string, segment: Segment, value: string): string {
  const parts = token.split('.');
  parts[segment] = value;
  return parts.join('.');
}

export function segmentBytes(token: string, segment: Segment): Buffer {
  return Buffer.from(token.split('.')[segment]!, 'base64url');
}

/** The token with one bit of one segment's decoded bytes flipped, re-encoded canonically. */
export function flipBit(token: string, segment: Segment, bit: number): string {
  const bytes = segmentBytes(token, segment);
  bytes[bit >> 3]! ^= 1 << (bit & 7);
  return replaceSegment(token, segment, b64url(bytes));
}

export function decodeHeader(token: string): Record<string, unknown> {
  return JSON.parse(segmentBytes(token, Segment.Header).toString('utf8')) as Record<string, unknown>;
}

/**
 * The same segment bytes spelled differently: the last character of a segment whose length is not a multiple
 * of 4 carries unused low bits, and setting one of them decodes to identical bytes in a lenient decoder.
 */
export function nonCanonicalSpelling(segment: string): string {
  if (segment.length % 4 === 0) throw new RangeError('segment has no spare bits');
  const last = BASE64URL_ALPHABET.indexOf(segment.at(-1)!);
  return segment.slice(0, -1) + BASE64URL_ALPHABET[last ^ 1];
}
