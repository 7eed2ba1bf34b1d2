import { LitElement, css, html, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { listTables, type AccessPolicy, type DatasetTable } from '../../api/access-rules.ts';
import { api, messageOf } from '../../api/client.ts';
import { MASKED_SECRET, type Connection } from '../../api/connections.ts';
import type { AttributesResponse, TokenAttribute } from '../../api/types.ts';
import { href, navigate } from '../../app/router.ts';
import { sharedStyles } from '../../styles/shared.ts';
import { removeTable, type RegisteredTable } from '../../api/table-registration.ts';
import { confirmAction } from '../../components/tc-confirm-dialog.ts';
import './tc-access-rules-editor.ts';
import './tc-add-tables.ts';
import './tc-connection-form.ts';
import type { TcRulesPreview } from './tc-rules-preview.ts';
import './tc-rules-preview.ts';
import './tc-table-metadata.ts';

/**
 * Databases: the data connections (secrets masked) and the tables they expose; a connection's form; a table's
 * metadata, access rules and row-count preview. Which view shows depends on `connectionId` / `tableId`.
 */
@customElement('tc-databases-page')
export class TcDatabasesPage extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      .breadcrumb {
        margin-bottom: 0.5rem;
        font-size: 0.9rem;
      }
      .title-row {
        display: flex;
        justify-content: space-between;
        align-items: center;
        gap: 1rem;
        flex-wrap: wrap;
      }
    `,
  ];

  /** A connection to show or edit; `new` for the add form. */
  @property() connectionId: string | undefined;
  @property() tableId: string | undefined;
  @state() private connections: Connection[] | undefined;
  @state() private tables: DatasetTable[] | undefined;
  @state() private policies = new Map<string, AccessPolicy>();
  @state() private table: DatasetTable | undefined;
  @state() private policy: AccessPolicy | undefined;
  @state() private tokenAttributes: TokenAttribute[] = [];
  @state() private rulesDirty = false;
  @state() private error: string | undefined;
  @state() private removeError: string | undefined;
  /** The connection whose "Add tables" panel is open on the overview. */
  @state() private addingFor: string | undefined;
  @query('tc-rules-preview') private preview: TcRulesPreview | undefined;

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (!this.hasUpdated || changed.has('connectionId') || changed.has('tableId')) void this.load();
  }

  override render() {
    if (this.error) return html`<h1>Databases</h1><p class="notice error" role="alert">${this.error} <button class="link" @click=${() => this.load()}>Retry</button></p>`;
    if (this.tableId) return this.renderTable();
    if (this.connectionId) return this.renderConnection();
    return this.renderOverview();
  }

  private renderOverview() {
    return html`<h1>Databases</h1>
      <section class="card" aria-labelledby="connections-title">
        <header class="title-row">
          <div>
            <h2 id="connections-title">Connections</h2>
            <p class="hint">Where your data lives. Passwords are encrypted at rest and never shown again.</p>
          </div>
          <a class="button" href=${href('databases', 'connections', 'new')}>Add connection</a>
        </header>
        ${this.renderConnectionList()}
      </section>
      ${this.renderAddTables()}
      <section class="card" aria-labelledby="tables-title">
        <header>
          <h2 id="tables-title">Tables</h2>
          <p class="hint">What dashboards and the assistant can query, with the access rules that filter their rows for each user.</p>
        </header>
        ${this.renderTableList(this.tables)}
      </section>`;
  }

  private renderConnectionList() {
    const connections = this.connections;
    if (!connections) return html`<p role="status">Loading connections…</p>`;
    const external = connections.filter((connection) => !connection.builtIn);
    return html`<div class="table-wrap"><table>
        <caption class="visually-hidden">Connections</caption>
        <thead><tr><th scope="col">Name</th><th scope="col">Database</th><th scope="col">User</th><th scope="col">Password</th><th scope="col">SSL</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
        <tbody>
          ${connections.map(
            (connection) => html`<tr data-connection=${connection.id}>
              <td>${connection.builtIn
                ? html`${connection.name} <span class="badge">built in</span>`
                : html`<a href=${href('databases', 'connections', connection.id)}>${connection.name}</a>`}</td>
              <td>${connection.builtIn ? html`<span class="hint">the platform's sample data</span>` : html`<code>${connection.host}:${connection.port}/${connection.database}</code>`}</td>
              <td>${connection.user ?? '—'}</td>
              <td data-password>${connection.builtIn ? '—' : connection.passwordSet ? html`<span aria-label="set, hidden">${MASKED_SECRET}</span>` : html`<span class="hint">none</span>`}</td>
              <td>${connection.sslMode ?? '—'}</td>
              <td><button aria-label=${`Add tables from ${connection.name}`} aria-expanded=${this.addingFor === connection.id ? 'true' : 'false'}
                @click=${() => this.toggleAddTables(connection.id)}>Add tables</button></td>
            </tr>`,
          )}
        </tbody>
      </table></div>
      ${external.length === 0
        ? html`<div class="empty"><strong>No database connected yet</strong>The built-in sample database is ready to use. Add a
            connection to query your own PostgreSQL database.</div>`
        : ''}`;
  }

  private renderAddTables() {
    const connection = this.connections?.find((candidate) => candidate.id === this.addingFor);
    if (!connection) return '';
    return html`<section class="card" aria-labelledby="add-tables-title">
      <header class="title-row">
        <div>
          <h2 id="add-tables-title">Add tables from ${connection.name}</h2>
          <p class="hint">Each table you add gets its columns from the database; edit their labels and set access rules afterwards.</p>
        </div>
        <button class="link" @click=${() => (this.addingFor = undefined)}>Close</button>
      </header>
      <tc-add-tables .connectionId=${connection.id} .connectionName=${connection.name} @table-registered=${this.tableRegistered}></tc-add-tables>
    </section>`;
  }

  private toggleAddTables(connectionId: string): void {
    this.addingFor = this.addingFor === connectionId ? undefined : connectionId;
  }

  private async tableRegistered(event: CustomEvent<RegisteredTable>): Promise<void> {
    const { skippedColumns: _skipped, ...table } = event.detail;
    this.tables = [...(this.tables ?? []).filter((candidate) => candidate.id !== table.id), table].sort((a, b) => a.id.localeCompare(b.id));
    try {
      const policy = await api.get<AccessPolicy>(`/api/tables/${encodeURIComponent(table.id)}/rules`);
      this.policies = new Map(this.policies).set(table.id, policy);
    } catch {
      // The table list shows "…" for its access until the next load; the table itself was added.
    }
  }

  private renderTableList(tables: DatasetTable[] | undefined) {
    if (!tables) return html`<p role="status">Loading tables…</p>`;
    if (tables.length === 0) return html`<div class="empty"><strong>No tables yet</strong>Use “Add tables” on a connection to choose the tables dashboards and the assistant may query.</div>`;
    return html`<div class="table-wrap"><table>
      <caption class="visually-hidden">Tables</caption>
      <thead><tr><th scope="col">Table</th><th scope="col">Source</th><th scope="col" class="num">Columns</th><th scope="col">Access</th></tr></thead>
      <tbody>
        ${tables.map(
          (table) => html`<tr data-table=${table.id}>
            <td><a href=${href('databases', 'tables', table.id)}>${table.label}</a> <span class="hint"><code>${table.id}</code></span></td>
            <td><code>${table.connectionId}</code> · <code>${table.schemaName}.${table.tableName}</code></td>
            <td class="num">${table.columns.length}</td>
            <td>${this.accessSummary(this.policies.get(table.id))}</td>
          </tr>`,
        )}
      </tbody>
    </table></div>`;
  }

  private accessSummary(policy: AccessPolicy | undefined) {
    if (!policy) return html`<span class="hint">…</span>`;
    if (policy.mode === 'open') return html`<span class="badge">open to every user</span>`;
    if (!policy.rules) return html`<span class="badge danger">no rules: no rows</span>`;
    const conditions = JSON.stringify(policy.rules).split('"attribute"').length - 1;
    return html`<span class="badge success">${conditions} ${conditions === 1 ? 'rule' : 'rules'}</span>`;
  }

  private renderConnection() {
    const isNew = this.connectionId === 'new';
    const connection = this.connections?.find((candidate) => candidate.id === this.connectionId);
    const breadcrumb = html`<div class="breadcrumb"><a href=${href('databases')}>Databases</a> ›</div>`;
    if (!isNew && !this.connections) return html`${breadcrumb}<p role="status">Loading the connection…</p>`;
    if (!isNew && !connection) {
      return html`${breadcrumb}<h1>Connection not found</h1><p>There is no connection <code>${this.connectionId}</code>. <a href=${href('databases')}>Back to Databases</a></p>`;
    }
    if (connection?.builtIn) {
      return html`${breadcrumb}<h1>${connection.name}</h1><p>The built-in sample database cannot be edited.</p>`;
    }
    const tables = connection ? this.tables?.filter((table) => table.connectionId === connection.id) : undefined;
    return html`${breadcrumb}
      <h1>${isNew ? 'Add a PostgreSQL connection' : connection!.name}</h1>
      <section class="card" aria-label="Connection settings">
        <tc-connection-form .connection=${connection} @connection-saved=${this.connectionSaved} @connection-removed=${this.connectionRemoved}></tc-connection-form>
      </section>
      ${connection
        ? html`<section class="card" aria-labelledby="connection-tables-title">
            <h2 id="connection-tables-title">Tables from this connection</h2>
            ${this.renderTableList(tables)}
          </section>
          <section class="card" aria-labelledby="connection-add-tables-title">
            <h2 id="connection-add-tables-title">Add tables</h2>
            <tc-add-tables .connectionId=${connection.id} .connectionName=${connection.name} @table-registered=${this.tableRegistered}></tc-add-tables>
          </section>`
        : ''}`;
  }

  private renderTable() {
    const breadcrumb = html`<div class="breadcrumb"><a href=${href('databases')}>Databases</a> ›</div>`;
    if (!this.table || this.table.id !== this.tableId) return html`${breadcrumb}<p role="status">Loading the table…</p>`;
    return html`${breadcrumb}
      <div class="title-row">
        <h1>${this.table.label}</h1>
        <button class="danger" @click=${this.removeTable}>Remove table</button>
      </div>
      ${this.removeError ? html`<p class="notice error" role="alert">${this.removeError}</p>` : ''}
      <tc-table-metadata .table=${this.table} @table-changed=${(event: CustomEvent<DatasetTable>) => (this.table = event.detail)}></tc-table-metadata>
      <tc-access-rules-editor .table=${this.table} .policy=${this.policy} .tokenAttributes=${this.tokenAttributes}
        @dirty-change=${(event: CustomEvent<boolean>) => (this.rulesDirty = event.detail)}
        @policy-saved=${this.policySaved}></tc-access-rules-editor>
      <tc-rules-preview .tableId=${this.table.id} .tableLabel=${this.table.label} .tokenAttributes=${this.tokenAttributes} ?stale=${this.rulesDirty}></tc-rules-preview>`;
  }

  private async removeTable(): Promise<void> {
    const table = this.table!;
    this.removeError = undefined;
    const confirmed = await confirmAction({
      title: `Remove ${table.label}?`,
      message: `Its column metadata and access rules are deleted; ${table.schemaName}.${table.tableName} in the database is not touched, and you can add it again.`,
      confirmLabel: 'Remove table',
      danger: true,
    });
    if (!confirmed) return;
    try {
      await removeTable(table.id);
      this.tables = this.tables?.filter((candidate) => candidate.id !== table.id);
      navigate(href('databases'));
    } catch (error) {
      // A table dashboards use is refused by the server, naming them.
      this.removeError = `${table.label} could not be removed: ${messageOf(error)}`;
    }
  }

  private async load(): Promise<void> {
    this.error = undefined;
    this.removeError = undefined;
    try {
      if (this.tableId) {
        const id = encodeURIComponent(this.tableId);
        const [table, policy, attributes] = await Promise.all([
          api.get<DatasetTable>(`/api/tables/${id}`),
          api.get<AccessPolicy>(`/api/tables/${id}/rules`),
          api.get<AttributesResponse>('/api/attributes'),
        ]);
        this.table = table;
        this.policy = policy;
        this.tokenAttributes = attributes.attributes;
        return;
      }
      const [connections, tables] = await Promise.all([api.get<{ connections: Connection[] }>('/api/connections'), listTables()]);
      this.connections = connections.connections;
      this.tables = tables;
      if (!this.connectionId) {
        const policies = await Promise.all(tables.map(async (table) => [table.id, await api.get<AccessPolicy>(`/api/tables/${encodeURIComponent(table.id)}/rules`)] as const));
        this.policies = new Map(policies);
      }
    } catch (error) {
      this.error = `Could not load ${this.tableId ? 'the table' : 'the databases'}: ${messageOf(error)}`;
    }
  }

  private async connectionSaved(event: CustomEvent<Connection>): Promise<void> {
    const saved = event.detail;
    this.connections = [...(this.connections ?? []).filter((candidate) => candidate.id !== saved.id), saved];
    if (this.connectionId === 'new') navigate(href('databases', 'connections', saved.id), { replace: true });
  }

  private connectionRemoved(): void {
    navigate(href('databases'));
  }

  private policySaved(event: CustomEvent<AccessPolicy>): void {
    this.policy = event.detail;
    this.rulesDirty = false;
    void this.updateComplete.then(() => this.preview?.refresh());
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tc-databases-page': TcDatabasesPage;
  }
}
