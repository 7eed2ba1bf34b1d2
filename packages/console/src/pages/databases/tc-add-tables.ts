import { LitElement, css, html, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { messageOf } from '../../api/client.ts';
import { listAvailableTables, registerTable, type AvailableTable, type AvailableTables, type RegisteredTable } from '../../api/table-registration.ts';
import { href } from '../../app/router.ts';
import { sharedStyles } from '../../styles/shared.ts';

const keyOf = (table: Pick<AvailableTable, 'schema' | 'name'>) => `${table.schema}.${table.name}`;

/**
 * "Add tables": the tables and views of one connection's database, each with a button that registers it as a
 * dataset table (columns read from the database, labels from names). Fires `table-registered` with the table.
 */
@customElement('tc-add-tables')
export class TcAddTables extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      .filter {
        max-width: 22rem;
        margin-bottom: 0.5rem;
      }
    `,
  ];

  @property() connectionId = '';
  @property() connectionName = '';
  @state() private available: AvailableTables | undefined;
  @state() private loadError: string | undefined;
  @state() private busy = new Set<string>();
  @state() private rowErrors = new Map<string, string>();
  @state() private added: RegisteredTable | undefined;
  @state() private filter = '';

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('connectionId') && this.connectionId) void this.load();
  }

  override render() {
    if (this.loadError) {
      return html`<p class="notice error" role="alert">Could not list the tables of ${this.connectionName || 'this connection'}: ${this.loadError}
        <button class="link" @click=${() => this.load()}>Retry</button></p>`;
    }
    if (!this.available) return html`<p role="status">Reading the tables of ${this.connectionName || 'this connection'}…</p>`;
    const tables = this.available.tables;
    if (tables.length === 0) {
      return html`<div class="empty"><strong>No tables found</strong>The database has no tables or views this connection's user can read.
        Grant it <code>SELECT</code> (and <code>USAGE</code> on the schema), then
        <button class="link" @click=${() => this.load()}>look again</button>.</div>`;
    }
    const needle = this.filter.trim().toLowerCase();
    const shown = needle ? tables.filter((table) => keyOf(table).toLowerCase().includes(needle)) : tables;
    return html`${this.renderAdded()}
      ${tables.length > 10
        ? html`<div class="filter"><label for="table-filter">Filter tables</label>
            <input id="table-filter" type="search" .value=${this.filter} @input=${(event: InputEvent) => (this.filter = (event.target as HTMLInputElement).value)} /></div>`
        : ''}
      ${this.available.truncated ? html`<p class="notice warning" role="status">Only the first ${tables.length} tables are listed.</p>` : ''}
      <div class="table-wrap"><table>
        <caption class="visually-hidden">Tables of ${this.connectionName || 'the connection'}</caption>
        <thead><tr><th scope="col">Table</th><th scope="col">Columns</th><th scope="col">Status</th></tr></thead>
        <tbody>${shown.map((table) => this.renderRow(table))}</tbody>
      </table></div>
      ${shown.length === 0 ? html`<p class="hint" role="status">No table matches “${this.filter}”.</p>` : ''}`;
  }

  private renderAdded() {
    const table = this.added;
    if (!table) return '';
    const skipped = table.skippedColumns.filter((column) => column.reason !== 'not selected');
    return html`<p class="notice success" role="status">Added <a href=${href('databases', 'tables', table.id)}>${table.label}</a>
      (${table.columns.length} ${table.columns.length === 1 ? 'column' : 'columns'}${skipped.length
        ? html`; left out ${skipped.map((column) => `${column.name} (${column.dataType})`).join(', ')}`
        : ''}).
      No user sees its rows until you set its access rules.</p>`;
  }

  private renderRow(table: AvailableTable) {
    const key = keyOf(table);
    const usable = table.columns.filter((column) => column.type !== null);
    const unusable = table.columns.filter((column) => column.type === null);
    const error = this.rowErrors.get(key);
    return html`<tr data-available-table=${key}>
      <td><code>${key}</code>${table.kind === 'view' ? html` <span class="badge">view</span>` : ''}</td>
      <td>${usable.length} usable${unusable.length
        ? html`<span class="hint" title=${unusable.map((column) => `${column.name}: ${column.unsupported}`).join('\n')}>, ${unusable.length} not supported
            (${unusable.map((column) => column.name).join(', ')})</span>`
        : ''}</td>
      <td>${table.registeredAs.length
        ? html`<span class="badge success">added</span> ${table.registeredAs.map((id) => html`<a href=${href('databases', 'tables', id)} aria-label=${`Open table ${id}`}><code>${id}</code></a> `)}`
        : html`<button class="primary" ?disabled=${this.busy.has(key) || usable.length === 0} aria-label=${`Add ${key}`}
            title=${usable.length === 0 ? 'No column of a supported type' : ''} @click=${() => this.register(table)}>${this.busy.has(key) ? 'Adding…' : 'Add'}</button>`}
        ${error ? html`<p class="field-error" role="alert">${error}</p>` : ''}</td>
    </tr>`;
  }

  private async load(): Promise<void> {
    this.loadError = undefined;
    this.available = undefined;
    try {
      this.available = await listAvailableTables(this.connectionId);
    } catch (error) {
      this.loadError = messageOf(error);
    }
  }

  private async register(table: AvailableTable): Promise<void> {
    const key = keyOf(table);
    this.busy = new Set([...this.busy, key]);
    const errors = new Map(this.rowErrors);
    errors.delete(key);
    this.rowErrors = errors;
    try {
      const registered = await registerTable(this.connectionId, table.schema, table.name);
      this.added = registered;
      this.available = {
        ...this.available!,
        tables: this.available!.tables.map((candidate) => (keyOf(candidate) === key ? { ...candidate, registeredAs: [...candidate.registeredAs, registered.id] } : candidate)),
      };
      this.dispatchEvent(new CustomEvent<RegisteredTable>('table-registered', { detail: registered, bubbles: true, composed: true }));
    } catch (error) {
      this.rowErrors = new Map(this.rowErrors).set(key, messageOf(error));
    } finally {
      const busy = new Set(this.busy);
      busy.delete(key);
      this.busy = busy;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tc-add-tables': TcAddTables;
  }
}
