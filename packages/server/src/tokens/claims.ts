/** The claims every embed token carries (contract §3). */
export interface EmbedTokenClaims {
  iss: string;
  aud: string;
  sub: string;
  org: string;
  role: 'explorer';
  permissions: string[];
  attributes: Record<string, AttributeValue>;
  iat: number;
  nbf: number;
  exp: number;
  jti: string;
}

export type AttributeValue = string | number | boolean | string[];

export const EMBED_TOKEN_AUDIENCE = 'tc-embed';
export const EMBED_TOKEN_TYPE = 'JWT';
export const SUPPORTED_ROLES = ['explorer'] as const;
/** What an explorer may do with an embed token. */
export const EXPLORER_PERMISSIONS = ['dashboards:view', 'assistant'] as const;

export const MIN_TOKEN_LIFETIME_SECONDS = 60;
export const MAX_TOKEN_LIFETIME_SECONDS = 24 * 60 * 60;
export const DEFAULT_TOKEN_LIFETIME = '1h';
