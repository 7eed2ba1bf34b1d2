import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SecretKeyVersion } from '../config.ts';

/**
 * Connection secrets at rest: AES-256-GCM under a versioned keyring (`TC_SECRET_KEYS`, newest first). This is
 * the only module that touches raw secret keys. A stored value names the key version that sealed it and is bound
 * by additional authenticated data to its place (organization, connection, field), so a ciphertext copied to
 * another row or field does not decrypt.
 *
 * Stored form: `<version>:<iv>:<ciphertext>:<tag>`, each part canonical base64url (12-byte IV, 16-byte tag).
 */

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Secrets are passwords and keys, not documents: refuse anything larger before touching crypto. */
const MAX_SECRET_BYTES = 16 * 1024;
const AAD_CONTEXT = 'tc-embed/connection-secret/v1';
const VERSION = /^v[0-9]{1,6}$/;
const STORED_VALUE = /^(v[0-9]{1,6}):([A-Za-z0-9_-]{16}):([A-Za-z0-9_-]*):([A-Za-z0-9_-]{22})$/;

/** Where a secret lives; any difference between encryption and decryption makes decryption fail. */
export interface SecretPlace {
  orgId: string;
  connectionId: string;
  field: string;
}

export type SecretKeyringErrorReason = 'malformed' | 'unknown_version' | 'not_authentic';

/** Why a stored secret cannot be read. Never carries key material or plaintext. */
export class SecretKeyringError extends Error {
  override name = 'SecretKeyringError';
  constructor(
    readonly reason: SecretKeyringErrorReason,
    message: string,
    /** The key version the value names, when it could be read. */
    readonly version?: string,
  ) {
    super(message);
  }
}

export interface DecryptedSecret {
  plaintext: string;
  /** Sealed under an older key version: re-encrypt under the newest one. */
  needsRotation: boolean;
}

/** AES-256-GCM with a 16-byte tag; exported for known-answer tests. */
export function aesGcmSeal(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): { ciphertext: Buffer; tag: Buffer } {
  if (key.length !== KEY_BYTES) throw new RangeError(`AES-256-GCM needs a ${KEY_BYTES}-byte key`);
  if (iv.length !== IV_BYTES) throw new RangeError(`AES-GCM IVs here are ${IV_BYTES} bytes`);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { ciphertext, tag: cipher.getAuthTag() };
}

/** Opens what aesGcmSeal sealed; throws unless the tag is exactly 16 bytes and authenticates everything. */
export function aesGcmOpen(key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array, tag: Uint8Array, aad: Uint8Array): Buffer {
  if (key.length !== KEY_BYTES) throw new RangeError(`AES-256-GCM needs a ${KEY_BYTES}-byte key`);
  if (iv.length !== IV_BYTES) throw new RangeError(`AES-GCM IVs here are ${IV_BYTES} bytes`);
  // Node accepts truncated tags unless the length is pinned (SECURITY.md).
  if (tag.length !== TAG_BYTES) throw new RangeError(`AES-GCM tags here are ${TAG_BYTES} bytes`);
  const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
}

/** The AAD: a JSON array is unambiguous whatever the ids contain. The version is bound too. */
function additionalData(version: string, place: SecretPlace): Buffer {
  for (const [name, value] of Object.entries(place)) {
    if (typeof value !== 'string' || value === '') throw new TypeError(`secret place needs a non-empty ${name}`);
  }
  return Buffer.from(JSON.stringify([AAD_CONTEXT, version, place.orgId, place.connectionId, place.field]), 'utf8');
}

function decodeCanonical(part: string): Buffer | undefined {
  const bytes = Buffer.from(part, 'base64url');
  return bytes.toString('base64url') === part ? bytes : undefined;
}

/**
 * The keyring for connection secrets.
 *
 * @example
 * const keyring = new SecretKeyring(config.secretKeys);
 * const stored = keyring.encryptSecret('s3cret', { orgId, connectionId, field: 'password' });
 * const { plaintext, needsRotation } = keyring.decryptSecret(stored, { orgId, connectionId, field: 'password' });
 */
export class SecretKeyring {
  readonly #keys: ReadonlyMap<string, Buffer>;
  readonly currentVersion: string;
  readonly versions: readonly string[];

  constructor(keys: readonly SecretKeyVersion[]) {
    if (keys.length === 0) throw new RangeError('the secret keyring needs at least one key');
    const byVersion = new Map<string, Buffer>();
    for (const { version, key } of keys) {
      if (!VERSION.test(version)) throw new RangeError(`secret key version "${version}" must look like v1, v2, …`);
      if (key.length !== KEY_BYTES) throw new RangeError(`secret key ${version} must be ${KEY_BYTES} bytes`);
      if (byVersion.has(version)) throw new RangeError(`secret key version ${version} appears twice`);
      byVersion.set(version, Buffer.from(key));
    }
    this.#keys = byVersion;
    this.currentVersion = keys[0]!.version;
    this.versions = keys.map((entry) => entry.version);
  }

  /** Seals under the newest key with a fresh random IV. */
  encryptSecret(plaintext: string, place: SecretPlace): string {
    const bytes = Buffer.from(plaintext, 'utf8');
    if (bytes.length > MAX_SECRET_BYTES) throw new RangeError(`a secret is at most ${MAX_SECRET_BYTES} bytes`);
    const version = this.currentVersion;
    const iv = randomBytes(IV_BYTES);
    const { ciphertext, tag } = aesGcmSeal(this.#keys.get(version)!, iv, bytes, additionalData(version, place));
    return [version, iv.toString('base64url'), ciphertext.toString('base64url'), tag.toString('base64url')].join(':');
  }

  /** Opens a stored value with exactly the key version it names; throws SecretKeyringError otherwise. */
  decryptSecret(value: string, place: SecretPlace): DecryptedSecret {
    const match = typeof value === 'string' ? STORED_VALUE.exec(value) : null;
    if (!match) throw new SecretKeyringError('malformed', 'the stored secret is not in the keyring format (version:iv:ciphertext:tag)');
    const [, version, ivPart, ciphertextPart, tagPart] = match as unknown as [string, string, string, string, string];
    const key = this.#keys.get(version);
    if (!key) {
      throw new SecretKeyringError(
        'unknown_version',
        `the stored secret was encrypted under key version ${version}, which is not in TC_SECRET_KEYS (${this.versions.join(', ')})`,
        version,
      );
    }
    const iv = decodeCanonical(ivPart);
    const ciphertext = decodeCanonical(ciphertextPart);
    const tag = decodeCanonical(tagPart);
    if (!iv || !ciphertext || !tag || ciphertext.length > MAX_SECRET_BYTES) {
      throw new SecretKeyringError('malformed', 'the stored secret is not canonical base64url', version);
    }
    let plaintext: Buffer;
    try {
      plaintext = aesGcmOpen(key, iv, ciphertext, tag, additionalData(version, place));
    } catch {
      throw new SecretKeyringError(
        'not_authentic',
        `the stored secret does not authenticate under key ${version} for this place (it was altered or copied from another connection or field)`,
        version,
      );
    }
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
    try {
      return { plaintext: text.decode(plaintext), needsRotation: version !== this.currentVersion };
    } catch {
      throw new SecretKeyringError('malformed', 'the stored secret is not UTF-8 text', version);
    }
  }
}
