import { LitElement, css, html, type TemplateResult } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import {
  OPERATORS_BY_COLUMN_TYPE,
  OPERATOR_LABELS,
  attributeTypesFor,
  isRuleGroup,
  type AccessPolicy,
  type DatasetColumn,
  type DatasetTable,
  type RuleCondition,
  type RuleGroup,
  type RuleNode,
  type RuleOperator,
} from '../../api/access-rules.ts';
import { ApiError, api, messageOf } from '../../api/client.ts';
import type { TokenAttribute } from '../../api/types.ts';
import { sharedStyles } from '../../styles/shared.ts';

const MAX_DEPTH = 4;

/** JSON with object keys sorted: the stored policy comes back from jsonb with its keys reordered. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : item,
  );
}
type Path = readonly number[];

/**
 * Access rules (row-level security) of one table: each condition compares a column with a token attribute
 * through an operator that suits the column's type; conditions combine in AND / OR groups. Saving replaces the
 * table's whole policy. Fires `policy-saved` with the stored policy and `dirty-change` when unsaved edits appear or go.
 */
@customElement('tc-access-rules-editor')
export class TcAccessRulesEditor extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      .mode input {
        width: auto;
        flex: none;
      }
      .mode label {
        display: flex;
        gap: 0.5rem;
        align-items: baseline;
        font-weight: 400;
        margin-bottom: 0.4rem;
      }
      .group {
        border: 1px solid var(--tc-border);
        border-left: 3px solid var(--tc-accent);
        border-radius: var(--tc-radius);
        padding: 0.75rem;
        margin: 0.5rem 0;
        background: var(--tc-surface);
      }
      .group .group {
        background: var(--tc-surface-sunken);
      }
      .group-head {
        display: flex;
        gap: 0.5rem;
        align-items: center;
        flex-wrap: wrap;
        margin-bottom: 0.5rem;
      }
      .group-head select {
        width: auto;
      }
      ul {
        list-style: none;
        padding: 0;
        margin: 0;
      }
      li.condition {
        display: grid;
        grid-template-columns: minmax(8rem, 1fr) minmax(9rem, 1fr) minmax(8rem, 1fr) auto;
        gap: 0.5rem;
        align-items: start;
        padding: 0.4rem 0;
        border-bottom: 1px dashed var(--tc-border);
      }
      li.condition:last-child {
        border-bottom: none;
      }
      .sentence {
        grid-column: 1 / -1;
        font-size: 0.85rem;
        color: var(--tc-text-muted);
      }
      @media (max-width: 700px) {
        li.condition {
          grid-template-columns: 1fr;
        }
      }
    `,
  ];

  @property({ attribute: false }) table: DatasetTable | undefined;
  @property({ attribute: false }) tokenAttributes: TokenAttribute[] = [];
  @property({ attribute: false }) policy: AccessPolicy | undefined;
  @state() private draft: AccessPolicy = { mode: 'rules', rules: null };
  @state() private error: string | undefined;
  @state() private saved: string | undefined;
  @state() private busy = false;

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('policy') && this.policy) {
      this.draft = { mode: this.policy.mode, rules: this.policy.rules ? structuredClone(this.policy.rules) : null };
    }
  }

  private lastDirty = false;

  override updated(): void {
    const dirty = this.dirty;
    if (dirty !== this.lastDirty) {
      this.lastDirty = dirty;
      this.dispatchEvent(new CustomEvent<boolean>('dirty-change', { detail: dirty, bubbles: true, composed: true }));
    }
  }

  /** Whether the editor holds changes that are not saved (the preview runs the saved rules). */
  get dirty(): boolean {
    if (!this.policy) return false;
    return canonical({ mode: this.draft.mode, rules: this.normalised().rules }) !== canonical({ mode: this.policy.mode, rules: this.policy.rules });
  }

  override render() {
    if (!this.table || !this.policy) return html`<p role="status">Loading access rules…</p>`;
    const draft = this.draft;
    return html`<section class="card" aria-labelledby="rules-title">
      <header>
        <h2 id="rules-title">Access rules</h2>
        <p class="hint">Decide which rows of <strong>${this.table.label}</strong> each embed user sees, from the attributes in their token.
          A condition whose attribute is missing from the token matches no row.</p>
      </header>
      <fieldset class="mode">
        <legend class="visually-hidden">Access mode</legend>
        <label><input type="radio" name="mode" value="rules" .checked=${draft.mode === 'rules'} @change=${() => this.setMode('rules')} />
          <span><strong>Filter rows with rules</strong> — users see only the rows the rules below match.</span></label>
        <label><input type="radio" name="mode" value="open" .checked=${draft.mode === 'open'} @change=${() => this.setMode('open')} />
          <span><strong>Open</strong> — every embed user sees every row of this table.</span></label>
      </fieldset>
      ${draft.mode === 'open'
        ? html`<p class="notice warning" role="note">Every token of your organization will see all rows of ${this.table.label}, whatever its attributes.</p>`
        : draft.rules
          ? this.renderGroup(draft.rules, [], 1)
          : html`<div class="empty"><strong>No rules: embed users see no rows of this table</strong>
              Add a condition, e.g. <em>region</em> equals the token's <em>region</em>.
              <p><button type="button" class="primary" @click=${this.startRules}>Add a condition</button></p></div>`}
      ${this.error ? html`<p class="notice error" role="alert">${this.error}</p>` : ''}
      ${this.saved && !this.dirty ? html`<p class="notice success" role="status">${this.saved}</p>` : ''}
      <div class="actions">
        <button class="primary" type="button" @click=${this.save} ?disabled=${this.busy || !this.dirty}>${this.busy ? 'Saving…' : 'Save rules'}</button>
        <button type="button" @click=${this.discard} ?disabled=${!this.dirty}>Discard changes</button>
        ${this.dirty ? html`<span class="hint" role="status">Unsaved changes</span>` : ''}
      </div>
    </section>`;
  }

  private renderGroup(group: RuleGroup, path: Path, depth: number): TemplateResult {
    const label = path.length === 0 ? 'Rules' : `Group ${path.map((index) => index + 1).join('.')}`;
    const id = `group-${path.join('-') || 'root'}`;
    return html`<div class="group" role="group" aria-labelledby="${id}-label">
      <div class="group-head">
        <span id="${id}-label" class="visually-hidden">${label}</span>
        <label for="${id}-combinator">Show a row when</label>
        <select id="${id}-combinator" @change=${(event: Event) => this.changeAt(path, (node) => ((node as RuleGroup).combinator = (event.target as HTMLSelectElement).value as 'and' | 'or'))}>
          <option value="and" ?selected=${group.combinator === 'and'}>ALL of these are true (AND)</option>
          <option value="or" ?selected=${group.combinator === 'or'}>ANY of these is true (OR)</option>
        </select>
        ${path.length > 0 ? html`<button type="button" class="danger" @click=${() => this.removeAt(path)}>Remove group</button>` : ''}
      </div>
      <ul>
        ${group.rules.map((node, index) =>
          isRuleGroup(node) ? html`<li>${this.renderGroup(node, [...path, index], depth + 1)}</li>` : this.renderCondition(node, [...path, index]),
        )}
      </ul>
      <div class="actions">
        <button type="button" @click=${() => this.addCondition(path)}>Add condition</button>
        ${depth < MAX_DEPTH ? html`<button type="button" @click=${() => this.addGroup(path)}>Add group</button>` : ''}
      </div>
    </div>`;
  }

  private renderCondition(condition: RuleCondition, path: Path): TemplateResult {
    const id = `cond-${path.join('-')}`;
    const number = path.map((index) => index + 1).join('.');
    const column = this.columnNamed(condition.column);
    const operators = column ? OPERATORS_BY_COLUMN_TYPE[column.type] : [];
    const compatible = column ? this.compatibleAttributes(column, condition.operator) : [];
    const attributeMissing = condition.attribute && !compatible.some((attribute) => attribute.name === condition.attribute);
    return html`<li class="condition" data-condition=${number}>
      <div>
        <label class="visually-hidden" for="${id}-column">Column of condition ${number}</label>
        <select id="${id}-column" @change=${(event: Event) => this.changeColumn(path, (event.target as HTMLSelectElement).value)}>
          ${this.table!.columns.map((candidate) => html`<option value=${candidate.name} ?selected=${candidate.name === condition.column}>${candidate.label} (${candidate.name})</option>`)}
        </select>
      </div>
      <div>
        <label class="visually-hidden" for="${id}-operator">Operator of condition ${number}</label>
        <select id="${id}-operator" @change=${(event: Event) => this.changeOperator(path, (event.target as HTMLSelectElement).value as RuleOperator)}>
          ${operators.map((operator) => html`<option value=${operator} ?selected=${operator === condition.operator}>${OPERATOR_LABELS[operator]}</option>`)}
        </select>
      </div>
      <div>
        <label class="visually-hidden" for="${id}-attribute">Token attribute of condition ${number}</label>
        <select id="${id}-attribute" aria-invalid=${attributeMissing || !condition.attribute ? 'true' : 'false'}
          @change=${(event: Event) => this.changeAt(path, (node) => ((node as RuleCondition).attribute = (event.target as HTMLSelectElement).value))}>
          ${!condition.attribute || attributeMissing ? html`<option value="" selected>— choose an attribute —</option>` : ''}
          ${compatible.map((attribute) => html`<option value=${attribute.name} ?selected=${attribute.name === condition.attribute}>token's ${attribute.name} (${attribute.type})</option>`)}
        </select>
        ${compatible.length === 0
          ? html`<p class="field-error" role="alert">No registered attribute suits this operator; add one under Settings › Embed &amp; access.</p>`
          : ''}
      </div>
      <div><button type="button" class="danger" aria-label="Remove condition ${number}" @click=${() => this.removeAt(path)}>Remove</button></div>
      <div class="sentence">${this.describe(condition)}</div>
    </li>`;
  }

  private describe(condition: RuleCondition): string {
    const column = this.columnNamed(condition.column);
    const columnLabel = column?.label ?? condition.column;
    const attribute = condition.attribute || '…';
    if (condition.operator === 'is_set') return `Rows are visible when the token's ${attribute} has a value (not "" or an empty list).`;
    if (condition.operator === 'is_not_set') {
      return `Rows are visible when the token's ${attribute} is "" or an empty list. A token without ${attribute} sees no rows through this condition.`;
    }
    return `${columnLabel} ${OPERATOR_LABELS[condition.operator]} the token's ${condition.attribute || '…'}.`;
  }

  private columnNamed(name: string): DatasetColumn | undefined {
    return this.table?.columns.find((column) => column.name === name);
  }

  private compatibleAttributes(column: DatasetColumn, operator: RuleOperator): TokenAttribute[] {
    const accepted = attributeTypesFor(column.type, operator);
    return this.tokenAttributes.filter((attribute) => accepted === 'any' || accepted.includes(attribute.type));
  }

  private newCondition(): RuleCondition {
    const columns = this.table!.columns;
    // Prefer a column that has an attribute of the same name and type: region ↔ region.
    const paired = columns.find((column) => this.tokenAttributes.some((attribute) => attribute.name === column.name && attribute.type === column.type));
    const column = paired ?? columns.find((candidate) => candidate.type === 'string') ?? columns[0]!;
    const operator = OPERATORS_BY_COLUMN_TYPE[column.type][0]!;
    const compatible = this.compatibleAttributes(column, operator);
    const attribute = compatible.find((candidate) => candidate.name === column.name) ?? compatible[0];
    return { column: column.name, operator, attribute: attribute?.name ?? '' };
  }

  private setMode(mode: 'rules' | 'open'): void {
    this.draft = { ...this.draft, mode };
    this.error = undefined;
  }

  private startRules(): void {
    this.draft = { ...this.draft, rules: { combinator: 'and', rules: [this.newCondition()] } };
  }

  /** Applies `change` to the node at `path` in a copy of the draft. */
  private changeAt(path: Path, change: (node: RuleNode) => void): void {
    const rules = structuredClone(this.draft.rules);
    if (!rules) return;
    let node: RuleNode = rules;
    for (const index of path) node = (node as RuleGroup).rules[index]!;
    change(node);
    this.draft = { ...this.draft, rules };
    this.error = undefined;
  }

  private addCondition(path: Path): void {
    this.changeAt(path, (node) => (node as RuleGroup).rules.push(this.newCondition()));
  }

  private addGroup(path: Path): void {
    this.changeAt(path, (node) => {
      const group = node as RuleGroup;
      group.rules.push({ combinator: group.combinator === 'and' ? 'or' : 'and', rules: [this.newCondition()] });
    });
  }

  private removeAt(path: Path): void {
    const parent = path.slice(0, -1);
    const index = path[path.length - 1]!;
    this.changeAt(parent, (node) => (node as RuleGroup).rules.splice(index, 1));
    if (this.draft.rules && this.draft.rules.rules.length === 0) this.draft = { ...this.draft, rules: null };
  }

  private changeColumn(path: Path, columnName: string): void {
    const column = this.columnNamed(columnName);
    if (!column) return;
    this.changeAt(path, (node) => {
      const condition = node as RuleCondition;
      condition.column = columnName;
      const operators = OPERATORS_BY_COLUMN_TYPE[column.type];
      if (!operators.includes(condition.operator)) condition.operator = operators[0]!;
      // A new column suggests the attribute of the same name (country ↔ country) when there is one that fits.
      const namesake = this.compatibleAttributes(column, condition.operator).find((attribute) => attribute.name === column.name);
      if (namesake) condition.attribute = namesake.name;
      else this.keepCompatibleAttribute(condition, column);
    });
  }

  private changeOperator(path: Path, operator: RuleOperator): void {
    this.changeAt(path, (node) => {
      const condition = node as RuleCondition;
      condition.operator = operator;
      const column = this.columnNamed(condition.column);
      if (column) this.keepCompatibleAttribute(condition, column);
    });
  }

  private keepCompatibleAttribute(condition: RuleCondition, column: DatasetColumn): void {
    const compatible = this.compatibleAttributes(column, condition.operator);
    if (!compatible.some((attribute) => attribute.name === condition.attribute)) {
      condition.attribute = (compatible.find((attribute) => attribute.name === column.name) ?? compatible[0])?.name ?? '';
    }
  }

  /** The draft as the API takes it: empty groups dropped, no rules in open mode. */
  private normalised(): AccessPolicy {
    if (this.draft.mode === 'open' || !this.draft.rules) return { mode: this.draft.mode, rules: null };
    const prune = (group: RuleGroup): RuleGroup | null => {
      const rules = group.rules.map((node) => (isRuleGroup(node) ? prune(node) : node)).filter((node): node is RuleNode => node !== null);
      return rules.length ? { combinator: group.combinator, rules } : null;
    };
    return { mode: 'rules', rules: prune(this.draft.rules) };
  }

  private async save(): Promise<void> {
    if (!this.table) return;
    const policy = this.normalised();
    const incomplete = JSON.stringify(policy.rules ?? {}).includes('"attribute":""');
    if (incomplete) {
      this.error = 'Every condition needs a token attribute: choose one in each highlighted list.';
      return;
    }
    this.busy = true;
    this.error = undefined;
    try {
      const stored = await api.put<AccessPolicy>(`/api/tables/${encodeURIComponent(this.table.id)}/rules`, policy);
      this.saved = 'Access rules saved. They apply to the next request of every embed user.';
      this.dispatchEvent(new CustomEvent<AccessPolicy>('policy-saved', { detail: stored, bubbles: true, composed: true }));
    } catch (error) {
      this.error = error instanceof ApiError ? error.message : messageOf(error);
    } finally {
      this.busy = false;
    }
  }

  private discard(): void {
    if (this.policy) this.draft = { mode: this.policy.mode, rules: this.policy.rules ? structuredClone(this.policy.rules) : null };
    this.error = undefined;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tc-access-rules-editor': TcAccessRulesEditor;
  }
}
