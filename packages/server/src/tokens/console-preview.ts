import type { ApiKeyService } from '../apikeys/service.ts';
import type { AttributeService } from '../attributes/service.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import { expectObject, expectString } from '../validation/input.ts';
import { mintEmbedToken } from './mint.ts';
import { parseTokenAttributes } from './token-request.ts';

/** Long enough to look around a dashboard; short, since the admin can mint another with one click. */
export const CONSOLE_PREVIEW_LIFETIME_SECONDS = 15 * 60;
/** A preview shows dashboards; it does not open the assistant. */
export const CONSOLE_PREVIEW_PERMISSIONS = ['dashboards:view'] as const;
export const CONSOLE_PREVIEW_DEFAULT_DISTINCT_ID = 'console-preview';

export interface ConsolePreviewDependencies {
  apiKeys: ApiKeyService;
  attributes: AttributeService;
  audit: AuditLog;
  issuer: string;
}

export interface ConsolePreviewRequest {
  orgId: string;
  /** The signed-in admin, recorded in the audit log as the reason for the mint. */
  adminEmail: string;
  /** `{distinctId?, attributes?}` from the console. */
  body: unknown;
}

/**
 * Mints a dashboard preview token for a signed-in admin without an API key: signed with the organization's
 * console preview key (never an integration key), limited to `dashboards:view` for 15 minutes, validated like
 * any token request, and recorded in the audit log as `token.preview_minted` naming the admin.
 */
export async function mintConsolePreviewToken(
  deps: ConsolePreviewDependencies,
  request: ConsolePreviewRequest,
): Promise<{ token: string; expiresIn: string; expiresAt: string }> {
  const body = expectObject(request.body ?? {}, 'body', ['distinctId', 'attributes']);
  const typed =
    body.distinctId === undefined ? '' : expectString(body.distinctId, 'distinctId', { min: 0, max: 256, hint: 'the user id to preview as, e.g. "user-123"' }).trim();
  const distinctId = typed || CONSOLE_PREVIEW_DEFAULT_DISTINCT_ID;
  const attributes = parseTokenAttributes(body.attributes ?? {}, await deps.attributes.typesFor(request.orgId), 'attributes');
  const key = await deps.apiKeys.consolePreviewKey(request.orgId);
  const resolution = await deps.apiKeys.tokenKeyFor(key.id);
  if (!resolution) throw new Error('the console preview key could not be resolved');
  const { claims, token } = await mintEmbedToken({
    key: resolution.key,
    apiKeyId: key.id,
    issuer: deps.issuer,
    org: request.orgId,
    distinctId,
    role: 'explorer',
    permissions: CONSOLE_PREVIEW_PERMISSIONS,
    attributes,
    lifetimeSeconds: CONSOLE_PREVIEW_LIFETIME_SECONDS,
  });
  deps.audit.record({
    orgId: request.orgId,
    event: 'token.preview_minted',
    outcome: 'success',
    reason: `console preview by ${request.adminEmail}`,
    distinctId,
    apiKeyId: key.id,
  });
  return { token, expiresIn: '15m', expiresAt: new Date(claims.exp * 1000).toISOString() };
}
