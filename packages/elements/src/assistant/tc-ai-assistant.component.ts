import { html, type TemplateResult } from 'lit';
import { property } from 'lit/decorators.js';
import { renderError } from '../internal/render-error.js';
import { TcElement } from '../internal/tc-element.js';
import { EmbedError } from '../session/embed-error.js';
import { TokenSessionController } from '../session/session-controller.js';
import type { FetchToken } from '../session/token-session.js';
import type { AssistantChat } from './assistant-chat.js';
import { addStyles } from '../internal/add-styles.js';
import { themeStyles } from '../styles/theme.styles.js';

/**
 * @tagname tc-ai-assistant
 * @summary The AI assistant: a chat over the same embed session as the dashboards; answers stream in as they are
 * written (Server-Sent Events over fetch).
 *
 * @fires {CustomEvent<TcReadyDetail>} tc-ready - The session is verified and the assistant accepts questions. `detail: {org, user}`.
 * @fires {CustomEvent<TcTokenRefreshedDetail>} tc-token-refreshed - A new token is in use. `detail: {expiresAt, expiresIn, recovered}`.
 * @fires {CustomEvent<TcTokenExpiredDetail>} tc-token-expired - The token expired before a renewal succeeded. `detail: {expiresAt}`.
 * @fires {CustomEvent<TcErrorDetail>} tc-error - Something failed; the element shows the same message. `detail: {code, message}`.
 *
 * @csspart base - The wrapper of everything.
 * @csspart messages - The conversation (`role="log"`).
 * @csspart message - Each message; also `user-message` or `assistant-message`.
 * @csspart form - The question form.
 * @csspart input - The question field.
 * @csspart send-button - Sends the question.
 * @csspart stop-button - Stops an answer being streamed.
 * @csspart suggestions - The suggested questions shown before the first one (from the table metadata).
 * @csspart suggestion - Each suggested question (a button that asks it).
 * @csspart answer - The data of an answer: a KPI, chart or table drawn like a dashboard tile.
 * @csspart answer-title - The answer's title.
 * @csspart kpi-value - The number of a one-number answer.
 * @csspart chart - The chart of a bar or line answer (its numbers are also in a table for screen readers).
 * @csspart table - The table of a table answer.
 * @csspart empty - "No data" in an answer.
 * @csspart explanation - "How this was answered": the query in plain words.
 * @csspart actions - The buttons under an answer.
 * @csspart copy-button - Copies the answer's text and rows.
 * @csspart ask-again-button - Asks the same question again.
 * @csspart error - Failure messages (`role="alert"`).
 * @csspart retry-button - The "Try again" button of a failure message.
 *
 * @cssproperty --tc-background - Element background.
 * @cssproperty --tc-surface - Message background.
 * @cssproperty --tc-text-color - Main text color.
 * @cssproperty --tc-muted-color - Secondary text.
 * @cssproperty --tc-border-color - Borders.
 * @cssproperty --tc-accent-color - Buttons, the user's messages and focus rings.
 * @cssproperty --tc-danger-color - Failure messages.
 * @cssproperty --tc-font-family - Font.
 * @cssproperty --tc-radius - Corner radius.
 * @cssproperty --tc-assistant-height - Height of the conversation area (default 360px).
 * @cssproperty --tc-assistant-chart-height - Height of an answer's chart (default 220px).
 * @cssproperty --tc-chart-color-1 - First chart series (also -2, -3, -4).
 */
export class TcAiAssistant extends TcElement {
  static override styles = themeStyles;

  /** A token minted by your backend with POST /embed/generate-token. Never updated by the element. */
  @property({ attribute: 'auth-token' }) authToken?: string;
  /** The tc-embed server, e.g. "https://analytics.example.com". Defaults to configure({serverUrl}). */
  @property({ attribute: 'server-url' }) serverUrl?: string;
  /** `light` (default) or `dark`; reflected to data-theme, which the styles follow. */
  @property({ attribute: 'data-theme', reflect: true }) theme?: string;
  /** Your refresh callback: resolves to a new token from your backend. Defaults to configure({fetchToken}). */
  @property({ attribute: false }) fetchToken?: FetchToken;

  private readonly session = new TokenSessionController(this, {
    settings: () => ({ serverUrl: this.serverUrl, authToken: this.authToken, fetchToken: this.fetchToken }),
    onReady: () => void this.announceReady(),
  });
  private chat: AssistantChat | undefined;
  private chatLoadError: EmbedError | undefined;
  private announcedReady = false;

  override connectedCallback(): void {
    super.connectedCallback();
    void this.loadChat();
  }

  /** The conversation UI comes in its own chunk, so pages without an assistant never download it. */
  private async loadChat(): Promise<void> {
    if (this.chat) return;
    try {
      const { AssistantChat, assistantStyles } = await import('./assistant-chat.js');
      addStyles(this, assistantStyles);
      this.chat ??= new AssistantChat(this, this.session);
      this.chatLoadError = undefined;
    } catch (error) {
      this.chatLoadError = new EmbedError('server_unreachable', `The assistant could not be loaded (${(error as Error).message}); check the network and reload.`);
      this.emit('tc-error', this.chatLoadError.toDetail());
    }
    this.requestUpdate();
    void this.announceReady();
  }

  private async announceReady(): Promise<void> {
    if (this.announcedReady || !this.chat || !this.session.info) return;
    this.announcedReady = true;
    await this.updateComplete;
    const { org, user } = this.session.info;
    this.emit('tc-ready', { org: { id: org.id, name: org.name }, user: { distinctId: user.distinctId, role: user.role } });
  }

  protected override render(): TemplateResult {
    if (this.chat) return this.chat.render();
    return html`<section part="base" aria-label="AI assistant">
      ${this.chatLoadError ? renderError(this.chatLoadError, () => void this.loadChat()) : html`<p role="status">Loading the assistant…</p>`}
    </section>`;
  }
}
