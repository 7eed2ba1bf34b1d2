import { EXPLORER_PERMISSIONS } from '../../src/tokens/claims.ts';
import { mintEmbedToken } from '../../src/tokens/mint.ts';
import type { TestContext } from './test-app.ts';

/**
 * A token minted by the real minting code with the real key of `apiKeyId`, but issued `ageSeconds` ago with a
 * `lifetimeSeconds` lifetime: the only way to get an expired token without waiting (HTTP minting uses the clock).
 */
export async function mintExpiredToken(
  ctx: TestContext,
  options: { apiKeyId?: string; distinctId?: string; attributes?: Record<string, string>; ageSeconds?: number; lifetimeSeconds?: number } = {},
): Promise<string> {
  const apiKeyId = options.apiKeyId ?? ctx.apiKeyId;
  const resolution = await ctx.services.apiKeys.tokenKeyFor(apiKeyId);
  if (!resolution) throw new Error(`API key ${apiKeyId} is not live`);
  const { token } = await mintEmbedToken({
    key: resolution.key,
    apiKeyId,
    issuer: ctx.config.publicUrl,
    org: resolution.org,
    distinctId: options.distinctId ?? 'expired-user',
    role: 'explorer',
    permissions: EXPLORER_PERMISSIONS,
    attributes: options.attributes ?? {},
    lifetimeSeconds: options.lifetimeSeconds ?? 60,
    now: new Date(Date.now() - (options.ageSeconds ?? 2 * 3600) * 1000),
  });
  return token;
}
