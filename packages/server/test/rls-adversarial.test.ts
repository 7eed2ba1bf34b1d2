import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import type { RuleGroup } from '../src/rls/rules.ts';
import { SALES_REGION_RULE } from '../src/sample/sales-metadata.ts';
import { mintEmbedToken } from '../src/tokens/mint.ts';
import { assertContractError } from './helpers/assert-error.ts';
import { SAMPLE_ROWS } from './helpers/sample-reference.ts';
import { createTestContext, TEST_ORIGIN, type TestContext } from './helpers/test-app.ts';

const count = (keep: (row: (typeof SAMPLE_ROWS)[number]) => boolean) => SAMPLE_ROWS.filter(keep).length;

describe('row-level security against hostile and malformed token attributes, through HTTP', () => {
  let ctx: TestContext;
  let admin: Record<string, string>;

  /** A token through the public route: the attributes pass the organization's registered types. */
  const mint = (attributes: Record<string, unknown>) => ctx.mint({ distinctId: 'mallory', role: 'explorer', attributes });
  /** A validly sealed token carrying attributes the public route would refuse (as if types changed after minting). */
  const mintUnchecked = async (attributes: Record<string, unknown>) => {
    const tokenKey = await ctx.services.apiKeys.tokenKeyFor(ctx.apiKeyId);
    const { token } = await mintEmbedToken({
      key: tokenKey!.key,
      apiKeyId: ctx.apiKeyId,
      issuer: ctx.config.publicUrl,
      org: ctx.orgId,
      distinctId: 'mallory',
      role: 'explorer',
      permissions: ['dashboards:view'],
      attributes: attributes as Record<string, string>,
      lifetimeSeconds: 600,
    });
    return token;
  };
  /** Rows the token may see, counted by the seeded "Orders" KPI, and the regions of the "by region" chart. */
  const visible = async (token: string): Promise<{ orders: number; regions: string[] }> => {
    const response = await ctx.inject({ method: 'GET', url: '/embed/dashboards/sales', headers: { authorization: `Bearer ${token}`, origin: TEST_ORIGIN } });
    assert.equal(response.statusCode, 200, response.body);
    const tiles = response.json().tiles as { id: string; rows: Record<string, unknown>[]; error?: unknown }[];
    for (const tile of tiles) assert.equal(tile.error, undefined, `${tile.id}: ${JSON.stringify(tile.error)}`);
    return {
      orders: tiles.find((tile) => tile.id === 'orders-total')!.rows[0]!.orders as number,
      regions: tiles.find((tile) => tile.id === 'revenue-by-region')!.rows.map((row) => row.region as string),
    };
  };
  const setRules = async (rules: RuleGroup) => {
    const response = await ctx.inject({ method: 'PUT', url: '/api/tables/sales/rules', headers: admin, payload: { mode: 'rules', rules } });
    assert.equal(response.statusCode, 200, response.body);
  };

  before(async () => {
    ctx = await createTestContext({ sample: true });
    admin = await ctx.adminHeaders();
  });
  afterEach(() => setRules(SALES_REGION_RULE));
  after(() => ctx.close());

  it('treats injection attempts, look-alikes and odd unicode in a string attribute as plain data: no rows', async () => {
    const hostile = [
      "Europe' OR 1=1 --",
      "' OR '1'='1",
      'Europe"; drop table sample.sales; --',
      "Europe'); delete from sample.sales; --",
      'Europe%',
      'Europe_',
      'Europe ',
      ' Europe',
      'EUROPE',
      'europe',
      'Éurope',
      'Europe\u200b',
      'E\u0301urope',
      '𝄞',
      '$1',
      '\\',
      'x'.repeat(1024),
    ];
    for (const region of hostile) {
      assert.deepEqual(await visible(await mint({ region })), { orders: 0, regions: [] }, JSON.stringify(region.slice(0, 40)));
    }
    assert.deepEqual(await visible(await mint({ region: 'Europe' })), { orders: count((row) => row.region === 'Europe'), regions: ['Europe'] });
    const [stored] = await ctx.store.query<{ n: number }>('select count(*) as n from sample.sales');
    assert.equal(stored!.n, SAMPLE_ROWS.length, 'the sample table is intact');
  });

  it('matches a value with unicode exactly when the data holds it', async () => {
    await setRules({ combinator: 'and', rules: [{ column: 'city', operator: 'equals', attribute: 'region' }] });
    assert.equal((await visible(await mint({ region: 'São Paulo' }))).orders, count((row) => row.city === 'São Paulo'));
    assert.equal((await visible(await mint({ region: 'Sa\u0303o Paulo' }))).orders, 0, 'another normalisation form is another string');
    assert.equal((await visible(await mint({ region: 'Bogotá' }))).orders, count((row) => row.city === 'Bogotá'));
  });

  it('refuses over-long strings and wrongly typed values when minting, naming the attribute', async () => {
    const refuse = async (attributes: Record<string, unknown>) =>
      assertContractError(
        await ctx.inject({
          method: 'POST',
          url: '/embed/generate-token',
          headers: { 'x-api-key': ctx.apiKey, 'content-type': 'application/json' },
          payload: { user: { distinctId: 'mallory', role: 'explorer', attributes } },
        }),
        { status: 400, code: 'invalid_request', field: `user.attributes.${Object.keys(attributes)[0]}` },
      );
    await refuse({ region: 'x'.repeat(1025) });
    await refuse({ region: ['Europe'] });
    await refuse({ region: { $ne: null } });
    await refuse({ region: 1 });
    await refuse({ countries: 'France' });
  });

  it('shows no rows when a sealed token carries a value of the wrong shape (array, number, boolean, unstorable text)', async () => {
    for (const region of [['Europe'], ['Europe', 'Asia Pacific'], [], 42, true, '', 'Eu\u0000rope', '\uD800']) {
      assert.deepEqual(await visible(await mintUnchecked({ region })), { orders: 0, regions: [] }, JSON.stringify(region));
    }
  });

  it('never reaches row-level security with values no attribute can hold (objects, null, mixed arrays): the token is refused', async () => {
    for (const region of [{ $ne: null }, { toString: 'Europe' }, null, ['Europe', 7]]) {
      const response = await ctx.inject({
        method: 'GET',
        url: '/embed/dashboards/sales',
        headers: { authorization: `Bearer ${await mintUnchecked({ region })}`, origin: TEST_ORIGIN },
      });
      assertContractError(response, { status: 401, code: 'invalid_token' });
    }
  });

  it('filters by a list attribute with "in" and treats each item as data', async () => {
    await setRules({ combinator: 'and', rules: [{ column: 'country', operator: 'in', attribute: 'countries' }] });
    const france = count((row) => row.country === 'France');
    const spain = count((row) => row.country === 'Spain');
    assert.equal((await visible(await mint({ countries: ['France', "Germany' OR 1=1 --", 'Spain'] }))).orders, france + spain);
    assert.equal((await visible(await mint({ countries: [] }))).orders, 0);
    assert.equal((await visible(await mint({}))).orders, 0);
    assert.equal((await visible(await mintUnchecked({ countries: 'France' }))).orders, france, 'a single value is a list of one');
    assert.equal((await visible(await mintUnchecked({ countries: 'France\u0000' }))).orders, 0);
    assert.equal((await visible(await mintUnchecked({ countries: ['France', 'Spain\u0000'] }))).orders, 0, 'a list with an unstorable item is refused whole');

    await setRules({ combinator: 'and', rules: [{ column: 'country', operator: 'not_in', attribute: 'countries' }] });
    assert.equal((await visible(await mint({ countries: ['France'] }))).orders, SAMPLE_ROWS.length - france);
    assert.equal((await visible(await mint({}))).orders, 0, 'a missing list hides everything, it does not exclude nothing');
  });

  it('compares numbers and dates as numbers and dates, and fails closed on text posing as one', async () => {
    await setRules({ combinator: 'and', rules: [{ column: 'units', operator: 'gte', attribute: 'level' }] });
    assert.equal((await visible(await mint({ level: 5 }))).orders, count((row) => row.units >= 5));
    assert.equal((await visible(await mint({ level: 2.5 }))).orders, count((row) => row.units >= 2.5));
    assert.equal((await visible(await mintUnchecked({ level: '5' }))).orders, 0);
    assert.equal((await visible(await mintUnchecked({ level: '0 OR 1=1' }))).orders, 0);

    await setRules({ combinator: 'and', rules: [{ column: 'order_date', operator: 'after', attribute: 'since' }] });
    assert.equal((await visible(await mint({ since: '2025-06-30' }))).orders, count((row) => row.orderDate > '2025-06-30'));
    assert.equal((await visible(await mint({ since: '2025-06-30T23:59:59Z' }))).orders, count((row) => row.orderDate > '2025-06-30'));
    assert.equal((await visible(await mintUnchecked({ since: '2025-02-30' }))).orders, 0);
    assert.equal((await visible(await mintUnchecked({ since: "2025-06-30' OR 1=1 --" }))).orders, 0);
  });

  it('combines conditions with OR and AND; a missing attribute only removes its own condition from an OR', async () => {
    await setRules({
      combinator: 'or',
      rules: [
        { column: 'region', operator: 'equals', attribute: 'region' },
        { combinator: 'and', rules: [{ column: 'country', operator: 'in', attribute: 'countries' }, { column: 'channel', operator: 'equals', attribute: 'region' }] },
      ],
    });
    // countries without region: the AND branch needs region too, so nothing.
    assert.equal((await visible(await mint({ countries: ['Japan'] }))).orders, 0);
    const europe = count((row) => row.region === 'Europe');
    assert.equal((await visible(await mint({ region: 'Europe', countries: ['Japan'] }))).orders, europe);
    assert.equal(
      (await visible(await mint({ region: 'Online', countries: ['Japan'] }))).orders,
      count((row) => row.country === 'Japan' && row.channel === 'Online'),
    );
  });

  it('a missing attribute satisfies no condition, "is not set" included; "is not set" means the token says "none"', async () => {
    await setRules({
      combinator: 'or',
      rules: [
        { column: 'region', operator: 'equals', attribute: 'region' },
        { column: 'region', operator: 'is_not_set', attribute: 'countries' },
      ],
    });
    // A token minted without the attribute (a forgotten field in the host's code) must not open the whole table.
    assert.equal((await visible(await mint({}))).orders, 0, 'a token without the attribute sees nothing');
    assert.equal((await visible(await mint({ region: 'Europe' }))).orders, count((row) => row.region === 'Europe'));
    // Saying "no countries" explicitly is what the admin's "is not set" grants.
    assert.equal((await visible(await mint({ countries: [] }))).orders, SAMPLE_ROWS.length, 'an explicit empty list is "not set"');
    assert.equal((await visible(await mint({ region: 'Europe', countries: ['Japan'] }))).orders, count((row) => row.region === 'Europe'));
  });
});
