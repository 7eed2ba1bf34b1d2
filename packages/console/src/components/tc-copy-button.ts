import { LitElement, css, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { sharedStyles } from '../styles/shared.ts';

/**
 * Copies `value` to the clipboard and says so (politely, for screen readers too). When the page may not write
 * the clipboard (plain HTTP on another host), it says how to copy by hand instead.
 */
@customElement('tc-copy-button')
export class TcCopyButton extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      :host {
        display: inline-flex;
        align-items: center;
        gap: 0.5rem;
      }
      .status {
        font-size: 0.85rem;
        color: var(--tc-success);
      }
      .status.failed {
        color: var(--tc-warning);
      }
    `,
  ];

  @property() value = '';
  @property() label = 'Copy';
  @state() private status: 'idle' | 'copied' | 'failed' = 'idle';
  private resetTimer: ReturnType<typeof setTimeout> | undefined;

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.resetTimer);
  }

  override render() {
    return html`<button type="button" part="button" @click=${this.copy} ?disabled=${!this.value}>${this.label}</button>
      <span class="status ${this.status === 'failed' ? 'failed' : ''}" role="status" aria-live="polite"
        >${this.status === 'copied' ? 'Copied' : this.status === 'failed' ? 'Copy blocked: select the text and press Ctrl+C (⌘C).' : ''}</span
      >`;
  }

  private async copy(): Promise<void> {
    try {
      await navigator.clipboard.writeText(this.value);
      this.status = 'copied';
    } catch {
      this.status = 'failed';
    }
    clearTimeout(this.resetTimer);
    this.resetTimer = setTimeout(() => (this.status = 'idle'), 4000);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tc-copy-button': TcCopyButton;
  }
}
