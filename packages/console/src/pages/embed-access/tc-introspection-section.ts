import { LitElement, css, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { api, messageOf } from '../../api/client.ts';
import type { TokenIntrospection } from '../../api/types.ts';
import { sharedStyles } from '../../styles/shared.ts';
import { formatDateTime, formatDuration } from '../../util/format.ts';

const REASON_TITLES: Record<string, string> = {
  expired: 'Expired',
  other_organization: 'Another organization’s token',
};

/**
 * Settings › Embed & access › Token introspection: paste a token and see what it carries — organization, user,
 * permissions, attributes, issue and expiry times with the time left — or why the server refuses it.
 */
@customElement('tc-introspection-section')
export class TcIntrospectionSection extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      .result {
        border-top: 1px solid var(--tc-border);
        margin-top: 1rem;
        padding-top: 1rem;
      }
      .verdict {
        display: flex;
        gap: 0.6rem;
        align-items: center;
        margin-bottom: 0.5rem;
      }
      pre {
        margin: 0;
        font-family: var(--tc-mono);
        font-size: 0.85rem;
        white-space: pre-wrap;
        word-break: break-word;
      }
    `,
  ];

  /** The admin's organization, to name the token's `org` claim. */
  @property({ attribute: false }) organization: { id: string; name: string } | undefined;
  @state() private token = '';
  @state() private result: TokenIntrospection | undefined;
  @state() private error: string | undefined;
  @state() private busy = false;
  /** When the result arrived, so the time left can count down without asking the server again. */
  @state() private now = Date.now();
  private receivedAt = 0;
  private ticker: ReturnType<typeof setInterval> | undefined;

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.ticker);
  }

  /** Fills the field with a token (from the sandbox) and inspects it. */
  async inspect(token: string): Promise<void> {
    this.token = token;
    await this.updateComplete;
    this.scrollIntoView({ behavior: 'smooth', block: 'start' });
    await this.submit();
    this.renderRoot.querySelector<HTMLElement>('.result')?.focus();
  }

  override render() {
    return html`<section class="card" aria-labelledby="introspection-title">
      <header>
        <h2 id="introspection-title">Token introspection</h2>
        <p class="hint">Paste an embed token to see its attributes and expiry, or why it is not valid.</p>
      </header>
      <form @submit=${(event: SubmitEvent) => { event.preventDefault(); void this.submit(); }} novalidate>
        <div class="field">
          <label for="introspect-token">Token</label>
          <textarea id="introspect-token" name="token" spellcheck="false" .value=${this.token} placeholder="eyJhbGciOiJkaXIi…"
            @input=${(event: InputEvent) => (this.token = (event.target as HTMLTextAreaElement).value)}
            aria-invalid=${this.error ? 'true' : 'false'} aria-describedby="introspect-error"></textarea>
          ${this.error ? html`<p class="field-error" id="introspect-error" role="alert">${this.error}</p>` : ''}
        </div>
        <button class="primary" type="submit" ?disabled=${this.busy}>${this.busy ? 'Inspecting…' : 'Inspect token'}</button>
      </form>
      ${this.result ? this.renderResult(this.result) : ''}
    </section>`;
  }

  private renderResult(result: TokenIntrospection) {
    const claims = result.claims;
    const secondsLeft = claims ? claims.expiresInSeconds - Math.floor((this.now - this.receivedAt) / 1000) : 0;
    const verdict = result.valid
      ? secondsLeft > 0
        ? html`<span class="badge success">Valid</span>`
        : html`<span class="badge danger">Expired</span>`
      : html`<span class="badge danger">${REASON_TITLES[result.reason ?? ''] ?? 'Invalid'}</span>`;
    const orgName = claims && this.organization?.id === claims.org ? `${this.organization.name} (${claims.org})` : claims?.org;
    return html`<div class="result" tabindex="-1" role="region" aria-label="Token details">
      <div class="verdict">${verdict}${result.valid ? '' : html`<span role="alert">${result.message}</span>`}</div>
      ${claims
        ? html`<dl class="facts">
            <dt>Organization</dt><dd data-claim="org">${orgName}</dd>
            <dt>distinctId</dt><dd data-claim="distinctId"><code>${claims.distinctId}</code></dd>
            <dt>role</dt><dd data-claim="role">${claims.role}</dd>
            <dt>Permissions</dt><dd data-claim="permissions">${claims.permissions.join(', ') || '—'}</dd>
            <dt>Attributes</dt>
            <dd data-claim="attributes">${Object.keys(claims.attributes).length
              ? html`<pre>${JSON.stringify(claims.attributes, null, 2)}</pre>`
              : html`<span class="hint">none</span>`}</dd>
            <dt>Issued</dt><dd data-claim="issuedAt">${formatDateTime(claims.issuedAt, true)}</dd>
            <dt>Expires</dt><dd data-claim="expiresAt">${formatDateTime(claims.expiresAt, true)}</dd>
            <dt>Time left</dt><dd data-claim="timeLeft">${secondsLeft > 0 ? formatDuration(secondsLeft) : 'none: expired'}</dd>
            ${result.kid ? html`<dt>API key id</dt><dd data-claim="kid"><code>${result.kid}</code></dd>` : ''}
            <dt>Token id</dt><dd><code>${claims.jti}</code></dd>
          </dl>`
        : ''}
    </div>`;
  }

  private async submit(): Promise<void> {
    this.error = undefined;
    const token = this.token.trim();
    if (token === '') {
      this.error = 'Paste a token first, e.g. one from the Token generation sandbox.';
      this.result = undefined;
      return;
    }
    this.busy = true;
    try {
      this.result = await api.post<TokenIntrospection>('/api/tokens/introspect', { token });
      this.receivedAt = Date.now();
      this.now = this.receivedAt;
      clearInterval(this.ticker);
      if (this.result.claims && this.result.valid) this.ticker = setInterval(() => (this.now = Date.now()), 1000);
    } catch (error) {
      this.result = undefined;
      this.error = messageOf(error);
    } finally {
      this.busy = false;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tc-introspection-section': TcIntrospectionSection;
  }
}
