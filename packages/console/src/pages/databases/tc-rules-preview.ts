import { LitElement, html } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { ApiError, api, messageOf } from '../../api/client.ts';
import type { TokenAttribute } from '../../api/types.ts';
import { attributeErrorsFrom, type TcAttributeFields } from '../../components/tc-attribute-fields.ts';
import '../../components/tc-attribute-fields.ts';
import { sharedStyles } from '../../styles/shared.ts';

const count = new Intl.NumberFormat();

/** "As a user with these attributes, this table shows N rows" — the saved rules, run as an embed query would. */
@customElement('tc-rules-preview')
export class TcRulesPreview extends LitElement {
  static override styles = [sharedStyles];

  @property() tableId = '';
  @property() tableLabel = '';
  @property({ attribute: false }) tokenAttributes: TokenAttribute[] = [];
  /** The rules editor has unsaved changes: the preview would not show them. */
  @property({ type: Boolean }) stale = false;
  @state() private rowCount: number | undefined;
  @state() private previewedWith: Record<string, unknown> = {};
  @state() private error: string | undefined;
  @state() private attributeErrors: Record<string, string> = {};
  @state() private busy = false;
  @query('tc-attribute-fields') private fields!: TcAttributeFields;

  /** Runs the last preview again (after the rules were saved). */
  refresh(): void {
    if (this.rowCount !== undefined) void this.preview();
  }

  override render() {
    return html`<section class="card" aria-labelledby="preview-title">
      <header>
        <h2 id="preview-title">Preview</h2>
        <p class="hint">See how many rows a user would get from ${this.tableLabel || 'this table'}, given the attributes in their token.</p>
      </header>
      <form @submit=${(event: SubmitEvent) => { event.preventDefault(); void this.preview(); }} novalidate>
        <tc-attribute-fields id-prefix="preview-attr" .tokenAttributes=${this.tokenAttributes} .errors=${this.attributeErrors}></tc-attribute-fields>
        ${this.stale ? html`<p class="notice warning" role="status">The preview uses the saved rules: save your changes to preview them.</p>` : ''}
        <button class="primary" type="submit" ?disabled=${this.busy}>${this.busy ? 'Counting…' : 'Preview row count'}</button>
      </form>
      ${this.error ? html`<p class="notice error" role="alert">${this.error}</p>` : ''}
      ${this.rowCount !== undefined
        ? html`<p class="notice info" role="status" data-row-count=${this.rowCount}>As a user with
            ${Object.keys(this.previewedWith).length ? html`<code>${JSON.stringify(this.previewedWith)}</code>` : 'no attributes'},
            this table shows <strong>${count.format(this.rowCount)}</strong> ${this.rowCount === 1 ? 'row' : 'rows'}.</p>`
        : ''}
    </section>`;
  }

  private async preview(): Promise<void> {
    this.error = undefined;
    this.attributeErrors = {};
    const { attributes, problems } = this.fields.read();
    if (Object.keys(problems).length) {
      this.attributeErrors = problems;
      return;
    }
    this.busy = true;
    try {
      const result = await api.post<{ rowCount: number }>(`/api/tables/${encodeURIComponent(this.tableId)}/preview`, { attributes });
      this.rowCount = result.rowCount;
      this.previewedWith = attributes;
    } catch (error) {
      this.rowCount = undefined;
      this.error = messageOf(error);
      if (error instanceof ApiError) this.attributeErrors = attributeErrorsFrom(error.details, error.message);
    } finally {
      this.busy = false;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tc-rules-preview': TcRulesPreview;
  }
}
