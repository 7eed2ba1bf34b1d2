import { LitElement, css, html } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { href } from '../app/router.ts';
import { sharedStyles } from '../styles/shared.ts';
import { initialsOf } from '../util/format.ts';
import { applyTheme, storedTheme, type ThemeChoice } from '../util/theme.ts';

/**
 * The profile entry in the bottom-left corner: the admin's initials; opens a menu with Account settings, the
 * colour scheme and Sign out. Arrow keys move within the menu, Escape closes it and returns focus.
 */
@customElement('tc-profile-menu')
export class TcProfileMenu extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      :host {
        position: relative;
      }
      .trigger {
        width: 100%;
        justify-content: flex-start;
        border: none;
        background: none;
        padding: 0.4rem;
        gap: 0.6rem;
      }
      .initials {
        display: inline-grid;
        place-items: center;
        width: 2.1rem;
        height: 2.1rem;
        border-radius: 50%;
        background: var(--tc-accent);
        color: var(--tc-accent-text);
        font-weight: 700;
        font-size: 0.85rem;
        flex: none;
      }
      .who {
        display: flex;
        flex-direction: column;
        align-items: flex-start;
        min-width: 0;
        font-weight: 400;
      }
      .who span {
        overflow: hidden;
        text-overflow: ellipsis;
        max-width: 11rem;
      }
      .who .org {
        color: var(--tc-text-muted);
        font-size: 0.8rem;
      }
      [role='menu'] {
        position: absolute;
        bottom: calc(100% + 0.4rem);
        left: 0;
        min-width: 15rem;
        background: var(--tc-surface);
        border: 1px solid var(--tc-border);
        border-radius: var(--tc-radius);
        box-shadow: 0 8px 24px rgb(0 0 0 / 18%);
        padding: 0.35rem;
        z-index: 10;
      }
      [role='menuitem'],
      [role='menuitemradio'] {
        display: flex;
        width: 100%;
        border: none;
        background: none;
        padding: 0.5rem 0.6rem;
        text-align: left;
        color: var(--tc-text);
        font-weight: 400;
        text-decoration: none;
        border-radius: 4px;
        justify-content: flex-start;
      }
      [role='menuitem']:hover,
      [role='menuitemradio']:hover,
      [role='menuitem']:focus-visible,
      [role='menuitemradio']:focus-visible {
        background: var(--tc-surface-sunken);
      }
      [aria-checked='true']::after {
        content: '✓';
        margin-left: auto;
      }
      .group-label {
        font-size: 0.75rem;
        color: var(--tc-text-muted);
        padding: 0.4rem 0.6rem 0.1rem;
        text-transform: uppercase;
      }
      hr {
        border: none;
        border-top: 1px solid var(--tc-border);
        margin: 0.3rem 0;
      }
    `,
  ];

  @property() email = '';
  @property() orgName = '';
  @state() private open = false;
  @state() private theme: ThemeChoice = storedTheme();
  @query('.trigger') private trigger!: HTMLButtonElement;

  private readonly onDocumentClick = (event: MouseEvent) => {
    if (this.open && !event.composedPath().includes(this)) this.open = false;
  };

  override connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener('click', this.onDocumentClick);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener('click', this.onDocumentClick);
  }

  override render() {
    const themes: [ThemeChoice, string][] = [
      ['system', 'System'],
      ['light', 'Light'],
      ['dark', 'Dark'],
    ];
    return html`
      <button
        class="trigger"
        type="button"
        aria-haspopup="menu"
        aria-expanded=${this.open ? 'true' : 'false'}
        aria-controls="profile-menu"
        aria-label="Profile: ${this.email}"
        @click=${this.toggle}
        @keydown=${this.onTriggerKeydown}
      >
        <span class="initials" aria-hidden="true">${initialsOf(this.email)}</span>
        <span class="who"><span>${this.email}</span><span class="org">${this.orgName}</span></span>
      </button>
      ${this.open
        ? html`<div id="profile-menu" role="menu" aria-label="Profile" @keydown=${this.onMenuKeydown}>
            <a role="menuitem" href=${href('account')} @click=${this.close}>Account settings</a>
            <hr />
            <div class="group-label" id="theme-label">Appearance</div>
            <div role="group" aria-labelledby="theme-label">
              ${themes.map(
                ([value, label]) =>
                  html`<button role="menuitemradio" type="button" aria-checked=${this.theme === value ? 'true' : 'false'} @click=${() => this.pickTheme(value)}>
                    ${label}
                  </button>`,
              )}
            </div>
            <hr />
            <button role="menuitem" type="button" @click=${this.signOut}>Sign out</button>
          </div>`
        : ''}
    `;
  }

  private async toggle(): Promise<void> {
    this.open = !this.open;
    if (this.open) {
      await this.updateComplete;
      this.items()[0]?.focus();
    }
  }

  private close = () => {
    this.open = false;
  };

  private items(): HTMLElement[] {
    return [...(this.renderRoot.querySelectorAll<HTMLElement>('[role="menuitem"], [role="menuitemradio"]') ?? [])];
  }

  private async onTriggerKeydown(event: KeyboardEvent): Promise<void> {
    if (event.key === 'ArrowUp' || event.key === 'ArrowDown') {
      event.preventDefault();
      this.open = true;
      await this.updateComplete;
      const items = this.items();
      (event.key === 'ArrowUp' ? items[items.length - 1] : items[0])?.focus();
    }
  }

  private onMenuKeydown(event: KeyboardEvent): void {
    const items = this.items();
    const index = items.indexOf(this.shadowRoot!.activeElement as HTMLElement);
    const move = (to: number) => {
      event.preventDefault();
      items[(to + items.length) % items.length]?.focus();
    };
    if (event.key === 'ArrowDown') move(index + 1);
    else if (event.key === 'ArrowUp') move(index - 1);
    else if (event.key === 'Home') move(0);
    else if (event.key === 'End') move(items.length - 1);
    else if (event.key === 'Escape' || event.key === 'Tab') {
      if (event.key === 'Escape') event.preventDefault();
      this.open = false;
      if (event.key === 'Escape') this.trigger.focus();
    }
  }

  private pickTheme(choice: ThemeChoice): void {
    this.theme = choice;
    applyTheme(choice);
    this.dispatchEvent(new CustomEvent('theme-change', { detail: choice, bubbles: true, composed: true }));
  }

  private signOut(): void {
    this.open = false;
    this.dispatchEvent(new CustomEvent('sign-out', { bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tc-profile-menu': TcProfileMenu;
  }
}
