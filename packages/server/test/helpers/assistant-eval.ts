import { performance } from 'node:perf_hooks';
import { isDeepStrictEqual } from 'node:util';
import type { DatasetQuery } from '../../src/query/types.ts';
import { ask } from './assistant-client.ts';
import { EVAL_SET } from './assistant-eval-set.ts';
import { dimensionKeyOf, evaluateQuery, measureKeyOf, rowDifferences } from './query-reference.ts';
import type { TestContext } from './test-app.ts';

/** A query with keys and labels left out: what it measures, groups, filters, sorts and keeps. */
export function canonicalQuery(query: DatasetQuery): unknown {
  const refs = new Map<string, string>();
  const measures = (query.measures ?? []).map((measure) => {
    const ref = `measure ${measure.aggregate} ${measure.column ?? '*'}`;
    refs.set(measureKeyOf(measure), ref);
    return ref;
  });
  const dimensions = (query.dimensions ?? []).map((dimension) => {
    const ref = `dimension ${dimension.column} ${dimension.granularity ?? ''}`.trim();
    refs.set(dimensionKeyOf(dimension), ref);
    return ref;
  });
  const filters = (query.filters ?? [])
    .map((filter) => ({ column: filter.column, operator: filter.operator, value: Array.isArray(filter.value) ? [...filter.value].sort() : (filter.value ?? null) }))
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  const sort = (query.sort ?? []).map((entry) => ({ by: refs.get(entry.key) ?? `unknown key ${entry.key}`, direction: entry.direction ?? 'asc' }));
  return { table: query.table, measures, dimensions, filters, sort, limit: query.limit ?? null };
}

export interface EvalOutcome {
  question: string;
  correct: boolean;
  problems: string[];
  milliseconds: number;
}

export interface EvalReport {
  outcomes: EvalOutcome[];
  correct: number;
  total: number;
  score: number;
}

/**
 * Asks every question of the evaluation set through POST /embed/assistant/messages (follow-ups in one
 * conversation) and checks both the query and the rows. `token` must see every row of `sales`.
 */
export async function runAssistantEval(ctx: TestContext, token: string): Promise<EvalReport> {
  const outcomes: EvalOutcome[] = [];
  for (const conversation of EVAL_SET) {
    let conversationId: string | undefined;
    for (const turn of conversation) {
      const started = performance.now();
      const answer = await ask(ctx, token, turn.question, conversationId);
      const milliseconds = performance.now() - started;
      conversationId = answer.done?.conversationId ?? conversationId;
      const problems: string[] = [];
      if (answer.response.statusCode !== 200) problems.push(`HTTP ${answer.response.statusCode}: ${answer.response.body.slice(0, 200)}`);
      else if (answer.error) problems.push(`error event: ${answer.error.code} ${answer.error.message}`);
      else if (!answer.done) problems.push('the stream did not end with done');
      else if (turn.expected === null) {
        if (answer.result) problems.push(`answered with data: ${JSON.stringify(answer.result.query)}`);
        // Dates and small numbers of the examples ("Top 5 …") are fine; a figure is not.
        const figures = answer.text.replace(/\b\d{4}-\d{2}-\d{2}\b/g, '').replace(/\b(19|20)\d\d\b/g, '').replace(/\b\d\b/g, '');
        if (/\d/.test(figures)) problems.push(`a number in "${answer.text}"`);
      } else if (!answer.result) {
        problems.push(`no result: "${answer.text.split('\n')[0]}"`);
      } else {
        const actual = canonicalQuery(answer.result.query);
        const expected = canonicalQuery(turn.expected);
        if (!isDeepStrictEqual(actual, expected)) problems.push(`query ${JSON.stringify(actual)} instead of ${JSON.stringify(expected)}`);
        else {
          const reference = evaluateQuery(turn.expected);
          // Results use the assistant's keys; the reference uses the expected query's: compare by position.
          const renamed = answer.result.rows.map((row) => Object.fromEntries(Object.values(row).map((value, i) => [String(i), value])));
          const referenceRows = reference.rows.map((row) => {
            const keys = [...(turn.expected!.dimensions ?? []).map(dimensionKeyOf), ...(turn.expected!.measures ?? []).map(measureKeyOf)];
            return Object.fromEntries(keys.map((key, i) => [String(i), row[key] ?? null]));
          });
          problems.push(...rowDifferences(renamed, referenceRows, (turn.expected.sort ?? []).length > 0));
          if (answer.result.truncated !== reference.truncated) problems.push(`truncated ${answer.result.truncated} instead of ${reference.truncated}`);
        }
      }
      outcomes.push({ question: turn.question, correct: problems.length === 0, problems, milliseconds });
    }
  }
  const correct = outcomes.filter((outcome) => outcome.correct).length;
  return { outcomes, correct, total: outcomes.length, score: correct / outcomes.length };
}
