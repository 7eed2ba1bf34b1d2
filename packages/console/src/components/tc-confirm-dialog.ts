import { LitElement, css, html } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import { sharedStyles } from '../styles/shared.ts';

export interface ConfirmOptions {
  title: string;
  message: string;
  /** Shown as a warning above the buttons, e.g. what else stops working. */
  warning?: string;
  confirmLabel: string;
  /** Destructive actions get a red confirm button. */
  danger?: boolean;
}

/**
 * A modal question on the native <dialog>: focus moves into it and returns after, Escape cancels, the page
 * behind is inert. Use `confirmAction()` rather than placing it by hand.
 */
@customElement('tc-confirm-dialog')
export class TcConfirmDialog extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      dialog {
        border: 1px solid var(--tc-border);
        border-radius: var(--tc-radius);
        background: var(--tc-surface);
        color: var(--tc-text);
        padding: 1.25rem 1.5rem;
        max-width: min(32rem, 90vw);
        box-shadow: 0 10px 30px rgb(0 0 0 / 25%);
      }
      dialog::backdrop {
        background: rgb(0 0 0 / 45%);
      }
      .actions {
        justify-content: flex-end;
        margin-top: 1rem;
      }
    `,
  ];

  @property({ attribute: false }) options: ConfirmOptions = { title: '', message: '', confirmLabel: 'OK' };
  @query('dialog') private dialog!: HTMLDialogElement;
  @query('button[value="cancel"]') private cancelButton!: HTMLButtonElement;
  private resolve: ((confirmed: boolean) => void) | undefined;

  override render() {
    const { title, message, warning, confirmLabel, danger } = this.options;
    return html`<dialog aria-labelledby="title" aria-describedby="message" @close=${this.onClose}>
      <h2 id="title">${title}</h2>
      <p id="message">${message}</p>
      ${warning ? html`<p class="notice warning" role="alert">${warning}</p>` : ''}
      <form method="dialog" class="actions">
        <button value="cancel">Cancel</button>
        <button value="confirm" class=${danger ? 'danger solid' : 'primary'}>${confirmLabel}</button>
      </form>
    </dialog>`;
  }

  async ask(): Promise<boolean> {
    await this.updateComplete;
    this.dialog.showModal();
    // Start on the safe choice, so Enter never confirms a destructive action by accident.
    this.cancelButton.focus();
    return new Promise((resolve) => (this.resolve = resolve));
  }

  private onClose(): void {
    this.resolve?.(this.dialog.returnValue === 'confirm');
    this.resolve = undefined;
  }
}

/** Asks the admin to confirm; resolves true only when they press the confirm button. */
export async function confirmAction(options: ConfirmOptions): Promise<boolean> {
  const dialog = document.createElement('tc-confirm-dialog');
  dialog.options = options;
  document.body.append(dialog);
  try {
    return await dialog.ask();
  } finally {
    dialog.remove();
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tc-confirm-dialog': TcConfirmDialog;
  }
}
