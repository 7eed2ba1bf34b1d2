import { LitElement, css, html } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { ApiError, api, messageOf } from '../../api/client.ts';
import type { ApiKeySummary, CreatedApiKey } from '../../api/types.ts';
import { confirmAction } from '../../components/tc-confirm-dialog.ts';
import '../../components/tc-copy-button.ts';
import { sharedStyles } from '../../styles/shared.ts';
import { formatDateTime, formatRelative } from '../../util/format.ts';

/** The key as lists show it: its public prefix and last four characters, never the secret. */
export const maskedKey = (key: Pick<ApiKeySummary, 'prefix' | 'lastFour'>) => `${key.prefix}_…${key.lastFour}`;

/**
 * Account settings › API keys: create one, named or (left blank) named after when it was made (the whole key is
 * shown once, with a copy button and a warning), list them by prefix and last four, revoke after confirming.
 */
@customElement('tc-api-keys-section')
export class TcApiKeysSection extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      .created {
        border: 1px solid var(--tc-success);
        background: var(--tc-success-soft);
        border-radius: var(--tc-radius);
        padding: 1rem;
        margin-bottom: 1rem;
      }
      .created input {
        font-family: var(--tc-mono);
        font-size: 0.85rem;
      }
      .created .row {
        align-items: center;
        flex-wrap: nowrap;
      }
      tr.revoked td {
        color: var(--tc-text-muted);
      }
    `,
  ];

  @state() private keys: ApiKeySummary[] | undefined;
  @state() private loadError: string | undefined;
  @state() private createError: ApiError | undefined;
  @state() private actionError: string | undefined;
  @state() private created: CreatedApiKey | undefined;
  @state() private busy = false;

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  override render() {
    const nameError = this.createError?.forField('name');
    return html`<section class="card" aria-labelledby="api-keys-title">
      <header>
        <h2 id="api-keys-title">API keys</h2>
        <p class="hint">Your server sends an API key to <code>POST /embed/generate-token</code> to mint embed tokens for
          your users. Keep keys on your server only.</p>
      </header>
      ${this.created ? this.renderCreated(this.created) : ''}
      <form class="row" @submit=${this.create} novalidate>
        <div class="field">
          <label for="key-name">Key name</label>
          <input id="key-name" name="name" maxlength="100" placeholder="Optional, e.g. Production backend" autocomplete="off"
            aria-invalid=${nameError ? 'true' : 'false'} aria-describedby="key-name-error" />
          ${nameError ? html`<p class="field-error" id="key-name-error" role="alert">${nameError}</p>` : ''}
        </div>
        <div class="field"><button class="primary" type="submit" ?disabled=${this.busy}>Create API Key</button></div>
      </form>
      ${this.createError && !nameError ? html`<p class="notice error" role="alert">${this.createError.message}</p>` : ''}
      ${this.actionError ? html`<p class="notice error" role="alert">${this.actionError}</p>` : ''}
      ${this.renderList()}
    </section>`;
  }

  private renderCreated(key: CreatedApiKey) {
    return html`<div class="created" role="region" aria-label="API key created">
      <p><strong>API key “${key.name}” created.</strong> Copy it now: this is the only time it is shown.</p>
      <div class="row">
        <label class="visually-hidden" for="new-key">New API key</label>
        <input id="new-key" readonly .value=${key.key} @focus=${(event: FocusEvent) => (event.target as HTMLInputElement).select()} />
        <tc-copy-button .value=${key.key} label="Copy key"></tc-copy-button>
      </div>
      <p class="notice warning" role="note">Store it in a secure place, such as a password manager or your server's
        environment variables (<code>.env</code>). Never put it in client-side code, mobile apps, public repositories or
        front-end scripts: it lets anyone mint tokens for your organization.</p>
      <button type="button" @click=${() => (this.created = undefined)}>I have stored the key</button>
    </div>`;
  }

  private renderList() {
    if (this.loadError) {
      return html`<p class="notice error" role="alert">${this.loadError} <button class="link" @click=${this.load}>Retry</button></p>`;
    }
    if (!this.keys) return html`<p role="status">Loading API keys…</p>`;
    if (this.keys.length === 0) {
      return html`<div class="empty"><strong>No API keys yet</strong>Create one above to let your server mint embed tokens.</div>`;
    }
    return html`<div class="table-wrap"><table>
      <caption class="visually-hidden">API keys</caption>
      <thead><tr><th scope="col">Name</th><th scope="col">Key</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
      <tbody>
        ${this.keys.map(
          (key) => html`<tr class=${key.revokedAt ? 'revoked' : ''} data-key-id=${key.id}>
            <td>${key.name}</td>
            <td><code>${maskedKey(key)}</code></td>
            <td title=${formatDateTime(key.createdAt, true)}>${formatDateTime(key.createdAt)}</td>
            <td title=${formatDateTime(key.lastUsedAt, true)}>${key.lastUsedAt ? formatRelative(key.lastUsedAt) : 'Never'}</td>
            <td class="num">
              ${key.revokedAt
                ? html`<span class="badge danger" title=${formatDateTime(key.revokedAt, true)}>Revoked</span>`
                : html`<button class="danger" type="button" @click=${() => this.revoke(key)} aria-label="Revoke ${key.name}">Revoke</button>`}
            </td>
          </tr>`,
        )}
      </tbody>
    </table></div>`;
  }

  private load = async (): Promise<void> => {
    this.loadError = undefined;
    try {
      this.keys = (await api.get<{ apiKeys: ApiKeySummary[] }>('/api/api-keys')).apiKeys;
    } catch (error) {
      this.loadError = `The API keys could not be loaded: ${messageOf(error)}`;
    }
  };

  private async create(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    // A key made in a hurry still gets a name the list can tell apart; it can be recognised by when it was made.
    const name = String(new FormData(form).get('name') ?? '').trim() || `API key ${formatDateTime(new Date().toISOString())}`;
    this.createError = undefined;
    this.busy = true;
    try {
      this.created = await api.post<CreatedApiKey>('/api/api-keys', { name });
      form.reset();
      await this.load();
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLInputElement>('#new-key')?.focus();
    } catch (error) {
      this.createError = error instanceof ApiError ? error : new ApiError(0, 'error', messageOf(error));
    } finally {
      this.busy = false;
    }
  }

  private async revoke(key: ApiKeySummary): Promise<void> {
    this.actionError = undefined;
    const confirmed = await confirmAction({
      title: `Revoke “${key.name}”?`,
      message: `Servers using ${maskedKey(key)} can no longer mint tokens, and every token minted with it stops working at once.`,
      warning: 'This cannot be undone.',
      confirmLabel: 'Revoke key',
      danger: true,
    });
    if (!confirmed) return;
    try {
      await api.delete(`/api/api-keys/${encodeURIComponent(key.id)}`);
      if (this.created?.id === key.id) this.created = undefined;
      await this.load();
    } catch (error) {
      this.actionError = `The key could not be revoked: ${messageOf(error)}`;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tc-api-keys-section': TcApiKeysSection;
  }
}
