// The assistant section of `npm run bench`: the embedded engine's score on the evaluation set
// (packages/server/test/helpers/assistant-eval-set.ts) and how long each answer took, in process (PGlite, or
// PostgreSQL with TC_TEST_STORE=postgres).
import { runAssistantEval } from '../packages/server/test/helpers/assistant-eval.ts';
import { createTestContext } from '../packages/server/test/helpers/test-app.ts';

export interface AssistantBenchFigures {
  correct: number;
  total: number;
  p50: number;
  p95: number;
}

const percentile = (sorted: number[], share: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * share))]!;

export async function runAssistantBench(): Promise<AssistantBenchFigures> {
  const ctx = await createTestContext({ sample: true });
  try {
    await ctx.services.accessRules.set(ctx.orgId, 'sales', { mode: 'open' });
    const token = await ctx.mint({ distinctId: 'bench-analyst', role: 'explorer', attributes: {} });
    const report = await runAssistantEval(ctx, token);
    const times = report.outcomes.map((outcome) => outcome.milliseconds).sort((a, b) => a - b);
    const figures = { correct: report.correct, total: report.total, p50: Math.round(percentile(times, 0.5)), p95: Math.round(percentile(times, 0.95)) };
    const store = ctx.store.kind === 'pglite' ? 'PGlite' : 'PostgreSQL';
    console.log(`\nassistant (embedded engine, ${figures.total} questions of the evaluation set, ${store}, 60,000 sample rows)`);
    console.log(`exactly right (query and rows): ${figures.correct}/${figures.total} = ${((100 * figures.correct) / figures.total).toFixed(1)}%`);
    console.log(`answer time per question: p50 ${figures.p50} ms, p95 ${figures.p95} ms (whole stream, values read through row-level security)`);
    for (const outcome of report.outcomes.filter((o) => !o.correct)) console.log(`  ✗ ${outcome.question}: ${outcome.problems.join('; ')}`);
    return figures;
  } finally {
    await ctx.close();
  }
}

if (process.argv[1] && new URL(import.meta.url).pathname === process.argv[1]) {
  const figures = await runAssistantBench();
  if (figures.correct / figures.total < 0.9) process.exitCode = 1;
}
