import { LitElement, html } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { api, messageOf } from '../../api/client.ts';
import type { AttributesResponse, Organization } from '../../api/types.ts';
import { sharedStyles } from '../../styles/shared.ts';
import './tc-attributes-section.ts';
import type { TcIntrospectionSection } from './tc-introspection-section.ts';
import './tc-introspection-section.ts';
import './tc-origins-section.ts';
import './tc-sandbox-section.ts';

/**
 * Settings › Embed & access, in the order the "Generate a token" guide walks through it: authorized origins,
 * token attributes, the token generation sandbox, token introspection.
 */
@customElement('tc-embed-access-page')
export class TcEmbedAccessPage extends LitElement {
  static override styles = [sharedStyles];

  /** This console's origin: the server URL in snippets. */
  @property() origin = location.origin;
  @property({ attribute: false }) organization: Organization | undefined;
  @state() private attributeData: AttributesResponse | undefined;
  @state() private attributesError: string | undefined;
  @query('tc-introspection-section') private introspection!: TcIntrospectionSection;

  override connectedCallback(): void {
    super.connectedCallback();
    void this.loadAttributes();
  }

  override render() {
    return html`<tc-origins-section .consoleOrigin=${this.origin}></tc-origins-section>
      <tc-attributes-section .data=${this.attributeData} .loadError=${this.attributesError} @attributes-changed=${this.loadAttributes}></tc-attributes-section>
      <tc-sandbox-section .tokenAttributes=${this.attributeData?.attributes ?? []} .serverUrl=${this.origin}
        @inspect-token=${(event: CustomEvent<string>) => this.introspection.inspect(event.detail)}></tc-sandbox-section>
      <tc-introspection-section .organization=${this.organization}></tc-introspection-section>`;
  }

  private loadAttributes = async (): Promise<void> => {
    this.attributesError = undefined;
    try {
      this.attributeData = await api.get<AttributesResponse>('/api/attributes');
    } catch (error) {
      this.attributesError = `The token attributes could not be loaded: ${messageOf(error)}`;
    }
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'tc-embed-access-page': TcEmbedAccessPage;
  }
}
