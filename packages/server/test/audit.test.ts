import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertContractError } from './helpers/assert-error.ts';
import { mintExpiredToken } from './helpers/expired-token.ts';
import { createTestContext, TEST_ORIGIN, type TestContext, type TestOrg } from './helpers/test-app.ts';

interface AuditEntry {
  event: string;
  outcome: string;
  reason: string | null;
  distinctId: string | null;
  apiKeyId: string | null;
  origin: string | null;
  at: string;
}

const EVIL_ORIGIN = 'https://evil.example.com';

describe('audit log: GET /api/audit', () => {
  let ctx: TestContext;
  let globex: TestOrg;
  let admin: Record<string, string>;
  let startedAt: Date;
  let finishedAt: Date;

  const audit = async (query: Record<string, string>): Promise<AuditEntry[]> => {
    const response = await ctx.inject({ method: 'GET', url: `/api/audit?${new URLSearchParams(query)}`, headers: admin });
    assert.equal(response.statusCode, 200, response.body);
    return response.json().events;
  };
  const session = (token: string, origin: string) =>
    ctx.inject({ method: 'POST', url: '/embed/session', headers: { authorization: `Bearer ${token}`, origin } });

  before(async () => {
    ctx = await createTestContext();
    globex = await ctx.addOrg('Globex');
    admin = await ctx.adminHeaders();

    startedAt = new Date();
    const token = await ctx.mint({ distinctId: 'audited-user', role: 'explorer', attributes: {} });
    assert.equal((await session(token, TEST_ORIGIN)).statusCode, 200);
    assert.equal((await session(token, EVIL_ORIGIN)).statusCode, 403);
    // The same distinctId in another organization must stay out of this organization's log.
    const globexToken = await ctx.mint({ distinctId: 'audited-user', role: 'explorer', attributes: {} }, {}, globex.apiKey);
    assert.equal((await session(globexToken, TEST_ORIGIN)).statusCode, 200);
    finishedAt = new Date(Date.now() + 1);
  });
  after(() => ctx.close());

  it('lists the mint, the verified session and the refused one with key id, origin and outcome', async () => {
    const events = await audit({ distinctId: 'audited-user' });
    const minted = events.find((e) => e.event === 'token.minted');
    const verified = events.find((e) => e.event === 'session.verified');
    const refused = events.find((e) => e.event === 'session.refused');
    assert.ok(minted && verified && refused, JSON.stringify(events));
    assert.deepEqual(
      { outcome: minted.outcome, apiKeyId: minted.apiKeyId, distinctId: minted.distinctId },
      { outcome: 'success', apiKeyId: ctx.apiKeyId, distinctId: 'audited-user' },
    );
    assert.deepEqual(
      { outcome: verified.outcome, apiKeyId: verified.apiKeyId, origin: verified.origin },
      { outcome: 'success', apiKeyId: ctx.apiKeyId, origin: TEST_ORIGIN },
    );
    assert.deepEqual(
      { outcome: refused.outcome, apiKeyId: refused.apiKeyId, origin: refused.origin, reason: refused.reason },
      { outcome: 'failure', apiKeyId: ctx.apiKeyId, origin: EVIL_ORIGIN, reason: 'origin_not_authorized' },
    );
    for (const event of events) {
      const at = Date.parse(event.at);
      assert.ok(at >= startedAt.getTime() - 1000 && at <= finishedAt.getTime() + 1000, event.at);
    }
  });

  it('shows only the admin\'s own organization', async () => {
    const events = await audit({ distinctId: 'audited-user' });
    assert.ok(events.every((event) => event.apiKeyId === ctx.apiKeyId), JSON.stringify(events));
    assert.ok(!JSON.stringify(events).includes(globex.apiKeyId));
  });

  it('names the user of an expired token that was refused', async () => {
    const expired = await mintExpiredToken(ctx, { distinctId: 'expired-audited-user' });
    assert.equal((await session(expired, TEST_ORIGIN)).statusCode, 401);
    const events = await audit({ distinctId: 'expired-audited-user' });
    assert.equal(events.length, 1, JSON.stringify(events));
    assert.deepEqual(
      { event: events[0]!.event, outcome: events[0]!.outcome, reason: events[0]!.reason, apiKeyId: events[0]!.apiKeyId, origin: events[0]!.origin },
      { event: 'session.refused', outcome: 'failure', reason: 'token_expired', apiKeyId: ctx.apiKeyId, origin: TEST_ORIGIN },
    );
  });

  it('filters by since and until', async () => {
    const all = await audit({ distinctId: 'audited-user' });
    assert.ok(all.length >= 3);
    assert.equal((await audit({ distinctId: 'audited-user', since: startedAt.toISOString(), until: finishedAt.toISOString() })).length, all.length);
    assert.deepEqual(await audit({ distinctId: 'audited-user', since: new Date(Date.now() + 60_000).toISOString() }), []);
    assert.deepEqual(await audit({ distinctId: 'audited-user', until: new Date(startedAt.getTime() - 60_000).toISOString() }), []);
    assert.equal((await audit({ distinctId: 'audited-user', since: '2000-01-01' })).length, all.length);
  });

  it('lists newest first and honours limit', async () => {
    const all = await audit({ distinctId: 'audited-user' });
    const times = all.map((event) => Date.parse(event.at));
    assert.deepEqual(times, [...times].sort((a, b) => b - a));
    assert.equal((await audit({ distinctId: 'audited-user', limit: '1' })).length, 1);
  });

  it('returns nothing for a distinctId that never appeared', async () => {
    assert.deepEqual(await audit({ distinctId: 'nobody-at-all' }), []);
  });

  it('refuses a bad since, until or limit with 400 naming the parameter', async () => {
    for (const [field, value] of [['since', 'yesterday'], ['until', '2025-99-99'], ['since', 'null']] as const) {
      const response = await ctx.inject({ method: 'GET', url: `/api/audit?${field}=${value}`, headers: admin });
      assertContractError(response, { status: 400, code: 'invalid_request', field, mentions: /ISO 8601/ });
    }
    for (const limit of ['0', '1001', 'ten', '1.5']) {
      assertContractError(await ctx.inject({ method: 'GET', url: `/api/audit?limit=${limit}`, headers: admin }), {
        status: 400,
        code: 'invalid_request',
        field: 'limit',
      });
    }
  });
});
