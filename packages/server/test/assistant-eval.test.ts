import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runAssistantEval } from './helpers/assistant-eval.ts';
import { EVAL_SET } from './helpers/assistant-eval-set.ts';
import { createTestContext, type TestContext } from './helpers/test-app.ts';

describe('the embedded assistant engine on the evaluation set', () => {
  let ctx: TestContext;
  let token: string;

  before(async () => {
    ctx = await createTestContext({ sample: true });
    // The evaluation asks about every region: this organization shows the whole table to every token.
    await ctx.services.accessRules.set(ctx.orgId, 'sales', { mode: 'open' });
    token = await ctx.mint({ distinctId: 'analyst', role: 'explorer', attributes: {} });
  });
  after(() => ctx.close());

  it('has at least 40 questions', () => {
    assert.ok(EVAL_SET.flat().length >= 40, `only ${EVAL_SET.flat().length} questions`);
  });

  it('gets at least 90% of the questions exactly right: the query and every row', async () => {
    const report = await runAssistantEval(ctx, token);
    const wrong = report.outcomes.filter((outcome) => !outcome.correct).map((outcome) => `${outcome.question}: ${outcome.problems.join('; ')}`);
    console.log(`assistant evaluation: ${report.correct}/${report.total} exactly right (${(report.score * 100).toFixed(1)}%)`);
    for (const line of wrong) console.log(`  ✗ ${line}`);
    assert.ok(report.score >= 0.9, `only ${report.correct}/${report.total} right:\n${wrong.join('\n')}`);
  });
});
