import { hkdfSync } from 'node:crypto';

const TOKEN_KEY_INFO = 'tc-embed/embed-token/A256GCM/v1';

/**
 * The content-encryption key of one API key's tokens: HKDF-SHA256 over the master key, salted with the API
 * key's own random salt and bound to its id. Two API keys never share a key, so a token minted with one
 * cannot be decrypted with another, and forgetting a key (revocation) makes its tokens undecryptable.
 *
 * @example
 * const key = deriveTokenKey(config.masterKey, 'a1B2c3D4e5F6', saltFromStore);
 */
export function deriveTokenKey(masterKey: Uint8Array, apiKeyId: string, salt: Uint8Array): Uint8Array {
  if (masterKey.length !== 32) throw new RangeError('master key must be 32 bytes');
  if (salt.length < 16) throw new RangeError('token salt must be at least 16 bytes');
  const info = Buffer.from(`${TOKEN_KEY_INFO}|${apiKeyId}`, 'utf8');
  return new Uint8Array(hkdfSync('sha256', masterKey, salt, info, 32));
}
