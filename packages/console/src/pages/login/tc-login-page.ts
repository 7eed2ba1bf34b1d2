import { LitElement, css, html } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { ApiError, api, messageOf } from '../../api/client.ts';
import type { Me } from '../../api/types.ts';
import { sharedStyles } from '../../styles/shared.ts';

/** The sign-in form, shown whenever /api/auth/me answers 401. Fires `signed-in` with the admin's identity. */
@customElement('tc-login-page')
export class TcLoginPage extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      :host {
        min-height: 100vh;
        display: grid;
        place-items: center;
        padding: 1rem;
      }
      .card {
        width: min(24rem, 100%);
      }
      button.primary {
        width: 100%;
        justify-content: center;
        margin-top: 0.5rem;
      }
      .brand {
        font-weight: 700;
        color: var(--tc-accent);
        margin-bottom: 0.25rem;
      }
    `,
  ];

  @state() private error: ApiError | undefined;
  @state() private busy = false;

  // The sign-in form is the whole page: start in its first field (focused here rather than with `autofocus`,
  // which screen readers announce out of context).
  override firstUpdated(): void {
    this.renderRoot.querySelector<HTMLInputElement>('#email')?.focus();
  }

  override render() {
    const emailError = this.error?.forField('email');
    const passwordError = this.error?.forField('password');
    const formError = this.error && !emailError && !passwordError ? this.error.message : undefined;
    return html`<main class="card">
      <div class="brand">tc-embed</div>
      <h1>Sign in to the console</h1>
      <form @submit=${this.submit} novalidate>
        ${formError ? html`<p class="notice error" role="alert">${formError}</p>` : ''}
        <div class="field">
          <label for="email">Email</label>
          <input id="email" name="email" type="email" autocomplete="username" required
            aria-invalid=${emailError ? 'true' : 'false'} aria-describedby="email-error" />
          ${emailError ? html`<p class="field-error" id="email-error" role="alert">${emailError}</p>` : ''}
        </div>
        <div class="field">
          <label for="password">Password</label>
          <input id="password" name="password" type="password" autocomplete="current-password" required
            aria-invalid=${passwordError ? 'true' : 'false'} aria-describedby="password-error" />
          ${passwordError ? html`<p class="field-error" id="password-error" role="alert">${passwordError}</p>` : ''}
        </div>
        <button class="primary" type="submit" ?disabled=${this.busy}>${this.busy ? 'Signing in…' : 'Sign in'}</button>
      </form>
      <p class="hint">The first start of the server printed the admin email and password (or took them from
        <code>TC_ADMIN_EMAIL</code> / <code>TC_ADMIN_PASSWORD</code>).</p>
    </main>`;
  }

  private async submit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    this.busy = true;
    this.error = undefined;
    try {
      await api.post('/api/auth/login', { email: form.get('email'), password: form.get('password') });
      const me = await api.get<Me>('/api/auth/me');
      this.dispatchEvent(new CustomEvent<Me>('signed-in', { detail: me, bubbles: true, composed: true }));
    } catch (error) {
      this.error = error instanceof ApiError ? error : new ApiError(0, 'error', messageOf(error));
    } finally {
      this.busy = false;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tc-login-page': TcLoginPage;
  }
}
