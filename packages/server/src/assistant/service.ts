import type { Config } from '../config.ts';
import type { DatasetService } from '../datasets/service.ts';
import type { DatasetTable } from '../datasets/types.ts';
import { isTcError, TcError, type ErrorCode } from '../errors.ts';
import { LocalWindowCounters, type WindowCounters } from '../ratelimit/window-counters.ts';
import type { DatasetQueryExecutor, QueryScope } from '../query/executor.ts';
import type { DatasetQuery, QueryResult, ResultColumn } from '../query/types.ts';
import { resolveDatasetQuery } from '../query/validate.ts';
import type { Store } from '../store/store.ts';
import { expectObject, expectString } from '../validation/input.ts';
import { answerLines } from './answer-text.ts';
import { suggestChart, type ChartSuggestion } from './chart.ts';
import { ConversationStore, type ConversationOwner } from './conversations.ts';
import { explainQuery, headline, lower } from './explain.ts';
import { compileIntent, intentFromQuery } from './intent.ts';
import { ChatCompletionsProvider, ProviderError } from './llm-provider.ts';
import { parseQuestion, type ParseOutcome } from './semantic-parser.ts';
import { suggestQuestions } from './suggestions.ts';
import { words } from './text-match.ts';
import { buildVocabulary, tableRelevance, type VisibleValues } from './vocabulary.ts';

export const MAX_QUESTION_LENGTH = 4_000;
/** Distinct values read per text column to recognise names in questions. */
const MAX_VALUES_PER_COLUMN = 1_000;
/** Text columns whose values are read per question, at most. */
const MAX_VALUE_COLUMNS = 20;
const QUESTION_WINDOW_MS = 60_000;

export interface AssistantCaller extends ConversationOwner {
  /** The token's attributes: every query of the answer runs with them (row-level security). */
  attributes: unknown;
}

/** The `event: result` payload. */
export interface AnswerResult {
  conversationId: string;
  query: DatasetQuery;
  explanation: string;
  columns: ResultColumn[];
  rows: Record<string, unknown>[];
  rowCount: number;
  truncated: boolean;
  chart: ChartSuggestion;
  /** Which engine wrote the query: the embedded parser, or the configured model provider. */
  engine: 'embedded' | 'provider';
}

/** Where an answer goes as it is produced (the route streams it as Server-Sent Events). */
export interface AnswerSink {
  delta(text: string): void;
  result(result: AnswerResult): void;
}

export interface AssistantLogger {
  warn(details: Record<string, unknown>, message: string): void;
}

export interface AssistantDeps {
  store: Store;
  config: Config;
  datasets: DatasetService;
  queries: DatasetQueryExecutor;
}

// Embed users see what failed in general terms; hosts, connection names and database messages stay in the log.
const VIEWER_MESSAGES: Partial<Record<ErrorCode, string>> = {
  query_timeout: 'The data took too long to answer this question; try a narrower one.',
  row_limit_exceeded: 'This question returns more rows than the data connection allows; try a narrower one.',
  connection_failed: 'The database behind this data could not be reached; try again later.',
  secret_unavailable: 'The database behind this data is not available right now; an administrator must check its connection.',
  service_unavailable: 'The assistant is unavailable right now; try again shortly.',
  invalid_request: "This question's query does not match the table's current structure; ask it again in other words.",
};

/** A failure during an answer, as the `event: error` the user sees. */
export function viewerError(error: unknown): { code: string; message: string } {
  if (isTcError(error) && VIEWER_MESSAGES[error.code]) return { code: error.code, message: VIEWER_MESSAGES[error.code]! };
  return { code: 'internal_error', message: 'The assistant could not answer this question; the error was logged.' };
}

/** Checks `POST /embed/assistant/messages`' body: `{message, conversationId?}`. */
export function parseMessageRequest(body: unknown): { message: string; conversationId: string | undefined } {
  const input = expectObject(body, 'body', ['message', 'conversationId']);
  if (input.message === undefined) throw new TcError('invalid_request', 'message is required: the question to ask.', [{ field: 'message', message: 'required' }]);
  const message = expectString(input.message, 'message', { max: MAX_QUESTION_LENGTH }).trim();
  if (!message) throw new TcError('invalid_request', 'message must not be blank: ask a question about your data.', [{ field: 'message', message: 'blank' }]);
  const conversationId = input.conversationId === undefined || input.conversationId === null ? undefined : expectString(input.conversationId, 'conversationId', { max: 64 });
  return { message, conversationId };
}

/**
 * The AI assistant: a question in plain language → a DatasetQuery (by the configured model when there is one,
 * else — or when the model fails — by the embedded parser) → rows through the caller's row-level security →
 * an answer written from those rows only. Conversations are kept per user for follow-up questions.
 */
export class AssistantService {
  readonly conversations: ConversationStore;
  private readonly provider: ChatCompletionsProvider | undefined;
  private questionCounts: WindowCounters = new LocalWindowCounters();

  constructor(
    private readonly deps: AssistantDeps,
    fetchImpl: typeof fetch = fetch,
  ) {
    this.conversations = new ConversationStore(deps.store, deps.config.assistant.retentionDays);
    this.provider = deps.config.assistant.llm ? new ChatCompletionsProvider(deps.config.assistant.llm, fetchImpl) : undefined;
  }

  /**
   * Counts questions with the HTTP app's rate-limit counters: in Redis with TC_REDIS_URL, so a user's budget is
   * one across every instance behind a load balancer (this instance's own counters otherwise, and while Redis is out).
   */
  countQuestionsWith(counters: WindowCounters): void {
    this.questionCounts = counters;
  }

  /** Validates the request and opens its conversation (404 for one that is not the caller's) before any streaming. */
  async startTurn(caller: AssistantCaller, body: unknown): Promise<AssistantTurn> {
    const { message, conversationId } = parseMessageRequest(body);
    // Counted per user after the token was checked, so the refusal carries CORS headers the element can read.
    const count = await this.questionCounts.increment(`assistant-questions:${JSON.stringify([caller.orgId, caller.distinctId])}`, QUESTION_WINDOW_MS);
    if (count.current > this.deps.config.assistant.questionsPerMinute) {
      const retryAfterSeconds = Math.max(1, Math.ceil(count.ttl / 1000));
      throw Object.assign(new TcError('rate_limited', `Too many questions in a minute; ask again in ${retryAfterSeconds} seconds.`), { retryAfterSeconds });
    }
    const conversation = await this.conversations.open(caller, conversationId);
    return new AssistantTurn(this.deps, this.conversations, this.provider, caller, message, conversation.id, conversation.lastQuery);
  }

  /** Questions to start from, written from the organization's table metadata. */
  async suggestions(orgId: string): Promise<string[]> {
    const tables = await this.deps.datasets.list(orgId);
    return tables.flatMap((table) => suggestQuestions(table)).slice(0, 6);
  }
}

/** What the assistant knows about a table for one user: the values they can see and their latest date. */
interface TableContext {
  values: VisibleValues;
  anchor: string;
}

async function readTableContext(scope: QueryScope, table: DatasetTable): Promise<TableContext> {
  const texts = table.columns.filter((column) => column.type === 'string').slice(0, MAX_VALUE_COLUMNS);
  const date = table.columns.find((column) => column.type === 'date');
  // Read through the caller's scope: a value the user may not see never becomes a word the assistant knows.
  const [valueLists, latest] = await Promise.all([
    Promise.all(
      texts.map((column) =>
        scope.run({ table: table.id, dimensions: [{ key: 'value', column: column.name }], limit: MAX_VALUES_PER_COLUMN }, `values of ${column.name}`),
      ),
    ),
    date ? scope.run({ table: table.id, measures: [{ key: 'latest', aggregate: 'max', column: date.name }] }, 'latest date') : undefined,
  ]);
  const values = new Map<string, string[]>();
  texts.forEach((column, i) => {
    values.set(
      column.name,
      valueLists[i]!.rows.map((row) => row.value).filter((value): value is string => typeof value === 'string'),
    );
  });
  const latestDate = latest?.rows[0]?.latest;
  return { values, anchor: typeof latestDate === 'string' ? latestDate : new Date().toISOString().slice(0, 10) };
}

/**
 * The table a question is about: the one whose column words it uses most, then (on a tie) whose descriptions
 * share most of its words. A follow-up stays on the previous answer's table unless another one's names fit better.
 */
function chooseTable(tables: readonly DatasetTable[], question: string, previous: DatasetTable | undefined): DatasetTable {
  const stems = words(question).map((word) => word.stem);
  const scored = tables.map((table) => ({ table, ...tableRelevance(table, stems) }));
  // The first table wins a complete tie.
  const best = scored.reduce((a, b) => (b.names > a.names || (b.names === a.names && b.descriptions > a.descriptions) ? b : a));
  const kept = previous ? scored.find((entry) => entry.table.id === previous.id) : undefined;
  return kept && kept.names >= best.names ? kept.table : best.table;
}

/** Only what a query needs; a model's labels and formats are dropped so no text of its own reaches the answer. */
function sanitizeProposal(proposal: unknown): unknown {
  if (typeof proposal !== 'object' || proposal === null || Array.isArray(proposal)) return proposal;
  const query = proposal as Record<string, unknown>;
  const pick = (items: unknown, keys: string[]) =>
    Array.isArray(items)
      ? items.map((item) => (typeof item === 'object' && item !== null ? Object.fromEntries(keys.filter((key) => key in item).map((key) => [key, (item as Record<string, unknown>)[key]])) : item))
      : items;
  return {
    ...query,
    ...(query.measures !== undefined ? { measures: pick(query.measures, ['key', 'aggregate', 'column']) } : {}),
    ...(query.dimensions !== undefined ? { dimensions: pick(query.dimensions, ['key', 'column', 'granularity']) } : {}),
  };
}

/** One question and its answer. */
export class AssistantTurn {
  constructor(
    private readonly deps: AssistantDeps,
    private readonly conversations: ConversationStore,
    private readonly provider: ChatCompletionsProvider | undefined,
    private readonly caller: AssistantCaller,
    readonly question: string,
    readonly conversationId: string,
    private readonly lastQuery: DatasetQuery | undefined,
  ) {}

  /** Answers into `sink`; throws on a failure to report (the route turns it into `event: error`). */
  async answer(sink: AnswerSink, signal: AbortSignal, log: AssistantLogger): Promise<void> {
    const tables = await this.deps.datasets.list(this.caller.orgId);
    if (tables.length === 0) {
      await this.reply(sink, ['No data has been set up for the assistant yet; an administrator must describe a table first.']);
      return;
    }
    const scope = this.deps.queries.scope(this.caller.orgId, this.caller.attributes);
    const previousTable = this.lastQuery ? tables.find((table) => table.id === this.lastQuery!.table) : undefined;
    const table = chooseTable(tables, this.question, previousTable);
    const context = await readTableContext(scope, table);
    if (signal.aborted) return;

    const findTable = async (id: string) => (id === table.id ? table : undefined);
    let query: DatasetQuery | undefined;
    let engine: AnswerResult['engine'] = 'embedded';
    let periods: string[] = [];
    let periodLabels: string[] = [];
    if (this.provider) {
      query = await this.askProvider(table, context, signal, log);
      if (query) engine = 'provider';
    }
    let outcome: ParseOutcome | undefined;
    if (!query) {
      const vocabulary = buildVocabulary(table, context.values);
      const previous = this.lastQuery && previousTable?.id === table.id ? intentFromQuery(this.lastQuery, table) : undefined;
      outcome = parseQuestion({ question: this.question, vocabulary, anchor: context.anchor, previous });
      if (outcome.kind !== 'answer') {
        await this.reply(sink, this.notUnderstood(outcome, table));
        return;
      }
      query = compileIntent(outcome.intent, vocabulary.rowNoun);
      periods = outcome.periods.filter((label) => label.includes('('));
      periodLabels = outcome.periods;
    }
    const resolved = await resolveDatasetQuery(query, findTable);
    // Something to read while the query runs: what the question was understood as, before any figure.
    const looking = `Looking at ${lower(headline(resolved))}${periodLabels.length > 0 ? ` — ${periodLabels.join(', ')}` : ''}…`;
    sink.delta(`${looking}\n`);
    const result: QueryResult = await scope.run(query);
    if (signal.aborted) return;
    const lines = [...(periods.length > 0 ? [`Period: ${periods.join('; ')}.`] : []), ...answerLines(resolved, result)];
    await this.reply(sink, lines, looking, {
      conversationId: this.conversationId,
      query,
      explanation: explainQuery(resolved),
      ...result,
      chart: suggestChart(resolved, result),
      engine,
    });
  }

  /** The model's query when it gives a valid one in time; undefined (and a log line) otherwise. */
  private async askProvider(table: DatasetTable, context: TableContext, signal: AbortSignal, log: AssistantLogger): Promise<DatasetQuery | undefined> {
    const provider = this.provider!;
    try {
      const proposal = sanitizeProposal(
        await provider.proposeQuery({ question: this.question, table, values: context.values, anchor: context.anchor, previous: this.lastQuery, signal }),
      );
      await resolveDatasetQuery(proposal, async (id) => (id === table.id ? table : undefined));
      return proposal as DatasetQuery;
    } catch (error) {
      const reason = error instanceof ProviderError ? error.reason : isTcError(error) ? 'invalid_query' : 'failed';
      const detail = error instanceof Error ? error.message : 'unknown error';
      // Never the request or its headers: the API key must not reach a log.
      log.warn({ provider: provider.endpoint, reason, detail }, 'the assistant model gave no usable query; the embedded engine answers instead');
      return undefined;
    }
  }

  private notUnderstood(outcome: Exclude<ParseOutcome, { kind: 'answer' }>, table: DatasetTable): string[] {
    const lines: string[] =
      outcome.kind === 'clarify'
        ? [`I could not match ${outcome.unmatched.map((phrase) => `“${phrase}”`).join(', ')} to anything in ${table.label} that you can see.`]
        : [`I could not turn that into a question about ${table.label}.`];
    if (outcome.understood.length > 0) lines.push(`I understood: ${outcome.understood.join(', ')}.`);
    const examples = suggestQuestions(table);
    if (examples.length > 0) lines.push('You could ask, for example:', ...examples.map((example) => `• ${example}`));
    return lines;
  }

  /** Streams the lines, then the result, and records both (after the line `sent` already) in the conversation. */
  private async reply(sink: AnswerSink, lines: string[], sent?: string, result?: AnswerResult): Promise<void> {
    lines.forEach((line, i) => sink.delta(i < lines.length - 1 ? `${line}\n` : line));
    if (result) sink.result(result);
    await this.conversations.append(this.caller, this.conversationId, [
      { role: 'user', content: this.question },
      { role: 'assistant', content: [...(sent === undefined ? [] : [sent]), ...lines].join('\n'), query: result?.query },
    ]);
  }
}
