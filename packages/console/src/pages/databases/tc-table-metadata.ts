import { LitElement, css, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { FORMATS_BY_COLUMN_TYPE, type DatasetColumn, type DatasetTable } from '../../api/access-rules.ts';
import { ApiError, api, messageOf } from '../../api/client.ts';
import { sharedStyles } from '../../styles/shared.ts';

/**
 * How people name a table and its columns — label, description, synonyms, display format. Dashboards show the
 * labels; the assistant matches questions against them. Fires `table-changed` with the updated table.
 */
@customElement('tc-table-metadata')
export class TcTableMetadata extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      tr.editing td {
        background: var(--tc-surface-sunken);
      }
      td input,
      td select,
      td textarea {
        min-width: 8rem;
      }
      td textarea {
        font-family: var(--tc-font);
        min-height: 2.5rem;
      }
    `,
  ];

  @property({ attribute: false }) table: DatasetTable | undefined;
  @state() private editing: string | undefined;
  @state() private tableError: ApiError | undefined;
  @state() private columnError: ApiError | undefined;
  @state() private saved: string | undefined;

  override render() {
    const table = this.table;
    if (!table) return '';
    const labelError = this.tableError?.forField('label');
    const descriptionError = this.tableError?.forField('description');
    return html`<section class="card" aria-labelledby="metadata-title">
      <header>
        <h2 id="metadata-title">Table and columns</h2>
        <p class="hint"><code>${table.schemaName}.${table.tableName}</code> on connection <code>${table.connectionId}</code>.
          Labels appear on dashboards; synonyms add words the assistant understands, and descriptions help it choose the table a question is about.</p>
      </header>
      <form @submit=${this.saveTable} novalidate>
        <div class="row">
          <div class="field">
            <label for="table-label">Label</label>
            <input id="table-label" name="label" .value=${table.label} maxlength="120" aria-invalid=${labelError ? 'true' : 'false'} />
            ${labelError ? html`<p class="field-error" role="alert">${labelError}</p>` : ''}
          </div>
          <div class="field">
            <label for="table-description">Description</label>
            <input id="table-description" name="description" .value=${table.description} maxlength="2000" aria-invalid=${descriptionError ? 'true' : 'false'} />
            ${descriptionError ? html`<p class="field-error" role="alert">${descriptionError}</p>` : ''}
          </div>
          <div class="field"><button type="submit">Save table</button></div>
        </div>
        ${this.tableError && !labelError && !descriptionError ? html`<p class="notice error" role="alert">${this.tableError.message}</p>` : ''}
      </form>
      ${this.saved ? html`<p class="notice success" role="status">${this.saved}</p>` : ''}
      <div class="table-wrap"><table>
        <caption class="visually-hidden">Columns of ${table.label}</caption>
        <thead><tr><th scope="col">Column</th><th scope="col">Type</th><th scope="col">Label</th><th scope="col">Format</th>
          <th scope="col">Synonyms</th><th scope="col">Description</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
        <tbody>${table.columns.map((column) => (this.editing === column.name ? this.renderEditor(column) : this.renderColumn(column)))}</tbody>
      </table></div>
    </section>`;
  }

  private renderColumn(column: DatasetColumn) {
    return html`<tr data-column=${column.name}>
      <td><code>${column.name}</code></td>
      <td>${column.type}</td>
      <td>${column.label}</td>
      <td>${column.format}</td>
      <td>${column.synonyms.join(', ') || html`<span class="hint">—</span>`}</td>
      <td>${column.description || html`<span class="hint">—</span>`}</td>
      <td class="num"><button type="button" class="link" aria-label="Edit column ${column.name}" @click=${() => this.edit(column.name)}>Edit</button></td>
    </tr>`;
  }

  private renderEditor(column: DatasetColumn) {
    const error = (field: string) => this.columnError?.forField(field) ?? (field === 'synonyms' ? this.columnError?.details.find((d) => d.field?.startsWith('synonyms'))?.message : undefined);
    const formats = FORMATS_BY_COLUMN_TYPE[column.type];
    const otherError = this.columnError && !['label', 'format', 'description'].some((field) => error(field)) && !error('synonyms') ? this.columnError.message : undefined;
    return html`<tr class="editing" data-column=${column.name}>
      <td><code>${column.name}</code></td>
      <td>${column.type}</td>
      <td>
        <label class="visually-hidden" for="col-label">Label of ${column.name}</label>
        <input id="col-label" .value=${column.label} maxlength="120" aria-invalid=${error('label') ? 'true' : 'false'} />
        ${error('label') ? html`<p class="field-error" role="alert">${error('label')}</p>` : ''}
      </td>
      <td>
        <label class="visually-hidden" for="col-format">Format of ${column.name}</label>
        <select id="col-format">${formats.map((format) => html`<option value=${format} ?selected=${format === column.format}>${format}</option>`)}</select>
        ${error('format') ? html`<p class="field-error" role="alert">${error('format')}</p>` : ''}
      </td>
      <td>
        <label class="visually-hidden" for="col-synonyms">Synonyms of ${column.name}, comma-separated</label>
        <input id="col-synonyms" .value=${column.synonyms.join(', ')} placeholder="comma-separated" aria-invalid=${error('synonyms') ? 'true' : 'false'} />
        ${error('synonyms') ? html`<p class="field-error" role="alert">${error('synonyms')}</p>` : ''}
      </td>
      <td>
        <label class="visually-hidden" for="col-description">Description of ${column.name}</label>
        <textarea id="col-description" .value=${column.description} maxlength="2000" aria-invalid=${error('description') ? 'true' : 'false'}></textarea>
        ${error('description') ? html`<p class="field-error" role="alert">${error('description')}</p>` : ''}
        ${otherError ? html`<p class="field-error" role="alert">${otherError}</p>` : ''}
      </td>
      <td class="num actions">
        <button type="button" class="primary" @click=${() => this.saveColumn(column)}>Save</button>
        <button type="button" @click=${() => this.edit(undefined)}>Cancel</button>
      </td>
    </tr>`;
  }

  private async edit(name: string | undefined): Promise<void> {
    this.editing = name;
    this.columnError = undefined;
    this.saved = undefined;
    if (name) {
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLInputElement>('#col-label')?.focus();
    }
  }

  private async saveTable(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    if (!this.table) return;
    const form = new FormData(event.target as HTMLFormElement);
    this.tableError = undefined;
    this.saved = undefined;
    try {
      const updated = await api.patch<DatasetTable>(`/api/tables/${encodeURIComponent(this.table.id)}`, {
        label: String(form.get('label') ?? '').trim(),
        description: String(form.get('description') ?? '').trim(),
      });
      this.saved = `Saved the table ${updated.label}.`;
      this.changed(updated);
    } catch (error) {
      this.tableError = error instanceof ApiError ? error : new ApiError(0, 'error', messageOf(error));
    }
  }

  private async saveColumn(column: DatasetColumn): Promise<void> {
    if (!this.table) return;
    const value = (id: string) => this.renderRoot.querySelector<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>(`#${id}`)?.value ?? '';
    this.columnError = undefined;
    try {
      const updated = await api.patch<DatasetColumn>(
        `/api/tables/${encodeURIComponent(this.table.id)}/columns/${encodeURIComponent(column.name)}`,
        {
          label: value('col-label').trim(),
          format: value('col-format'),
          synonyms: value('col-synonyms').split(',').map((synonym) => synonym.trim()).filter(Boolean),
          description: value('col-description').trim(),
        },
      );
      this.editing = undefined;
      this.saved = `Saved the column ${column.name}.`;
      this.changed({ ...this.table, columns: this.table.columns.map((candidate) => (candidate.name === column.name ? updated : candidate)) });
    } catch (error) {
      this.columnError = error instanceof ApiError ? error : new ApiError(0, 'error', messageOf(error));
    }
  }

  private changed(table: DatasetTable): void {
    this.dispatchEvent(new CustomEvent<DatasetTable>('table-changed', { detail: table, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tc-table-metadata': TcTableMetadata;
  }
}
