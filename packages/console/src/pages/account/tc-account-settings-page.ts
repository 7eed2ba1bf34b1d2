import { LitElement, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { Me } from '../../api/types.ts';
import { sharedStyles } from '../../styles/shared.ts';
import './tc-api-keys-section.ts';

/** Account settings, opened from the profile entry in the bottom-left corner: who is signed in, and API keys. */
@customElement('tc-account-settings-page')
export class TcAccountSettingsPage extends LitElement {
  static override styles = [sharedStyles];

  @property({ attribute: false }) me: Me | undefined;

  override render() {
    return html`<h1>Account settings</h1>
      <section class="card" aria-labelledby="profile-title">
        <h2 id="profile-title">Profile</h2>
        <dl class="facts">
          <dt>Email</dt>
          <dd>${this.me?.email}</dd>
          <dt>Organization</dt>
          <dd>${this.me?.org.name} <span class="hint">(<code>${this.me?.org.id}</code>)</span></dd>
        </dl>
      </section>
      <tc-api-keys-section></tc-api-keys-section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tc-account-settings-page': TcAccountSettingsPage;
  }
}
