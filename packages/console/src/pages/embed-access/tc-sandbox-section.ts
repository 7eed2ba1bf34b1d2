import { LitElement, css, html } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { ApiError, api, messageOf } from '../../api/client.ts';
import type { AuditRecord, GeneratedToken, TokenAttribute } from '../../api/types.ts';
import { attributeErrorsFrom, type TcAttributeFields } from '../../components/tc-attribute-fields.ts';
import '../../components/tc-attribute-fields.ts';
import '../../components/tc-copy-button.ts';
import { sharedStyles } from '../../styles/shared.ts';
import { formatDateTime } from '../../util/format.ts';

const VALIDITY_CHOICES = [
  ['15m', '15 minutes'],
  ['1h', '1 hour (default)'],
  ['4h', '4 hours'],
  ['24h', '24 hours'],
] as const;

/** The snippet an integrator pastes into a page of an authorized origin. */
export function embedSnippet(serverUrl: string, dashboardId: string, token: string): string {
  return [
    `<script type="module" src="${serverUrl}/embed/embed.js"></script>`,
    `<tc-dashboard dashboard-id="${dashboardId}" auth-token="${token}" server-url="${serverUrl}" data-theme="light"></tc-dashboard>`,
  ].join('\n');
}

/**
 * Settings › Embed & access › Token generation sandbox: paste an API key, choose the user, generate a token
 * (one hour by default) exactly as a backend would, copy it or a ready-to-paste snippet. Fires `inspect-token`.
 */
@customElement('tc-sandbox-section')
export class TcSandboxSection extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      .result {
        border-top: 1px solid var(--tc-border);
        margin-top: 1rem;
        padding-top: 1rem;
      }
      textarea.token {
        min-height: 6.5rem;
      }
      textarea.snippet {
        min-height: 5rem;
        word-break: normal;
        white-space: pre;
      }
      .narrow {
        max-width: 16rem;
      }
    `,
  ];

  @property({ attribute: false }) tokenAttributes: TokenAttribute[] = [];
  /** The tc-embed server's URL for the snippet: this console's origin. */
  @property() serverUrl = location.origin;
  @state() private generated: GeneratedToken | undefined;
  @state() private dashboardId = 'sales';
  @state() private error: ApiError | undefined;
  @state() private attributeErrors: Record<string, string> = {};
  @state() private busy = false;
  @state() private knownUsers: string[] = [];
  @state() private dashboards: { id: string; title: string }[] = [];
  @query('tc-attribute-fields') private attributeFields!: TcAttributeFields;

  override connectedCallback(): void {
    super.connectedCallback();
    void this.loadSuggestions();
  }

  override render() {
    const keyError = this.error && ['missing_api_key', 'invalid_api_key'].includes(this.error.code) ? this.error.message : this.error?.forField('apiKey');
    const distinctIdError = this.error?.forField('user.distinctId');
    const expiresError = this.error?.forField('expiresIn');
    const attributeMessage = Object.keys(this.attributeErrors).length > 0;
    const formError = this.error && !keyError && !distinctIdError && !expiresError && !attributeMessage ? this.error.message : undefined;
    return html`<section class="card" aria-labelledby="sandbox-title">
      <header>
        <h2 id="sandbox-title">Token generation sandbox</h2>
        <p class="hint">Mint a token for testing, exactly as your backend does with <code>POST /embed/generate-token</code>.
          In production your server generates tokens for each signed-in user.</p>
      </header>
      <form @submit=${this.generate} novalidate>
        <div class="field">
          <label for="sandbox-api-key">API key</label>
          <input id="sandbox-api-key" name="apiKey" type="password" autocomplete="off" spellcheck="false" placeholder="tce_…"
            aria-invalid=${keyError ? 'true' : 'false'} aria-describedby="sandbox-api-key-help sandbox-api-key-error" />
          <p class="hint" id="sandbox-api-key-help">Paste a key from Account settings › API keys. It is sent once to mint the token and never stored by the console.</p>
          ${keyError ? html`<p class="field-error" id="sandbox-api-key-error" role="alert">${keyError}</p>` : ''}
        </div>
        <div class="row">
          <div class="field">
            <label for="sandbox-distinct-id">distinctId</label>
            <input id="sandbox-distinct-id" name="distinctId" value="sandbox-user" list="sandbox-known-users" autocomplete="off" maxlength="256"
              aria-invalid=${distinctIdError ? 'true' : 'false'} aria-describedby="sandbox-distinct-id-error" />
            <datalist id="sandbox-known-users">${this.knownUsers.map((user) => html`<option value=${user}></option>`)}</datalist>
            ${distinctIdError ? html`<p class="field-error" id="sandbox-distinct-id-error" role="alert">${distinctIdError}</p>` : ''}
          </div>
          <div class="field narrow">
            <label for="sandbox-role">role</label>
            <select id="sandbox-role" name="role"><option value="explorer">explorer</option></select>
          </div>
          <div class="field narrow">
            <label for="sandbox-validity">Valid for</label>
            <select id="sandbox-validity" name="expiresIn" aria-invalid=${expiresError ? 'true' : 'false'}>
              ${VALIDITY_CHOICES.map(([value, label]) => html`<option value=${value} ?selected=${value === '1h'}>${label}</option>`)}
            </select>
            ${expiresError ? html`<p class="field-error" role="alert">${expiresError}</p>` : ''}
          </div>
        </div>
        <fieldset class="field">
          <legend><strong>Attributes</strong> <span class="hint">— leave a field empty to leave it out of the token</span></legend>
          <tc-attribute-fields id-prefix="sandbox-attr" .tokenAttributes=${this.tokenAttributes} .errors=${this.attributeErrors}></tc-attribute-fields>
        </fieldset>
        ${formError ? html`<p class="notice error" role="alert">${formError}</p>` : ''}
        <button class="primary" type="submit" ?disabled=${this.busy}>${this.busy ? 'Generating…' : 'Generate Token'}</button>
      </form>
      ${this.generated ? this.renderResult(this.generated) : ''}
    </section>`;
  }

  private renderResult(generated: GeneratedToken) {
    const snippet = embedSnippet(this.serverUrl, this.dashboardId || 'sales', generated.token);
    return html`<div class="result" role="region" aria-label="Generated token">
      <p class="notice success" role="status">Token generated. Valid for ${generated.expiresIn === '1h' ? '1 hour' : generated.expiresIn}, until
        ${formatDateTime(generated.expiresAt, true)}.</p>
      <div class="field">
        <label for="sandbox-token">Token</label>
        <textarea id="sandbox-token" class="token" readonly .value=${generated.token}></textarea>
      </div>
      <div class="actions">
        <tc-copy-button .value=${generated.token} label="Copy token"></tc-copy-button>
        <button type="button" @click=${this.inspect}>Inspect in Token introspection</button>
      </div>
      <h3>Embed snippet</h3>
      <div class="row">
        <div class="field narrow">
          <label for="sandbox-dashboard">Dashboard</label>
          <input id="sandbox-dashboard" list="sandbox-dashboards" .value=${this.dashboardId} autocomplete="off"
            @input=${(event: InputEvent) => (this.dashboardId = (event.target as HTMLInputElement).value.trim())} />
          <datalist id="sandbox-dashboards">${this.dashboards.map((dashboard) => html`<option value=${dashboard.id}>${dashboard.title}</option>`)}</datalist>
        </div>
      </div>
      <div class="field">
        <label for="sandbox-snippet">Paste into a page of an authorized origin</label>
        <textarea id="sandbox-snippet" class="snippet" readonly .value=${snippet}></textarea>
      </div>
      <tc-copy-button .value=${snippet} label="Copy snippet"></tc-copy-button>
    </div>`;
  }

  private async generate(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    this.error = undefined;
    this.attributeErrors = {};
    const apiKey = String(form.get('apiKey') ?? '').trim();
    if (apiKey === '') {
      this.error = new ApiError(400, 'missing_api_key', 'Paste an API key first: create one under Account settings › API keys.');
      return;
    }
    const { attributes, problems } = this.attributeFields.read();
    if (Object.keys(problems).length > 0) {
      this.attributeErrors = problems;
      return;
    }
    this.busy = true;
    try {
      this.generated = await api.post<GeneratedToken>('/api/tokens/sandbox', {
        apiKey,
        user: { distinctId: String(form.get('distinctId') ?? '').trim(), role: form.get('role'), attributes },
        expiresIn: form.get('expiresIn'),
      });
    } catch (error) {
      this.generated = undefined;
      this.error = error instanceof ApiError ? error : new ApiError(0, 'error', messageOf(error));
      if (error instanceof ApiError) this.attributeErrors = attributeErrorsFrom(error.details, error.message);
    } finally {
      this.busy = false;
    }
  }

  private inspect(): void {
    if (!this.generated) return;
    this.dispatchEvent(new CustomEvent('inspect-token', { detail: this.generated.token, bubbles: true, composed: true }));
  }

  /** distinctIds seen lately and the dashboards, so the admin can pick instead of type; both optional. */
  private async loadSuggestions(): Promise<void> {
    const [audit, dashboards] = await Promise.allSettled([
      api.get<{ events: AuditRecord[] }>('/api/audit', { limit: '200' }),
      api.get<{ dashboards: { id: string; title: string }[] }>('/api/dashboards'),
    ]);
    if (audit.status === 'fulfilled') {
      this.knownUsers = [...new Set(audit.value.events.map((event) => event.distinctId).filter((id): id is string => Boolean(id)))].slice(0, 50);
    }
    if (dashboards.status === 'fulfilled') {
      this.dashboards = dashboards.value.dashboards;
      if (this.dashboards.length && !this.dashboards.some((dashboard) => dashboard.id === this.dashboardId)) this.dashboardId = this.dashboards[0]!.id;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tc-sandbox-section': TcSandboxSection;
  }
}
