import { html, nothing, type ReactiveController, type TemplateResult } from 'lit';
import type { Tile } from '../dashboard/dashboard-types.js';
import { ChartTiles, tileStyles } from '../dashboard/tiles/render-tiles.js';
import { addStyles } from '../internal/add-styles.js';
import { renderError } from '../internal/render-error.js';
import type { TcElement } from '../internal/tc-element.js';
import { EmbedError } from '../session/embed-error.js';
import type { TokenSessionController } from '../session/session-controller.js';
import { SessionStatus } from '../session/token-session.js';
import { answerStyles } from './answer.styles.js';
import { answerAsText, renderAnswer } from './answer-view.js';
import { answerTile, readResult, type AssistantResult } from './assistant-types.js';
import { readServerSentEvents } from './sse-reader.js';
import { SuggestionsLoader } from './suggestions-loader.js';

export { assistantStyles } from './tc-ai-assistant.styles.js';

interface ChatMessage {
  role: 'user' | 'assistant';
  text: string;
  streaming?: boolean;
  /** Assistant messages: the question answered ("Ask again" sends it again). */
  question?: string;
  /** Assistant messages: the data behind the answer, drawn as a tile. */
  result?: AssistantResult;
  tile?: Tile;
  copyStatus?: 'copied' | 'failed';
}

export const MESSAGES_PATH = '/embed/assistant/messages';
const MAX_MESSAGE_LENGTH = 4_000;

/**
 * The assistant's conversation: the message list, the question form, and the answer streamed from
 * `POST /embed/assistant/messages` (Server-Sent Events over fetch, since EventSource cannot send a bearer token).
 * Loaded lazily by <tc-ai-assistant>, so pages with dashboards only never download it.
 */
export class AssistantChat implements ReactiveController {
  private messages: ChatMessage[] = [];
  private draft = '';
  private streaming = false;
  private answerError: EmbedError | undefined;
  private conversationId: string | undefined;
  private answerAbort: AbortController | undefined;
  /** The question whose answer failed: "Try again" asks it again. */
  private failedQuestion: string | undefined;
  /** Questions sent while an answer was still streaming: asked in order once it ends (a follow-up needs its conversation). */
  private queued: string[] = [];
  private answers = 0;
  private readonly charts = new ChartTiles();
  private readonly suggestions: SuggestionsLoader;

  constructor(
    private readonly host: TcElement,
    private readonly session: TokenSessionController,
  ) {
    host.addController(this);
    this.suggestions = new SuggestionsLoader(session, () => host.requestUpdate());
    addStyles(host, tileStyles);
    addStyles(host, answerStyles);
  }

  hostUpdated(): void {
    if (this.session.status === SessionStatus.ready) this.suggestions.load();
    const tiles = new Map(this.messages.flatMap((message) => (message.tile ? [[message.tile.id, message.tile] as const] : [])));
    if (tiles.size > 0) void this.charts.sync(this.host, this.host.renderRoot, tiles);
  }

  hostDisconnected(): void {
    this.queued = [];
    this.answerAbort?.abort();
    this.charts.destroyAll();
  }

  /**
   * Sends the draft (or `text`: a suggestion, "Ask again") and streams the answer into a new assistant message.
   * Sent while an answer is still streaming, the question waits its turn instead of being dropped.
   */
  async send(text?: string): Promise<void> {
    const question = (text ?? this.draft).trim();
    if (!question || this.session.status !== SessionStatus.ready) return;
    if (question.length > MAX_MESSAGE_LENGTH) {
      this.fail(new EmbedError('invalid_request', `Questions are limited to ${MAX_MESSAGE_LENGTH} characters; shorten this one.`));
      return;
    }
    if (text === undefined) this.draft = '';
    if (this.streaming) {
      this.queued = [...this.queued, question];
      this.host.requestUpdate();
      return;
    }
    await this.ask(question);
  }

  private async ask(question: string): Promise<void> {
    this.answerError = undefined;
    this.failedQuestion = undefined;
    const answer: ChatMessage = { role: 'assistant', text: '', streaming: true, question };
    this.messages = [...this.messages, { role: 'user', text: question }, answer];
    this.streaming = true;
    this.host.requestUpdate();
    const abort = (this.answerAbort = new AbortController());
    try {
      const response = await this.session.fetch(MESSAGES_PATH, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
        body: JSON.stringify({ message: question, ...(this.conversationId ? { conversationId: this.conversationId } : {}) }),
        signal: abort.signal,
      });
      if (!response.body || !(response.headers.get('content-type') ?? '').includes('text/event-stream')) {
        throw new EmbedError('invalid_response', `${MESSAGES_PATH} did not answer with a text/event-stream.`, response.status);
      }
      for await (const event of readServerSentEvents(response.body)) {
        if (event.event === 'delta') {
          answer.text += textOf(event.data);
          this.host.requestUpdate();
        } else if (event.event === 'result') {
          const result = readResult(parsed(event.data));
          if (result) {
            answer.result = result;
            answer.tile = answerTile(`a${++this.answers}`, result);
            this.conversationId = result.conversationId || this.conversationId;
            this.host.requestUpdate();
          }
        } else if (event.event === 'done') {
          this.conversationId = conversationIdOf(event.data) ?? this.conversationId;
        } else if (event.event === 'error') {
          throw errorOf(event.data);
        }
      }
    } catch (error) {
      if (!abort.signal.aborted) {
        this.failedQuestion = question;
        this.fail(error);
        this.unqueue();
      }
    } finally {
      answer.streaming = false;
      if (this.answerAbort === abort) this.streaming = false;
      // An answer that never started leaves only the question and the error.
      if (!answer.text && !answer.result) this.messages = this.messages.filter((message) => message !== answer);
      this.host.requestUpdate();
    }
    const [next, ...rest] = this.queued;
    if (next !== undefined && !this.streaming) {
      this.queued = rest;
      await this.ask(next);
    }
  }

  /** Waiting questions go back into the draft (after a failure or Stop), so nothing typed is lost. */
  private unqueue(): void {
    if (this.queued.length === 0) return;
    this.draft = [...this.queued, this.draft].filter((text) => text.trim()).join('\n');
    this.queued = [];
  }

  private fail(error: unknown): void {
    let embedError = error instanceof EmbedError ? error : new EmbedError('invalid_response', (error as Error).message);
    if (embedError.code === 'not_found' && embedError.status === 404) {
      embedError = new EmbedError('not_found', `The assistant is not available on this tc-embed server (${embedError.message}); ask its operator to enable it.`, 404);
    }
    this.answerError = embedError;
    this.host.requestUpdate();
    if (embedError !== this.session.error) this.host.emit('tc-error', embedError.toDetail());
  }

  private stop = (): void => {
    this.answerAbort?.abort();
    this.unqueue();
    this.streaming = false;
    this.host.requestUpdate();
    this.host.renderRoot.querySelector('textarea')?.focus();
  };

  private onSubmit = (event: SubmitEvent): void => {
    event.preventDefault();
    void this.send();
  };

  private onInput = (event: Event): void => {
    this.draft = (event.target as HTMLTextAreaElement).value;
    this.host.requestUpdate();
  };

  private onKeydown = (event: KeyboardEvent): void => {
    // Enter sends, Shift+Enter starts a new line; IME composition is left alone.
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      void this.send();
    }
  };

  private retry = (): void => {
    const answerFailed = this.answerError !== undefined;
    const question = this.failedQuestion;
    this.answerError = undefined;
    this.host.requestUpdate();
    if (answerFailed && this.session.status === SessionStatus.ready) {
      this.host.renderRoot.querySelector('textarea')?.focus();
      if (question) void this.send(question);
    } else this.session.retry();
  };

  private askAgain(message: ChatMessage): void {
    if (message.question) void this.send(message.question);
  }

  /** Copies the answer's text and its rows (tab-separated, so they paste into a spreadsheet). */
  private async copy(message: ChatMessage): Promise<void> {
    const text = answerAsText(message.text, message.tile);
    try {
      await navigator.clipboard.writeText(text);
      message.copyStatus = 'copied';
    } catch {
      message.copyStatus = 'failed';
    }
    this.host.requestUpdate();
  }

  private renderMessage(message: ChatMessage, ready: boolean): TemplateResult {
    // One line: messages keep their own line breaks (white-space: pre-wrap).
    const bubble = html`<p part="message ${message.role}-message" class="msg ${message.role}" aria-busy=${message.streaming ? 'true' : 'false'}><span class="sr-only">${message.role === 'user' ? 'You: ' : 'Assistant: '}</span>${message.text || (message.streaming ? html`<span class="typing">Thinking…</span>` : nothing)}</p>`;
    if (message.role === 'user') return bubble;
    return html`<div class="turn">
      ${bubble} ${message.tile && message.result ? renderAnswer(message.tile, message.result, () => this.host.requestUpdate()) : nothing}
      ${!message.streaming && message.text
        ? html`<div class="actions" part="actions">
            <button part="copy-button" type="button" @click=${() => void this.copy(message)}>Copy</button>
            <button part="ask-again-button" type="button" ?disabled=${!ready || this.streaming} @click=${() => this.askAgain(message)}>Ask again</button>
            <span class="copy-status" role="status">${message.copyStatus === 'copied' ? 'Copied to the clipboard.' : message.copyStatus === 'failed' ? 'Copying was refused by the browser; select the text instead.' : ''}</span>
          </div>`
        : nothing}
    </div>`;
  }

  private renderSuggestions(): TemplateResult | typeof nothing {
    const questions = this.suggestions.questions;
    if (questions.length === 0) return nothing;
    return html`<ul class="suggestions" part="suggestions" aria-label="Suggested questions">
      ${questions.map((question) => html`<li><button part="suggestion" type="button" @click=${() => void this.send(question)}>${question}</button></li>`)}
    </ul>`;
  }

  render(): TemplateResult {
    const status = this.session.status;
    const ready = status === SessionStatus.ready;
    const error =
      (status === SessionStatus.failed ? this.session.error : undefined) ??
      this.answerError ??
      (status === SessionStatus.expired
        ? (this.session.error ?? new EmbedError('token_expired', 'The session expired; questions can be asked again once your app provides a new token.'))
        : this.session.error);
    return html`<section part="base" aria-label="AI assistant">
      <div part="messages" class="messages" role="log" aria-live="polite" aria-label="Conversation">
        ${this.messages.length === 0 ? html`<p class="msg hint">${ready ? 'Ask a question about your data.' : 'Connecting…'}</p>` : nothing}
        ${this.messages.length === 0 && ready ? this.renderSuggestions() : nothing}
        ${this.messages.map((message) => this.renderMessage(message, ready))}
        ${this.queued.map(
          (question) =>
            html`<p part="message user-message queued-message" class="msg user queued"><span class="sr-only">You: </span>${question}<span class="queued-note"> · asked next</span></p>`,
        )}
      </div>
      ${error ? renderError(error, this.retry) : nothing}
      <form part="form" @submit=${this.onSubmit}>
        <label class="sr-only" for="question">Ask a question</label>
        <textarea
          id="question"
          part="input"
          rows="2"
          placeholder="Ask a question about your data…"
          maxlength=${MAX_MESSAGE_LENGTH}
          .value=${this.draft}
          ?disabled=${!ready}
          @input=${this.onInput}
          @keydown=${this.onKeydown}
        ></textarea>
        ${this.streaming
          ? html`<button part="stop-button" type="button" @click=${this.stop}>Stop</button>`
          : html`<button part="send-button" type="submit" ?disabled=${!ready || !this.draft.trim()}>Send</button>`}
      </form>
    </section>`;
  }
}

function parsed(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    return undefined;
  }
}

/** A delta is `{"text": "…"}` (or `{"delta": "…"}`), or plain text. */
function textOf(data: string): string {
  const value = parsed(data) as { text?: unknown; delta?: unknown } | string | undefined;
  if (typeof value === 'string') return value;
  if (value && typeof value.text === 'string') return value.text;
  if (value && typeof value.delta === 'string') return value.delta;
  return data;
}

function conversationIdOf(data: string): string | undefined {
  const value = parsed(data) as { conversationId?: unknown } | undefined;
  return typeof value?.conversationId === 'string' ? value.conversationId : undefined;
}

function errorOf(data: string): EmbedError {
  const value = parsed(data) as { code?: unknown; message?: unknown; error?: { code?: unknown; message?: unknown } } | undefined;
  const error = value?.error ?? value;
  const code = typeof error?.code === 'string' ? (error.code as EmbedError['code']) : 'service_unavailable';
  const message = typeof error?.message === 'string' ? error.message : 'The assistant stopped before finishing its answer; try again.';
  return new EmbedError(code, message);
}
