import { errors, jwtDecrypt } from 'jose';
import {
  EMBED_TOKEN_AUDIENCE,
  EMBED_TOKEN_TYPE,
  MAX_TOKEN_LIFETIME_SECONDS,
  SUPPORTED_ROLES,
  type EmbedTokenClaims,
} from './claims.ts';
import { readTokenHeader } from './shape.ts';

export type TokenFailure =
  | 'malformed'
  | 'too_long'
  | 'bad_header'
  | 'unknown_key'
  | 'decryption_failed'
  | 'bad_claims'
  | 'wrong_issuer'
  | 'wrong_audience'
  | 'not_yet_valid'
  | 'expired'
  | 'lifetime_too_long';

export class TokenVerificationError extends Error {
  override name = 'TokenVerificationError';
  constructor(
    readonly reason: TokenFailure,
    message: string,
    /** Only for `expired`: the authenticated claims, so introspection can show what an expired token said. */
    readonly expiredClaims?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export interface TokenKeyResolution {
  key: Uint8Array;
  /** The organization the API key belongs to; the token must name the same one. */
  org: string;
}

export interface VerifyEmbedTokenOptions {
  /** Looks up `kid` only: returns undefined for unknown or revoked keys and derives nothing for them. */
  resolveKey: (kid: string) => Promise<TokenKeyResolution | undefined> | TokenKeyResolution | undefined;
  issuer: string;
  now?: Date;
  clockToleranceSeconds?: number;
}

export interface VerifiedEmbedToken {
  kid: string;
  claims: EmbedTokenClaims;
}

const REQUIRED_CLAIMS = ['iss', 'aud', 'sub', 'exp', 'iat', 'nbf', 'jti', 'org', 'role', 'permissions', 'attributes'];

function fail(reason: TokenFailure, message: string): never {
  throw new TokenVerificationError(reason, message);
}

function isAttributeValue(value: unknown): boolean {
  if (typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function checkClaimTypes(payload: Record<string, unknown>): EmbedTokenClaims {
  const { sub, org, role, permissions, attributes, jti } = payload;
  if (typeof sub !== 'string' || sub === '') fail('bad_claims', 'The token has no subject (distinctId).');
  if (typeof org !== 'string' || org === '') fail('bad_claims', 'The token names no organization.');
  if (!SUPPORTED_ROLES.includes(role as 'explorer')) fail('bad_claims', 'The token carries an unsupported role.');
  if (!Array.isArray(permissions) || !permissions.every((p) => typeof p === 'string')) {
    fail('bad_claims', 'The token permissions are malformed.');
  }
  if (typeof attributes !== 'object' || attributes === null || Array.isArray(attributes)) {
    fail('bad_claims', 'The token attributes are malformed.');
  }
  if (!Object.values(attributes).every(isAttributeValue)) fail('bad_claims', 'The token attributes are malformed.');
  if (typeof jti !== 'string' || jti === '') fail('bad_claims', 'The token has no id (jti).');
  return payload as unknown as EmbedTokenClaims;
}

/**
 * Verifies an embed token: strict shape first, then the key by `kid`, then decryption with the algorithms
 * pinned, then every claim. Throws TokenVerificationError with a reason and a message safe to show.
 *
 * @example
 * const { claims } = await verifyEmbedToken(token, { resolveKey, issuer: 'https://analytics.example.com' });
 */
export async function verifyEmbedToken(token: string, options: VerifyEmbedTokenOptions): Promise<VerifiedEmbedToken> {
  const header = readTokenHeader(token);
  if (header === 'too_long') fail('too_long', 'The token is longer than any token tc-embed mints.');
  if (header === 'malformed') fail('malformed', 'The token is not a tc-embed token (expected a compact JWE).');
  if (header === 'bad_header') fail('bad_header', 'The token header is not one tc-embed mints (alg "dir", enc "A256GCM").');
  if (header.typ !== EMBED_TOKEN_TYPE) fail('bad_header', 'The token type is not one tc-embed mints.');

  const resolved = await options.resolveKey(header.kid);
  if (!resolved) fail('unknown_key', 'The token was minted with an API key that is unknown or has been revoked.');

  const tolerance = options.clockToleranceSeconds ?? 5;
  let payload: Record<string, unknown>;
  try {
    const result = await jwtDecrypt(token, resolved.key, {
      keyManagementAlgorithms: ['dir'],
      contentEncryptionAlgorithms: ['A256GCM'],
      maxDecompressedLength: 0,
      issuer: options.issuer,
      audience: EMBED_TOKEN_AUDIENCE,
      typ: EMBED_TOKEN_TYPE,
      requiredClaims: REQUIRED_CLAIMS,
      clockTolerance: tolerance,
      currentDate: options.now ?? new Date(),
    });
    payload = result.payload as Record<string, unknown>;
  } catch (error) {
    if (error instanceof errors.JWTExpired) {
      throw new TokenVerificationError('expired', 'The token has expired.', error.payload as Record<string, unknown>);
    }
    if (error instanceof errors.JWTClaimValidationFailed) {
      // Only a failed time check means "not yet"; a missing or non-numeric nbf/iat is a malformed claim.
      if ((error.claim === 'nbf' || error.claim === 'iat') && error.reason === 'check_failed') {
        fail('not_yet_valid', 'The token is not valid yet; check the minting server clock.');
      }
      if (error.claim === 'iss') fail('wrong_issuer', 'The token was minted for another tc-embed server.');
      if (error.claim === 'aud') fail('wrong_audience', 'The token is not an embed token.');
      fail('bad_claims', `The token claim "${error.claim}" is missing or invalid.`);
    }
    if (error instanceof errors.JWEDecryptionFailed || error instanceof errors.JOSEError) {
      fail('decryption_failed', 'The token could not be decrypted: it was altered or minted with another key.');
    }
    fail('decryption_failed', 'The token could not be decrypted.');
  }

  const claims = checkClaimTypes(payload);
  if (claims.org !== resolved.org) fail('bad_claims', 'The token names another organization than its API key.');
  // jose checks iat only with maxTokenAge: an iat far ahead would stretch the lifetime bound below into years.
  if (claims.iat > Math.floor((options.now ?? new Date()).getTime() / 1000) + tolerance) {
    fail('not_yet_valid', 'The token was issued in the future; check the minting server clock.');
  }
  if (claims.exp - claims.iat > MAX_TOKEN_LIFETIME_SECONDS || claims.exp <= claims.iat) {
    fail('lifetime_too_long', 'The token lifetime exceeds the 24-hour maximum.');
  }
  return { kid: header.kid, claims };
}
