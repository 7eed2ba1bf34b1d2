import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ask } from './helpers/assistant-client.ts';
import { createTestContext, type TestContext } from './helpers/test-app.ts';

describe('the assistant chooses the table a question is about', () => {
  let ctx: TestContext;
  let token: string;

  before(async () => {
    ctx = await createTestContext({ sample: true });
    // A second table whose column names are the same words as two of `sales`' ("product", "units"): only its
    // description tells a question about warehouse stock from one about sales. Its id sorts after "sales", so
    // a plain tie would go to sales.
    await ctx.services.datasets.register(ctx.orgId, {
      id: 'warehouse',
      connectionId: 'sample',
      schemaName: 'sample',
      tableName: 'sales',
      label: 'Stock',
      description: 'Laptops, chairs and desks held in the warehouse, per product.',
      columns: [
        { name: 'product', type: 'string', label: 'Product' },
        { name: 'units', type: 'number', label: 'Units', format: 'integer' },
      ],
    });
    await ctx.services.accessRules.set(ctx.orgId, 'sales', { mode: 'open' });
    await ctx.services.accessRules.set(ctx.orgId, 'warehouse', { mode: 'open' });
    token = await ctx.mint({ distinctId: 'analyst', role: 'explorer', attributes: {} });
  });
  after(() => ctx.close());

  it('uses column names first: a word only one table has decides', async () => {
    const answer = await ask(ctx, token, 'Revenue by product');
    assert.equal(answer.result?.query.table, 'sales', answer.text);
  });

  it('uses descriptions when the names fit two tables equally', async () => {
    const stock = await ask(ctx, token, 'Units of laptops by product');
    assert.equal(stock.result?.query.table, 'warehouse', stock.text);
    // Without a word of either description, the tie goes to the first table.
    const plain = await ask(ctx, token, 'Units by product');
    assert.equal(plain.result?.query.table, 'sales', plain.text);
  });

  it('keeps a follow-up on the previous table unless another one names the question better', async () => {
    const first = await ask(ctx, token, 'Units of laptops');
    assert.equal(first.result?.query.table, 'warehouse', first.text);
    // "product" fits both tables equally: the conversation's table stays.
    const followUp = await ask(ctx, token, 'and by product?', first.done!.conversationId);
    assert.equal(followUp.result?.query.table, 'warehouse', followUp.text);
    assert.deepEqual(followUp.result?.query.dimensions?.map((d) => d.column), ['product']);
    const elsewhere = await ask(ctx, token, 'Revenue by country', first.done!.conversationId);
    assert.equal(elsewhere.result?.query.table, 'sales', elsewhere.text);
  });
});
