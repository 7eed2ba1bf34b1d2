import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { TokenAttribute } from '../api/types.ts';
import { sharedStyles } from '../styles/shared.ts';

export interface AttributeValues {
  attributes: Record<string, unknown>;
  /** attribute name → what is wrong with what was typed. */
  problems: Record<string, string>;
}

/**
 * One input per registered token attribute, suited to its type; an empty input leaves the attribute out of the
 * token. Used wherever the admin acts "as a user with these attributes": sandbox, rule preview, dashboard preview.
 */
@customElement('tc-attribute-fields')
export class TcAttributeFields extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      .grid {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(14rem, 1fr));
        gap: 0 1rem;
      }
      .type {
        font-weight: 400;
        color: var(--tc-text-muted);
      }
    `,
  ];

  @property({ attribute: false }) tokenAttributes: TokenAttribute[] = [];
  /** attribute name → message from the server or from `read()`. */
  @property({ attribute: false }) errors: Record<string, string> = {};
  /** Prefix for element ids, so two instances on one page keep unique ids. */
  @property({ attribute: 'id-prefix' }) idPrefix = 'attr';
  /** Values to start with (e.g. a previous preview). */
  @property({ attribute: false }) initial: Record<string, unknown> = {};

  override render() {
    if (this.tokenAttributes.length === 0) {
      return html`<p class="hint">No custom attributes are registered; add them under Settings › Embed &amp; access › Token attributes.</p>`;
    }
    return html`<div class="grid">${this.tokenAttributes.map((attribute) => this.renderField(attribute))}</div>`;
  }

  private renderField(attribute: TokenAttribute) {
    const id = `${this.idPrefix}-${attribute.name}`;
    const error = this.errors[attribute.name];
    const initial = this.initial[attribute.name];
    const common = { id, invalid: error ? 'true' : 'false', describedBy: `${id}-error` };
    let control;
    switch (attribute.type) {
      case 'boolean':
        control = html`<select id=${common.id} name=${attribute.name} aria-invalid=${common.invalid} aria-describedby=${common.describedBy}>
          <option value="" ?selected=${initial === undefined}>— not set —</option>
          <option value="true" ?selected=${initial === true}>true</option>
          <option value="false" ?selected=${initial === false}>false</option>
        </select>`;
        break;
      case 'number':
        control = html`<input id=${common.id} name=${attribute.name} type="number" step="any" inputmode="decimal" placeholder="not set"
          .value=${initial === undefined ? '' : String(initial)} aria-invalid=${common.invalid} aria-describedby=${common.describedBy} />`;
        break;
      case 'date':
        control = html`<input id=${common.id} name=${attribute.name} type="date" .value=${typeof initial === 'string' ? initial.slice(0, 10) : ''}
          aria-invalid=${common.invalid} aria-describedby=${common.describedBy} />`;
        break;
      case 'string[]':
        control = html`<input id=${common.id} name=${attribute.name} placeholder="comma-separated, e.g. FR, DE" autocomplete="off"
          .value=${Array.isArray(initial) ? initial.join(', ') : ''} aria-invalid=${common.invalid} aria-describedby=${common.describedBy} />`;
        break;
      default:
        control = html`<input id=${common.id} name=${attribute.name} placeholder="not set" autocomplete="off"
          .value=${typeof initial === 'string' ? initial : ''} aria-invalid=${common.invalid} aria-describedby=${common.describedBy} />`;
    }
    return html`<div class="field">
      <label for=${id}>${attribute.name} <span class="type">(${attribute.type})</span></label>
      ${control}
      ${error ? html`<p class="field-error" id="${id}-error" role="alert">${error}</p>` : ''}
    </div>`;
  }

  /** The typed attributes, leaving out empty inputs, plus a message per value that cannot be its type. */
  read(): AttributeValues {
    const attributes: Record<string, unknown> = {};
    const problems: Record<string, string> = {};
    for (const attribute of this.tokenAttributes) {
      const input = this.renderRoot.querySelector<HTMLInputElement | HTMLSelectElement>(`#${CSS.escape(`${this.idPrefix}-${attribute.name}`)}`);
      const raw = input?.value.trim() ?? '';
      if (raw === '') continue;
      switch (attribute.type) {
        case 'number': {
          const value = Number(raw);
          if (Number.isFinite(value)) attributes[attribute.name] = value;
          else problems[attribute.name] = `${attribute.name} must be a number.`;
          break;
        }
        case 'boolean':
          attributes[attribute.name] = raw === 'true';
          break;
        case 'string[]':
          attributes[attribute.name] = raw.split(',').map((item) => item.trim()).filter(Boolean);
          break;
        default:
          attributes[attribute.name] = raw;
      }
    }
    return { attributes, problems };
  }
}

/** `user.attributes.region` in a server error's details → `region`. */
export function attributeErrorsFrom(details: { field?: string; message: string }[], message: string): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const detail of details) {
    const match = /^user\.attributes\.(.+)$/.exec(detail.field ?? '') ?? /^attributes\.(.+)$/.exec(detail.field ?? '');
    if (match) errors[match[1]!] = message;
  }
  return errors;
}

declare global {
  interface HTMLElementTagNameMap {
    'tc-attribute-fields': TcAttributeFields;
  }
}
