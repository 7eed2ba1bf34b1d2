/** Response shapes of the admin API, as the server's routes return them. */

export interface Organization {
  id: string;
  name: string;
}

export interface Me {
  email: string;
  org: Organization;
  csrfToken: string;
}

export interface ApiKeySummary {
  id: string;
  name: string;
  prefix: string;
  lastFour: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface CreatedApiKey extends ApiKeySummary {
  key: string;
}

export type AttributeType = 'string' | 'number' | 'boolean' | 'date' | 'string[]';
export const ATTRIBUTE_TYPES: readonly AttributeType[] = ['string', 'number', 'boolean', 'date', 'string[]'];

export interface TokenAttribute {
  name: string;
  type: AttributeType;
  description: string;
  createdAt?: string;
}

export interface AttributesResponse {
  defaults: readonly { name: string; type: string; description: string }[];
  attributes: TokenAttribute[];
}

export interface GeneratedToken {
  token: string;
  expiresIn: string;
  expiresAt: string;
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

export interface AuditRecord {
  id: number;
  orgId: string | null;
  event: string;
  outcome: 'success' | 'failure';
  reason: string | null;
  distinctId: string | null;
  apiKeyId: string | null;
  origin: string | null;
  occurrences: number;
  at: string;
}
