import { LitElement, css, html, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { ApiError, api, messageOf } from '../../api/client.ts';
import type { AttributesResponse, GeneratedToken, TokenAttribute } from '../../api/types.ts';
import { href } from '../../app/router.ts';
import { attributeErrorsFrom, type TcAttributeFields } from '../../components/tc-attribute-fields.ts';
import '../../components/tc-attribute-fields.ts';
import { sharedStyles } from '../../styles/shared.ts';
import { formatDateTime } from '../../util/format.ts';
import { loadEmbedElements } from '../../util/embed-script.ts';
import { effectiveTheme } from '../../util/theme.ts';

interface DashboardSummary {
  id: string;
  title: string;
  description: string;
  tileCount: number;
  updatedAt: string;
}

interface Preview {
  token: string;
  expiresAt: string;
  as: { distinctId: string; attributes: Record<string, unknown> };
}

/**
 * Dashboards: the organization's dashboards, and a preview of one as a chosen user, rendered by the real
 * `<tc-dashboard>` with a short-lived preview token so the access rules apply exactly as they do for embeds.
 */
@customElement('tc-dashboards-page')
export class TcDashboardsPage extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      .preview-frame {
        border: 1px solid var(--tc-border);
        border-radius: var(--tc-radius);
        padding: 0.75rem;
        min-height: 12rem;
        background: var(--tc-bg);
      }
      tc-dashboard {
        display: block;
      }
      .breadcrumb {
        margin-bottom: 0.5rem;
        font-size: 0.9rem;
      }
    `,
  ];

  @property() dashboardId: string | undefined;
  @state() private dashboards: DashboardSummary[] | undefined;
  @state() private tokenAttributes: TokenAttribute[] = [];
  @state() private loadError: string | undefined;
  @state() private preview: Preview | undefined;
  @state() private previewError: ApiError | undefined;
  @state() private attributeErrors: Record<string, string> = {};
  @state() private elementError: string | undefined;
  @state() private busy = false;
  @query('tc-attribute-fields') private fields: TcAttributeFields | undefined;

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (!this.hasUpdated) void this.load();
    if (changed.has('dashboardId')) {
      this.preview = undefined;
      this.previewError = undefined;
      this.elementError = undefined;
    }
  }

  override render() {
    if (this.loadError) return html`<h1>Dashboards</h1><p class="notice error" role="alert">${this.loadError} <button class="link" @click=${this.load}>Retry</button></p>`;
    if (!this.dashboards) return html`<h1>Dashboards</h1><p role="status">Loading dashboards…</p>`;
    return this.dashboardId ? this.renderDashboard(this.dashboardId) : this.renderList(this.dashboards);
  }

  private renderList(dashboards: DashboardSummary[]) {
    return html`<h1>Dashboards</h1>
      <section class="card" aria-labelledby="dashboards-title">
        <header>
          <h2 id="dashboards-title">All dashboards</h2>
          <p class="hint">Embed one with <code>&lt;tc-dashboard dashboard-id="…"&gt;</code>; open it to preview what a given user sees.</p>
        </header>
        ${dashboards.length === 0
          ? html`<div class="empty"><strong>No dashboards yet</strong>Create one with <code>npx tc-embed dashboards import --file dashboard.json</code>.</div>`
          : html`<div class="table-wrap"><table>
              <caption class="visually-hidden">Dashboards</caption>
              <thead><tr><th scope="col">Dashboard</th><th scope="col">Id</th><th scope="col" class="num">Tiles</th><th scope="col">Updated</th></tr></thead>
              <tbody>
                ${dashboards.map(
                  (dashboard) => html`<tr data-dashboard=${dashboard.id}>
                    <td><a href=${href('dashboards', dashboard.id)}>${dashboard.title}</a>${dashboard.description ? html`<div class="hint">${dashboard.description}</div>` : ''}</td>
                    <td><code>${dashboard.id}</code></td>
                    <td class="num">${dashboard.tileCount}</td>
                    <td>${formatDateTime(dashboard.updatedAt)}</td>
                  </tr>`,
                )}
              </tbody>
            </table></div>`}
      </section>`;
  }

  private renderDashboard(id: string) {
    const dashboard = this.dashboards?.find((candidate) => candidate.id === id);
    const breadcrumb = html`<div class="breadcrumb"><a href=${href('dashboards')}>Dashboards</a> ›</div>`;
    if (!dashboard) return html`${breadcrumb}<h1>Dashboard not found</h1><p>There is no dashboard <code>${id}</code>.</p>`;
    const distinctIdError = this.previewError?.forField('distinctId');
    const formError = this.previewError && !distinctIdError && Object.keys(this.attributeErrors).length === 0 ? this.previewError.message : undefined;
    return html`${breadcrumb}
      <h1>${dashboard.title}</h1>
      ${dashboard.description ? html`<p>${dashboard.description}</p>` : ''}
      <section class="card" aria-labelledby="preview-as-title">
        <header>
          <h2 id="preview-as-title">Preview as a user</h2>
          <p class="hint">The preview mints a 15-minute token for your organization (recorded in the audit log) and shows the
            dashboard with the access rules applied to these attributes.</p>
        </header>
        <form @submit=${this.showPreview} novalidate>
          <div class="field">
            <label for="preview-distinct-id">distinctId</label>
            <input id="preview-distinct-id" name="distinctId" value="console-preview" maxlength="256" autocomplete="off"
              aria-invalid=${distinctIdError ? 'true' : 'false'} aria-describedby="preview-distinct-id-error" />
            ${distinctIdError ? html`<p class="field-error" id="preview-distinct-id-error" role="alert">${distinctIdError}</p>` : ''}
          </div>
          <fieldset>
            <legend><strong>Attributes</strong> <span class="hint">— leave a field empty to leave it out of the token</span></legend>
            <tc-attribute-fields id-prefix="dash-attr" .tokenAttributes=${this.tokenAttributes} .errors=${this.attributeErrors}></tc-attribute-fields>
          </fieldset>
          ${formError ? html`<p class="notice error" role="alert">${formError}</p>` : ''}
          <button class="primary" type="submit" ?disabled=${this.busy}>${this.busy ? 'Preparing…' : this.preview ? 'Update preview' : 'Show preview'}</button>
        </form>
      </section>
      ${this.preview ? this.renderPreview(id, this.preview) : ''}`;
  }

  private renderPreview(id: string, preview: Preview) {
    const attributes = Object.keys(preview.as.attributes).length ? JSON.stringify(preview.as.attributes) : 'no attributes';
    return html`<section class="card" aria-labelledby="preview-title">
      <h2 id="preview-title">Preview</h2>
      <p class="hint" role="status">As <code>${preview.as.distinctId}</code> with <code>${attributes}</code> · token valid until
        ${formatDateTime(preview.expiresAt, true)}</p>
      ${this.elementError ? html`<p class="notice error" role="alert">${this.elementError}</p>` : ''}
      <div class="preview-frame">
        <tc-dashboard dashboard-id=${id} auth-token=${preview.token} server-url=${location.origin} data-theme=${effectiveTheme()}
          @tc-error=${(event: CustomEvent<{ message?: string }>) => (this.elementError = event.detail?.message ?? 'The dashboard reported an error.')}
          @tc-ready=${() => (this.elementError = undefined)}></tc-dashboard>
      </div>
    </section>`;
  }

  private load = async (): Promise<void> => {
    this.loadError = undefined;
    try {
      const [dashboards, attributes] = await Promise.all([
        api.get<{ dashboards: DashboardSummary[] }>('/api/dashboards'),
        api.get<AttributesResponse>('/api/attributes'),
      ]);
      this.dashboards = dashboards.dashboards;
      this.tokenAttributes = attributes.attributes;
    } catch (error) {
      this.loadError = `The dashboards could not be loaded: ${messageOf(error)}`;
    }
  };

  private async showPreview(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    if (!this.dashboardId || !this.fields) return;
    const form = new FormData(event.target as HTMLFormElement);
    this.previewError = undefined;
    this.attributeErrors = {};
    this.elementError = undefined;
    const { attributes, problems } = this.fields.read();
    if (Object.keys(problems).length) {
      this.attributeErrors = problems;
      return;
    }
    const distinctId = String(form.get('distinctId') ?? '').trim();
    this.busy = true;
    try {
      const [minted] = await Promise.all([
        api.post<GeneratedToken>(`/api/dashboards/${encodeURIComponent(this.dashboardId)}/preview-token`, { distinctId, attributes }),
        loadEmbedElements(),
      ]);
      // A new element per preview: a fresh session for the new token, nothing carried over from the last one.
      this.preview = undefined;
      await this.updateComplete;
      this.preview = { token: minted.token, expiresAt: minted.expiresAt, as: { distinctId, attributes } };
    } catch (error) {
      this.previewError = error instanceof ApiError ? error : new ApiError(0, 'error', messageOf(error));
      if (error instanceof ApiError) this.attributeErrors = attributeErrorsFrom(error.details, error.message);
    } finally {
      this.busy = false;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tc-dashboards-page': TcDashboardsPage;
  }
}
