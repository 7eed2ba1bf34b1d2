import type { FastifyReply, FastifyRequest } from 'fastify';
import { TcError } from '../errors.ts';
import type { Services } from '../services.ts';
import type { EmbedTokenClaims } from '../tokens/claims.ts';
import { ExpiredTokenError, type RefusedTokenSubject } from '../tokens/embed-tokens.ts';

export interface EmbedCaller {
  kid: string;
  claims: EmbedTokenClaims;
  origin: string;
}

/** The origin of the page that made the request, and whether it was inferred from `Host` (no Origin header). */
export interface RequestOrigin {
  value: string;
  fromHost: boolean;
}

/**
 * The origin of the page that made the request. Browsers leave the Origin header out of same-origin GET requests
 * (the console's dashboard preview, a page served by tc-embed itself) but then send `Sec-Fetch-Site: same-origin`:
 * the page is on the origin in the Host header. Any other client can send those two headers as well, so an origin
 * inferred this way is accepted for console preview tokens only (see authorizeEmbedRequest).
 */
export function browserOriginOf(request: FastifyRequest, publicUrl: string): RequestOrigin | undefined {
  const origin = request.headers.origin;
  if (typeof origin === 'string') return { value: origin, fromHost: false };
  const host = request.headers.host;
  if (request.headers['sec-fetch-site'] === 'same-origin' && typeof host === 'string' && host !== '') {
    return { value: `${new URL(publicUrl).protocol}//${host.toLowerCase()}`, fromHost: true };
  }
  return undefined;
}

// The scheme is case-insensitive (RFC 9110 §11.1); the token is one canonical compact JWE.
const BEARER = /^Bearer ([A-Za-z0-9_.-]{1,32768})$/i;

/**
 * Authorizes one embed API call: a valid bearer token, sent from a browser origin that the token's
 * organization authorized. Records the outcome in the audit log; sets CORS headers only for an authorized origin
 * (on a refusal, for an origin some organization authorized, so the elements can read why: token_expired, …).
 */
export async function authorizeEmbedRequest(
  services: Services,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<EmbedCaller> {
  const requestOrigin = browserOriginOf(request, services.config.publicUrl);
  let origin = requestOrigin?.value;
  const authorization = request.headers.authorization;
  void reply.header('vary', 'Origin');
  /** Audits the refusal; an origin some organization authorized may read the error (as its preflight passed). */
  const refuse = async (error: TcError, subject?: RefusedTokenSubject): Promise<TcError> => {
    services.audit.record({
      orgId: subject?.org ?? null,
      event: 'session.refused',
      outcome: 'failure',
      reason: error.code,
      distinctId: subject?.distinctId ?? null,
      apiKeyId: subject?.kid ?? null,
      origin: origin ?? null,
    });
    if (origin && (await services.origins.isAuthorizedAnywhere(origin))) {
      void reply.header('access-control-allow-origin', origin);
    }
    return error;
  };

  if (!authorization) {
    throw await refuse(new TcError('invalid_token', 'The Authorization header is required: "Bearer <embed token>".'));
  }
  const match = BEARER.exec(authorization);
  if (!match) throw await refuse(new TcError('invalid_token', 'The Authorization header must be "Bearer <embed token>".'));

  // The session cache answers repeated calls with one token without waiting on anything.
  let verified = services.tokens.cachedVerification(match[1]!);
  if (!verified) {
    try {
      verified = await services.tokens.verifyAndCache(match[1]!);
    } catch (error) {
      if (error instanceof ExpiredTokenError) throw await refuse(error, error.subject);
      if (error instanceof TcError) throw await refuse(error);
      throw error;
    }
  }
  const { claims, kid } = verified;
  // Only the console's preview (its tokens signed by the organization's console preview key, minted for a
  // signed-in admin) needs the Host-inferred origin; every other token must come with the browser's Origin.
  if (requestOrigin?.fromHost && !(await services.apiKeys.isConsolePreviewKey(kid))) origin = undefined;

  const matcher = services.origins.cachedMatcher(claims.org) ?? (await services.origins.matcherFor(claims.org));
  if (!origin || !matcher.matches(origin)) {
    const shown = origin === undefined ? 'no Origin header' : `origin ${JSON.stringify(origin.slice(0, 200))}`;
    throw await refuse(
      new TcError(
        'origin_not_authorized',
        `This page's ${shown} is not an authorized origin of the organization; add it under Settings › Embed & access › Authorized origins.`,
      ),
      { kid, org: claims.org, distinctId: claims.sub },
    );
  }
  void reply.header('access-control-allow-origin', origin);
  services.audit.record({
    orgId: claims.org,
    event: 'session.verified',
    outcome: 'success',
    distinctId: claims.sub,
    apiKeyId: kid,
    origin,
  });
  return { kid, claims, origin };
}
