import { LitElement, css, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { ApiError, api, messageOf } from '../../api/client.ts';
import {
  CONNECTION_FAILURE_TITLES,
  MASKED_SECRET,
  SSL_MODES,
  type Connection,
  type ConnectionTestResult,
} from '../../api/connections.ts';
import { confirmAction } from '../../components/tc-confirm-dialog.ts';
import { sharedStyles } from '../../styles/shared.ts';

const FIELDS = ['name', 'host', 'port', 'database', 'user', 'password', 'sslMode', 'statementTimeoutMs', 'maxRows'] as const;
type Field = (typeof FIELDS)[number];

/**
 * Add or edit a PostgreSQL connection. A stored password is never sent to the browser: the field shows the
 * mask, and leaving it untouched keeps the stored one. "Test connection" tries the values in the form (saved or
 * not) and says why it failed. Fires `connection-saved` (detail: the connection) and `connection-removed`.
 */
@customElement('tc-connection-form')
export class TcConnectionForm extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      details {
        margin: 0.5rem 0 1rem;
      }
      summary {
        cursor: pointer;
        font-weight: 600;
        margin-bottom: 0.75rem;
      }
      .port {
        max-width: 8rem;
      }
      .row {
        align-items: flex-start;
      }
      .footer {
        display: flex;
        justify-content: space-between;
        gap: 0.5rem;
        flex-wrap: wrap;
        margin-top: 0.5rem;
      }
    `,
  ];

  /** The saved connection being edited; undefined for a new one. */
  @property({ attribute: false }) connection: Connection | undefined;
  @state() private error: ApiError | undefined;
  @state() private testResult: ConnectionTestResult | undefined;
  @state() private busy: 'save' | 'test' | 'remove' | undefined;
  @state() private saved: string | undefined;

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('connection')) {
      this.error = undefined;
      this.testResult = undefined;
    }
  }

  override render() {
    const c = this.connection;
    const fieldError = (field: Field) => this.error?.forField(field);
    const errorAttrs = (field: Field) => ({ invalid: fieldError(field) ? 'true' : 'false', describedBy: `conn-${field}-error` });
    const showError = (field: Field) => (fieldError(field) ? html`<p class="field-error" id="conn-${field}-error" role="alert">${fieldError(field)}</p>` : '');
    const namedFields = new Set(this.error?.details.map((detail) => detail.field) ?? []);
    const generalError = this.error && !FIELDS.some((field) => namedFields.has(field)) ? this.error.message : undefined;
    return html`<form @submit=${this.save} novalidate aria-label=${c ? `Edit ${c.name}` : 'New connection'}>
      <div class="field">
        <label for="conn-name">Name</label>
        <input id="conn-name" name="name" .value=${c?.name ?? ''} placeholder="e.g. Warehouse (read replica)" maxlength="100" autocomplete="off"
          aria-invalid=${errorAttrs('name').invalid} aria-describedby=${errorAttrs('name').describedBy} />
        ${showError('name')}
      </div>
      <div class="row">
        <div class="field">
          <label for="conn-host">Host</label>
          <input id="conn-host" name="host" .value=${c?.host ?? ''} placeholder="db.example.com" autocomplete="off" spellcheck="false"
            aria-invalid=${errorAttrs('host').invalid} aria-describedby=${errorAttrs('host').describedBy} />
          ${showError('host')}
        </div>
        <div class="field port">
          <label for="conn-port">Port</label>
          <input id="conn-port" name="port" type="number" min="1" max="65535" .value=${String(c?.port ?? 5432)}
            aria-invalid=${errorAttrs('port').invalid} aria-describedby=${errorAttrs('port').describedBy} />
          ${showError('port')}
        </div>
      </div>
      <div class="row">
        <div class="field">
          <label for="conn-database">Database</label>
          <input id="conn-database" name="database" .value=${c?.database ?? ''} placeholder="analytics" autocomplete="off" spellcheck="false"
            aria-invalid=${errorAttrs('database').invalid} aria-describedby=${errorAttrs('database').describedBy} />
          ${showError('database')}
        </div>
        <div class="field">
          <label for="conn-user">User</label>
          <input id="conn-user" name="user" .value=${c?.user ?? ''} placeholder="readonly_user" autocomplete="off" spellcheck="false"
            aria-invalid=${errorAttrs('user').invalid} aria-describedby=${errorAttrs('user').describedBy} />
          ${showError('user')}
        </div>
        <div class="field">
          <label for="conn-password">Password</label>
          <input id="conn-password" name="password" type="password" autocomplete="new-password" .value=${c?.passwordSet ? MASKED_SECRET : ''}
            @focus=${(event: FocusEvent) => (event.target as HTMLInputElement).select()}
            aria-invalid=${errorAttrs('password').invalid} aria-describedby="conn-password-help conn-password-error" />
          <p class="hint" id="conn-password-help">${c?.passwordSet
            ? 'A password is stored (encrypted; never shown). Leave the field as it is to keep it, type a new one to replace it, or empty it to remove it.'
            : 'Stored encrypted; never shown again.'}</p>
          ${showError('password')}
        </div>
      </div>
      <div class="field">
        <label for="conn-ssl">SSL mode</label>
        <select id="conn-ssl" name="sslMode" aria-invalid=${errorAttrs('sslMode').invalid} aria-describedby=${errorAttrs('sslMode').describedBy}>
          ${SSL_MODES.map(([value, label]) => html`<option value=${value} ?selected=${(c?.sslMode ?? 'verify-full') === value}>${label}</option>`)}
        </select>
        ${showError('sslMode')}
      </div>
      <details ?open=${Boolean(fieldError('statementTimeoutMs') || fieldError('maxRows'))}>
        <summary>Query limits</summary>
        <div class="row">
          <div class="field">
            <label for="conn-timeout">Statement timeout (ms)</label>
            <input id="conn-timeout" name="statementTimeoutMs" type="number" min="100" max="300000" .value=${String(c?.statementTimeoutMs ?? 30000)}
              aria-invalid=${errorAttrs('statementTimeoutMs').invalid} aria-describedby=${errorAttrs('statementTimeoutMs').describedBy} />
            ${showError('statementTimeoutMs')}
          </div>
          <div class="field">
            <label for="conn-max-rows">Maximum rows per query</label>
            <input id="conn-max-rows" name="maxRows" type="number" min="1" max="100000" .value=${String(c?.maxRows ?? 10000)}
              aria-invalid=${errorAttrs('maxRows').invalid} aria-describedby=${errorAttrs('maxRows').describedBy} />
            ${showError('maxRows')}
          </div>
        </div>
      </details>
      ${generalError ? html`<p class="notice error" role="alert">${generalError}</p>` : ''}
      ${this.renderTestResult()}
      ${this.saved ? html`<p class="notice success" role="status">${this.saved}</p>` : ''}
      <div class="footer">
        <div class="actions">
          <button class="primary" type="submit" ?disabled=${Boolean(this.busy)}>${this.busy === 'save' ? 'Saving…' : c ? 'Save changes' : 'Save connection'}</button>
          <button type="button" @click=${this.test} ?disabled=${Boolean(this.busy)}>${this.busy === 'test' ? 'Testing…' : 'Test connection'}</button>
        </div>
        ${c ? html`<button class="danger" type="button" @click=${this.removeConnection} ?disabled=${Boolean(this.busy)}>Delete connection</button>` : ''}
      </div>
    </form>`;
  }

  private renderTestResult() {
    const result = this.testResult;
    if (!result) return '';
    if (result.ok) {
      return html`<p class="notice success" role="status" data-test-result="ok">Connected in ${result.latencyMs} ms — ${result.serverVersion}.</p>`;
    }
    return html`<div class="notice error" role="alert" data-test-result=${result.reason}>
      <strong>${CONNECTION_FAILURE_TITLES[result.reason] ?? 'Connection failed'}:</strong> ${result.message}
    </div>`;
  }

  /** The form as a request body; the password only when it was changed from the mask. */
  private body(): Record<string, unknown> {
    const form = new FormData(this.renderRoot.querySelector('form')!);
    const text = (field: Field) => String(form.get(field) ?? '').trim();
    const number = (field: Field) => (text(field) === '' ? undefined : Number(text(field)));
    const body: Record<string, unknown> = {
      name: text('name'),
      host: text('host'),
      port: number('port'),
      database: text('database'),
      user: text('user'),
      sslMode: text('sslMode'),
      statementTimeoutMs: number('statementTimeoutMs'),
      maxRows: number('maxRows'),
    };
    const password = String(form.get('password') ?? '');
    if (this.connection?.passwordSet) {
      if (password !== MASKED_SECRET) body.password = password === '' ? null : password;
    } else if (password !== '') body.password = password;
    for (const key of Object.keys(body)) if (body[key] === undefined) delete body[key];
    return body;
  }

  private async save(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    this.error = undefined;
    this.saved = undefined;
    this.busy = 'save';
    try {
      const body = this.body();
      const saved = this.connection
        ? await api.patch<Connection>(`/api/connections/${encodeURIComponent(this.connection.id)}`, body)
        : await api.post<Connection>('/api/connections', body);
      this.saved = `Saved ${saved.name}.`;
      this.dispatchEvent(new CustomEvent<Connection>('connection-saved', { detail: saved, bubbles: true, composed: true }));
    } catch (error) {
      this.error = error instanceof ApiError ? error : new ApiError(0, 'error', messageOf(error));
    } finally {
      this.busy = undefined;
    }
  }

  private async test(): Promise<void> {
    this.error = undefined;
    this.testResult = undefined;
    this.saved = undefined;
    this.busy = 'test';
    try {
      const body = this.body();
      this.testResult = this.connection
        ? await api.post<ConnectionTestResult>(`/api/connections/${encodeURIComponent(this.connection.id)}/test`, body)
        : await api.post<ConnectionTestResult>('/api/connections/test', body);
    } catch (error) {
      this.error = error instanceof ApiError ? error : new ApiError(0, 'error', messageOf(error));
    } finally {
      this.busy = undefined;
    }
  }

  private async removeConnection(): Promise<void> {
    const connection = this.connection;
    if (!connection) return;
    const confirmed = await confirmAction({
      title: `Delete the connection “${connection.name}”?`,
      message: 'Its stored password is deleted with it. Tables and dashboards that read from it stop showing data.',
      confirmLabel: 'Delete connection',
      danger: true,
    });
    if (!confirmed) return;
    this.busy = 'remove';
    try {
      await api.delete(`/api/connections/${encodeURIComponent(connection.id)}`);
      this.dispatchEvent(new CustomEvent<Connection>('connection-removed', { detail: connection, bubbles: true, composed: true }));
    } catch (error) {
      this.error = error instanceof ApiError ? error : new ApiError(0, 'error', messageOf(error));
    } finally {
      this.busy = undefined;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tc-connection-form': TcConnectionForm;
  }
}
