import { LitElement, css, html } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { ApiError, api, messageOf } from '../../api/client.ts';
import type { ApiKeySummary, AuditRecord } from '../../api/types.ts';
import { sharedStyles } from '../../styles/shared.ts';
import { formatDateTime, localInputToIso } from '../../util/format.ts';
import { maskedKey } from '../account/tc-api-keys-section.ts';

const PAGE_SIZE = 100;

const EVENT_LABELS: Record<string, string> = {
  'token.minted': 'Token minted',
  'token.preview_minted': 'Preview token minted (console)',
  'token.refused': 'Token refused',
  'session.verified': 'Session opened',
  'session.refused': 'Session refused',
};

interface Filters {
  distinctId?: string;
  since?: string;
  until?: string;
}

/**
 * Settings › Audit log: token mints and embed sessions — who (distinctId), with which key, from which origin,
 * with what outcome. Identical events close together are one line with a count.
 */
@customElement('tc-audit-log-page')
export class TcAuditLogPage extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      .filters .field {
        flex: 1 1 11rem;
      }
      td.time {
        white-space: nowrap;
      }
      .reason {
        color: var(--tc-text-muted);
        font-size: 0.85rem;
      }
    `,
  ];

  @state() private events: AuditRecord[] | undefined;
  @state() private error: ApiError | undefined;
  @state() private loadingMore = false;
  @state() private hasMore = false;
  @state() private filters: Filters = {};
  private keyNames = new Map<string, ApiKeySummary>();

  override connectedCallback(): void {
    super.connectedCallback();
    void this.loadKeys();
    void this.load();
  }

  override render() {
    const sinceError = this.error?.forField('since');
    const untilError = this.error?.forField('until');
    return html`<section class="card" aria-labelledby="audit-title">
      <header>
        <h2 id="audit-title">Audit log</h2>
        <p class="hint">Every token minted and every embed session opened or refused, newest first.</p>
      </header>
      <form class="row filters" @submit=${this.applyFilters} novalidate>
        <div class="field">
          <label for="audit-distinct-id">distinctId</label>
          <input id="audit-distinct-id" name="distinctId" placeholder="any user" autocomplete="off" />
        </div>
        <div class="field">
          <label for="audit-since">From</label>
          <input id="audit-since" name="since" type="datetime-local" aria-invalid=${sinceError ? 'true' : 'false'} />
          ${sinceError ? html`<p class="field-error" role="alert">${sinceError}</p>` : ''}
        </div>
        <div class="field">
          <label for="audit-until">Until</label>
          <input id="audit-until" name="until" type="datetime-local" aria-invalid=${untilError ? 'true' : 'false'} />
          ${untilError ? html`<p class="field-error" role="alert">${untilError}</p>` : ''}
        </div>
        <div class="field actions">
          <button class="primary" type="submit">Filter</button>
          <button type="reset" @click=${this.clearFilters}>Clear</button>
        </div>
      </form>
      ${this.error && !sinceError && !untilError ? html`<p class="notice error" role="alert">${this.error.message}</p>` : ''}
      ${this.renderEvents()}
    </section>`;
  }

  private renderEvents() {
    if (!this.events) return this.error ? '' : html`<p role="status">Loading the audit log…</p>`;
    if (this.events.length === 0) {
      const filtered = Object.values(this.filters).some(Boolean);
      return html`<div class="empty" role="status"><strong>${filtered ? 'No events match these filters' : 'No events yet'}</strong>
        ${filtered ? 'Try another distinctId or a wider time range.' : 'Events appear when a token is minted or an embedded component opens a session.'}</div>`;
    }
    return html`<div class="table-wrap"><table>
        <caption class="visually-hidden">Audit events</caption>
        <thead><tr>
          <th scope="col">Time</th><th scope="col">Event</th><th scope="col">Outcome</th><th scope="col">distinctId</th>
          <th scope="col">API key</th><th scope="col">Origin</th><th scope="col" class="num">Count</th>
        </tr></thead>
        <tbody>
          ${this.events.map((event) => {
            const key = event.apiKeyId ? this.keyNames.get(event.apiKeyId) : undefined;
            return html`<tr data-event=${event.event}>
              <td class="time">${formatDateTime(event.at, true)}</td>
              <td>${EVENT_LABELS[event.event] ?? event.event}${event.reason ? html`<div class="reason">${event.reason}</div>` : ''}</td>
              <td><span class="badge ${event.outcome === 'success' ? 'success' : 'danger'}">${event.outcome}</span></td>
              <td>${event.distinctId ? html`<button class="link" type="button" title="Show only this user" @click=${() => this.filterBy(event.distinctId!)}>${event.distinctId}</button>` : '—'}</td>
              <td>${key
                ? html`${key.name}<div class="hint"><code>${maskedKey(key)}</code></div>`
                : event.event === 'token.preview_minted'
                  ? html`<span class="hint">console preview key</span>`
                  : event.apiKeyId ? html`<code>${event.apiKeyId}</code>` : '—'}</td>
              <td>${event.origin ? html`<code>${event.origin}</code>` : '—'}</td>
              <td class="num">${event.occurrences}</td>
            </tr>`;
          })}
        </tbody>
      </table></div>
      ${this.hasMore
        ? html`<p><button type="button" @click=${this.loadOlder} ?disabled=${this.loadingMore}>${this.loadingMore ? 'Loading…' : 'Load older events'}</button></p>`
        : ''}`;
  }

  private async load(): Promise<void> {
    this.error = undefined;
    try {
      const events = await this.fetchPage(this.filters.until);
      this.events = events;
      this.hasMore = events.length === PAGE_SIZE;
    } catch (error) {
      this.events = undefined;
      this.error = error instanceof ApiError ? error : new ApiError(0, 'error', messageOf(error));
    }
  }

  private fetchPage(until: string | undefined): Promise<AuditRecord[]> {
    return api
      .get<{ events: AuditRecord[] }>('/api/audit', {
        distinctId: this.filters.distinctId,
        since: this.filters.since,
        until,
        limit: String(PAGE_SIZE),
      })
      .then((response) => response.events);
  }

  private async loadOlder(): Promise<void> {
    const oldest = this.events?.[this.events.length - 1];
    if (!oldest) return;
    this.loadingMore = true;
    try {
      const older = await this.fetchPage(oldest.at);
      const seen = new Set(this.events!.map((event) => event.id));
      this.events = [...this.events!, ...older.filter((event) => !seen.has(event.id))];
      this.hasMore = older.length === PAGE_SIZE;
    } catch (error) {
      this.error = error instanceof ApiError ? error : new ApiError(0, 'error', messageOf(error));
    } finally {
      this.loadingMore = false;
    }
  }

  private async loadKeys(): Promise<void> {
    try {
      const { apiKeys } = await api.get<{ apiKeys: ApiKeySummary[] }>('/api/api-keys');
      this.keyNames = new Map(apiKeys.map((key) => [key.id, key]));
      this.requestUpdate();
    } catch {
      // Key names are a convenience: events still show the key id.
    }
  }

  private applyFilters(event: SubmitEvent): void {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const distinctId = String(form.get('distinctId') ?? '').trim();
    const since = localInputToIso(String(form.get('since') ?? ''));
    const until = localInputToIso(String(form.get('until') ?? ''));
    if (since && until && since >= until) {
      this.error = new ApiError(400, 'invalid_request', '“Until” must be later than “From”.', [{ field: 'until', message: 'before since' }]);
      return;
    }
    this.filters = { ...(distinctId ? { distinctId } : {}), ...(since ? { since } : {}), ...(until ? { until } : {}) };
    void this.load();
  }

  private clearFilters(): void {
    this.filters = {};
    void this.load();
  }

  private filterBy(distinctId: string): void {
    const input = this.renderRoot.querySelector<HTMLInputElement>('#audit-distinct-id');
    if (input) input.value = distinctId;
    this.filters = { ...this.filters, distinctId };
    void this.load();
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tc-audit-log-page': TcAuditLogPage;
  }
}
