import { LitElement, css, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { findAttributeUsage } from '../../api/access-rules.ts';
import { ApiError, api, messageOf } from '../../api/client.ts';
import { ATTRIBUTE_TYPES, type AttributesResponse, type TokenAttribute } from '../../api/types.ts';
import { confirmAction } from '../../components/tc-confirm-dialog.ts';
import { sharedStyles } from '../../styles/shared.ts';

const TYPE_HELP: Record<string, string> = {
  string: 'text, e.g. "Europe"',
  number: 'a number, e.g. 3',
  boolean: 'true or false',
  date: 'a date, e.g. "2025-06-30"',
  'string[]': 'a list of texts, e.g. ["FR", "DE"]',
};

/**
 * Settings › Embed & access › Token attributes: the default identity fields (read-only) and the custom
 * attributes tokens may carry for row-level security. Fires `attributes-changed` after an add or a removal.
 */
@customElement('tc-attributes-section')
export class TcAttributesSection extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      .type-select {
        max-width: 12rem;
      }
    `,
  ];

  @property({ attribute: false }) data: AttributesResponse | undefined;
  @property() loadError: string | undefined;
  @state() private addError: ApiError | undefined;
  @state() private actionError: string | undefined;
  @state() private saved: string | undefined;
  @state() private busy = false;

  override render() {
    const nameError = this.addError?.forField('name');
    const typeError = this.addError?.forField('type');
    const otherError = this.addError && !nameError && !typeError ? this.addError.message : undefined;
    return html`<section class="card" aria-labelledby="attributes-title">
      <header>
        <h2 id="attributes-title">Token attributes</h2>
        <p class="hint">What a token says about its user. Every token carries the default identity fields; custom attributes
          (e.g. <code>region</code>, <code>department</code>) feed the access rules that filter rows.</p>
      </header>
      ${this.loadError ? html`<p class="notice error" role="alert">${this.loadError}</p>` : ''}
      ${this.data ? this.renderTables(this.data) : this.loadError ? '' : html`<p role="status">Loading attributes…</p>`}
      <h3>Add a custom attribute</h3>
      <form @submit=${this.add} novalidate>
        <div class="row">
          <div class="field">
            <label for="attribute-name">Name</label>
            <input id="attribute-name" name="name" placeholder="e.g. department" autocomplete="off" spellcheck="false" maxlength="64"
              aria-invalid=${nameError ? 'true' : 'false'} aria-describedby="attribute-name-error" />
            ${nameError ? html`<p class="field-error" id="attribute-name-error" role="alert">${nameError}</p>` : ''}
          </div>
          <div class="field type-select">
            <label for="attribute-type">Type</label>
            <select id="attribute-type" name="type" aria-invalid=${typeError ? 'true' : 'false'} aria-describedby="attribute-type-error">
              ${ATTRIBUTE_TYPES.map((type) => html`<option value=${type}>${type}</option>`)}
            </select>
            ${typeError ? html`<p class="field-error" id="attribute-type-error" role="alert">${typeError}</p>` : ''}
          </div>
          <div class="field">
            <label for="attribute-description">Description <span class="hint">(optional)</span></label>
            <input id="attribute-description" name="description" maxlength="500" placeholder="What the value means" />
          </div>
          <div class="field"><button class="primary" type="submit" ?disabled=${this.busy}>Add attribute</button></div>
        </div>
      </form>
      ${otherError ? html`<p class="notice error" role="alert">${otherError}</p>` : ''}
      ${this.saved ? html`<p class="notice success" role="status">${this.saved}</p>` : ''}
      ${this.actionError ? html`<p class="notice error" role="alert">${this.actionError}</p>` : ''}
    </section>`;
  }

  private renderTables(data: AttributesResponse) {
    return html`<div class="table-wrap"><table>
      <caption class="visually-hidden">Token attributes</caption>
      <thead><tr><th scope="col">Name</th><th scope="col">Type</th><th scope="col">Description</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
      <tbody>
        ${data.defaults.map(
          (field) => html`<tr data-attribute=${field.name}>
            <td><code>${field.name}</code></td>
            <td>${field.type}</td>
            <td>${field.description}</td>
            <td class="num"><span class="badge" title="Every token has this field; it cannot be removed">Default · read-only</span></td>
          </tr>`,
        )}
        ${data.attributes.map(
          (attribute) => html`<tr data-attribute=${attribute.name}>
            <td><code>${attribute.name}</code></td>
            <td title=${TYPE_HELP[attribute.type] ?? ''}>${attribute.type}</td>
            <td>${attribute.description || html`<span class="hint">—</span>`}</td>
            <td class="num"><button class="danger" type="button" aria-label="Remove ${attribute.name}" @click=${() => this.removeAttributeDefinition(attribute)}>Remove</button></td>
          </tr>`,
        )}
      </tbody>
    </table></div>
    ${data.attributes.length === 0
      ? html`<div class="empty"><strong>No custom attributes yet</strong>Add one below, then use it in an access rule under Databases.</div>`
      : ''}`;
  }

  private async add(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const values = new FormData(form);
    const name = String(values.get('name') ?? '').trim();
    this.addError = undefined;
    this.saved = undefined;
    if (name === '') {
      this.addError = new ApiError(400, 'invalid_request', 'Give the attribute a name, e.g. “department”.', [{ field: 'name', message: 'required' }]);
      return;
    }
    this.busy = true;
    try {
      const added = await api.post<TokenAttribute>('/api/attributes', {
        name,
        type: values.get('type'),
        description: String(values.get('description') ?? '').trim(),
      });
      this.saved = `Added ${added.name} (${added.type}). Tokens may now carry it in user.attributes.`;
      form.reset();
      this.changed();
    } catch (error) {
      this.addError = error instanceof ApiError ? error : new ApiError(0, 'error', messageOf(error));
    } finally {
      this.busy = false;
    }
  }

  private async removeAttributeDefinition(attribute: TokenAttribute): Promise<void> {
    this.actionError = undefined;
    this.saved = undefined;
    let usedBy: string[] = [];
    try {
      usedBy = await findAttributeUsage(attribute.name);
    } catch (error) {
      this.actionError = `Could not check which access rules use ${attribute.name}: ${messageOf(error)}`;
      return;
    }
    const confirmed = await confirmAction({
      title: `Remove the attribute ${attribute.name}?`,
      message: `Token requests that still send ${attribute.name} will be refused until your backend stops sending it.`,
      ...(usedBy.length
        ? {
            warning: `Access rules on ${usedBy.join(', ')} use ${attribute.name}. Without it those rules match no rows: embed users will see no data from ${usedBy.length === 1 ? 'that table' : 'those tables'} until you change the rules.`,
          }
        : {}),
      confirmLabel: 'Remove attribute',
      danger: true,
    });
    if (!confirmed) return;
    try {
      await api.delete(`/api/attributes/${encodeURIComponent(attribute.name)}`);
      this.saved = `Removed ${attribute.name}.`;
      this.changed();
    } catch (error) {
      this.actionError = `${attribute.name} could not be removed: ${messageOf(error)}`;
    }
  }

  private changed(): void {
    this.dispatchEvent(new CustomEvent('attributes-changed', { bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tc-attributes-section': TcAttributesSection;
  }
}
