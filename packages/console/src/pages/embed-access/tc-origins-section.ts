import { LitElement, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { ApiError, api, messageOf } from '../../api/client.ts';
import { confirmAction } from '../../components/tc-confirm-dialog.ts';
import { sharedStyles } from '../../styles/shared.ts';
import { formatDateTime } from '../../util/format.ts';

interface AuthorizedOrigin {
  origin: string;
  createdAt: string;
}

/**
 * Settings › Embed & access › Authorized origins: the sites where the components may render. The server
 * validates and normalises what the admin types; the saved spelling is shown when it differs.
 */
@customElement('tc-origins-section')
export class TcOriginsSection extends LitElement {
  static override styles = [sharedStyles];

  /** The console's own origin: dashboard previews need it authorized, so removing it asks twice. */
  @property() consoleOrigin = location.origin;
  @state() private origins: AuthorizedOrigin[] | undefined;
  @state() private loadError: string | undefined;
  @state() private addError: string | undefined;
  @state() private saved: string | undefined;
  @state() private actionError: string | undefined;
  @state() private busy = false;

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  override render() {
    return html`<section class="card" aria-labelledby="origins-title">
      <header>
        <h2 id="origins-title">Authorized origins</h2>
        <p class="hint">The sites (scheme, host and port) where <code>&lt;tc-dashboard&gt;</code> and
          <code>&lt;tc-ai-assistant&gt;</code> may render. Requests and tokens from any other site are refused.
          Use <code>https://*.example.com</code> to allow every subdomain of example.com (not example.com itself).</p>
      </header>
      <form class="row" @submit=${this.add} novalidate>
        <div class="field">
          <label for="origin-input">Origin</label>
          <input id="origin-input" name="origin" placeholder="https://app.example.com" autocomplete="off" spellcheck="false"
            aria-invalid=${this.addError ? 'true' : 'false'} aria-describedby="origin-help origin-error" @input=${() => (this.addError = undefined)} />
        </div>
        <div class="field"><button class="primary" type="submit" ?disabled=${this.busy}>Add origin</button></div>
      </form>
      ${this.addError ? html`<p class="field-error" id="origin-error" role="alert">${this.addError}</p>` : ''}
      <p class="hint" id="origin-help">No path, query or trailing slash: <code>https://app.example.com</code>, not <code>https://app.example.com/page</code>.</p>
      ${this.saved ? html`<p class="notice success" role="status">${this.saved}</p>` : ''}
      ${this.actionError ? html`<p class="notice error" role="alert">${this.actionError}</p>` : ''}
      ${this.renderList()}
    </section>`;
  }

  private renderList() {
    if (this.loadError) return html`<p class="notice error" role="alert">${this.loadError} <button class="link" @click=${this.load}>Retry</button></p>`;
    if (!this.origins) return html`<p role="status">Loading origins…</p>`;
    if (this.origins.length === 0) {
      return html`<div class="empty"><strong>No authorized origins</strong>The components refuse to render anywhere until you add
        the site that embeds them.</div>`;
    }
    return html`<div class="table-wrap"><table>
      <caption class="visually-hidden">Authorized origins</caption>
      <thead><tr><th scope="col">Origin</th><th scope="col">Added</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
      <tbody>
        ${this.origins.map(
          (item) => html`<tr>
            <td><code>${item.origin}</code> ${item.origin === this.consoleOrigin ? html`<span class="badge">this console</span>` : ''}</td>
            <td>${formatDateTime(item.createdAt)}</td>
            <td class="num"><button class="danger" type="button" aria-label="Remove ${item.origin}" @click=${() => this.removeOrigin(item.origin)}>Remove</button></td>
          </tr>`,
        )}
      </tbody>
    </table></div>`;
  }

  private load = async (): Promise<void> => {
    this.loadError = undefined;
    try {
      this.origins = (await api.get<{ origins: AuthorizedOrigin[] }>('/api/origins')).origins;
    } catch (error) {
      this.loadError = `The origins could not be loaded: ${messageOf(error)}`;
    }
  };

  private async add(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const typed = String(new FormData(form).get('origin') ?? '').trim();
    this.addError = undefined;
    this.saved = undefined;
    if (typed === '') {
      this.addError = 'Type the address of the site that embeds the components, e.g. https://app.example.com.';
      return;
    }
    this.busy = true;
    try {
      const added = await api.post<AuthorizedOrigin>('/api/origins', { origin: typed });
      this.saved = added.origin === typed ? `Added ${added.origin}.` : `Added as ${added.origin} (normalised from “${typed}”).`;
      form.reset();
      await this.load();
    } catch (error) {
      // The server's message says what is wrong and how to write it; drop its "origin: " field prefix.
      this.addError = error instanceof ApiError ? error.message.replace(/^origin: /, '') : messageOf(error);
    } finally {
      this.busy = false;
    }
  }

  private async removeOrigin(origin: string): Promise<void> {
    this.actionError = undefined;
    this.saved = undefined;
    const confirmed = await confirmAction({
      title: `Remove ${origin}?`,
      message: 'Embedded dashboards and assistants on this site stop working at once, even with valid tokens.',
      ...(origin === this.consoleOrigin ? { warning: 'This is the console’s own origin: dashboard previews in this console will stop working too.' } : {}),
      confirmLabel: 'Remove origin',
      danger: true,
    });
    if (!confirmed) return;
    try {
      await api.delete(`/api/origins?origin=${encodeURIComponent(origin)}`);
      await this.load();
    } catch (error) {
      this.actionError = `${origin} could not be removed: ${messageOf(error)}`;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tc-origins-section': TcOriginsSection;
  }
}
