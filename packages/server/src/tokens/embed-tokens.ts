import type { ApiKeyService, AuthenticatedApiKey } from '../apikeys/service.ts';
import type { AttributeService } from '../attributes/service.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import { TcError } from '../errors.ts';
import { SessionCache } from '../sessions/session-cache.ts';
import { EXPLORER_PERMISSIONS, type EmbedTokenClaims } from './claims.ts';
import { mintEmbedToken } from './mint.ts';
import { MAX_TOKEN_LENGTH, readTokenHeader } from './shape.ts';
import { parseGenerateTokenRequest } from './token-request.ts';
import { TokenVerificationError, verifyEmbedToken, type VerifiedEmbedToken } from './verify.ts';

export interface GeneratedToken {
  token: string;
  expiresIn: string;
  expiresAt: string;
  claims: EmbedTokenClaims;
}

export interface TokenIntrospection {
  valid: boolean;
  reason?: string;
  message?: string;
  kid?: string;
  claims?: {
    org: string;
    distinctId: string;
    role: string;
    permissions: string[];
    attributes: Record<string, unknown>;
    issuedAt: string;
    expiresAt: string;
    expiresInSeconds: number;
    jti: string;
    issuer: string;
  };
}

/** Minting, verifying (with the session cache) and introspecting embed tokens. */
export class EmbedTokens {
  constructor(
    private readonly apiKeys: ApiKeyService,
    private readonly attributes: AttributeService,
    private readonly sessions: SessionCache,
    private readonly audit: AuditLog,
    private readonly issuer: string,
  ) {}

  /** Validates the seed's request body and mints for the organization of the API key (never of the body). */
  async generate(apiKey: AuthenticatedApiKey, body: unknown): Promise<GeneratedToken> {
    const request = parseGenerateTokenRequest(body, await this.attributes.typesFor(apiKey.orgId));
    const resolution = await this.apiKeys.tokenKeyFor(apiKey.id);
    if (!resolution) throw new TcError('invalid_api_key', 'The API key was revoked while the token was being minted.');
    const { token, claims } = await mintEmbedToken({
      key: resolution.key,
      apiKeyId: apiKey.id,
      issuer: this.issuer,
      org: apiKey.orgId,
      distinctId: request.distinctId,
      role: request.role,
      permissions: EXPLORER_PERMISSIONS,
      attributes: request.attributes,
      lifetimeSeconds: request.lifetimeSeconds,
    });
    this.audit.record({
      orgId: apiKey.orgId,
      event: 'token.minted',
      outcome: 'success',
      distinctId: request.distinctId,
      apiKeyId: apiKey.id,
    });
    return { token, expiresIn: request.expiresIn, expiresAt: new Date(claims.exp * 1000).toISOString(), claims };
  }

  /** The session cache alone, synchronously: the hot path of repeated embed calls with one token. */
  cachedVerification(token: string): VerifiedEmbedToken | undefined {
    return token.length > MAX_TOKEN_LENGTH ? undefined : this.sessions.get(SessionCache.keyOf(token));
  }

  /** The verified token, from the session cache when this exact token was seen before. */
  async verify(token: string): Promise<VerifiedEmbedToken> {
    return this.cachedVerification(token) ?? this.verifyAndCache(token);
  }

  /**
   * Full verification (strict shape, key, decryption, claims), then into the session cache. Only fully verified
   * (hence canonical) token strings are ever stored, so a cache hit needs no shape check.
   */
  async verifyAndCache(token: string): Promise<VerifiedEmbedToken> {
    if (token.length > MAX_TOKEN_LENGTH) throw toTcError(new TokenVerificationError('too_long', 'The token is longer than any token tc-embed mints.'));
    const cacheKey = SessionCache.keyOf(token);
    try {
      const verified = await verifyEmbedToken(token, {
        issuer: this.issuer,
        resolveKey: (kid) => this.apiKeys.tokenKeyFor(kid),
      });
      // Re-check after the await: a revocation that landed meanwhile must win over this cache write.
      if (this.apiKeys.cachedTokenKey(verified.kid)) this.sessions.set(cacheKey, verified);
      return verified;
    } catch (error) {
      throw toTcError(error, token);
    }
  }

  /** What the token says and whether it is valid now; expired tokens still show their claims. */
  async introspect(token: string): Promise<TokenIntrospection> {
    const trimmed = token.trim();
    const header = readTokenHeader(trimmed);
    const kid = typeof header === 'string' ? undefined : header.kid;
    try {
      const { claims } = await verifyEmbedToken(trimmed, { issuer: this.issuer, resolveKey: (id) => this.apiKeys.tokenKeyFor(id) });
      return { valid: true, ...(kid ? { kid } : {}), claims: describe(claims) };
    } catch (error) {
      if (!(error instanceof TokenVerificationError)) throw error;
      const result: TokenIntrospection = { valid: false, reason: error.reason, message: error.message, ...(kid ? { kid } : {}) };
      if (error.expiredClaims) result.claims = describe(error.expiredClaims as unknown as EmbedTokenClaims);
      return result;
    }
  }
}

function describe(claims: EmbedTokenClaims): NonNullable<TokenIntrospection['claims']> {
  return {
    org: claims.org,
    distinctId: claims.sub,
    role: claims.role,
    permissions: claims.permissions,
    attributes: claims.attributes,
    issuedAt: new Date(claims.iat * 1000).toISOString(),
    expiresAt: new Date(claims.exp * 1000).toISOString(),
    expiresInSeconds: Math.max(0, claims.exp - Math.floor(Date.now() / 1000)),
    jti: claims.jti,
    issuer: claims.iss,
  };
}

/** The user of a refused token, known only when its claims were authenticated (it decrypted, then expired). */
export interface RefusedTokenSubject {
  kid: string;
  org: string;
  distinctId: string;
}

/** token_expired, naming the token's user so the audit log can record whose session was refused. */
export class ExpiredTokenError extends TcError {
  constructor(readonly subject: RefusedTokenSubject | undefined) {
    super('token_expired', 'The embed token has expired; mint a new one on your backend (the elements do this through fetchToken).');
  }
}

function expiredSubject(error: TokenVerificationError, token: string | undefined): RefusedTokenSubject | undefined {
  const header = token === undefined ? undefined : readTokenHeader(token);
  const { org, sub } = error.expiredClaims ?? {};
  if (!header || typeof header === 'string' || typeof org !== 'string' || typeof sub !== 'string') return undefined;
  return { kid: header.kid, org, distinctId: sub };
}

export function toTcError(error: unknown, token?: string): TcError {
  if (error instanceof TcError) return error;
  if (error instanceof TokenVerificationError) {
    if (error.reason === 'expired') return new ExpiredTokenError(expiredSubject(error, token));
    return new TcError('invalid_token', `The embed token is invalid: ${error.message}`);
  }
  throw error;
}
