import { LitElement, css, html, type TemplateResult } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import { ApiError, api, messageOf } from '../api/client.ts';
import type { Me } from '../api/types.ts';
import '../components/tc-profile-menu.ts';
import '../pages/account/tc-account-settings-page.ts';
import '../pages/audit/tc-audit-log-page.ts';
import '../pages/dashboards/tc-dashboards-page.ts';
import '../pages/databases/tc-databases-page.ts';
import '../pages/embed-access/tc-embed-access-page.ts';
import '../pages/login/tc-login-page.ts';
import { sharedStyles } from '../styles/shared.ts';
import { href, interceptLinkClicks, parseRoute, type Route } from './router.ts';

type SessionState = { kind: 'loading' } | { kind: 'signed-out' } | { kind: 'signed-in'; me: Me } | { kind: 'unreachable'; message: string };

const MAIN_MENU = [
  { page: 'dashboards', label: 'Dashboards', url: href('dashboards') },
  { page: 'databases', label: 'Databases', url: href('databases') },
  { page: 'settings', label: 'Settings', url: href('settings', 'embed-access') },
] as const;

/** The console: the sign-in form until /api/auth/me answers, then the main menu and the current page. */
@customElement('tc-console-app')
export class TcConsoleApp extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      :host {
        min-height: 100vh;
      }
      .skip {
        position: absolute;
        left: -999px;
        top: 0.5rem;
        z-index: 100;
        background: var(--tc-surface);
        padding: 0.5rem 1rem;
      }
      .skip:focus {
        left: 0.5rem;
      }
      .layout {
        display: grid;
        grid-template-columns: 15.5rem 1fr;
        min-height: 100vh;
      }
      nav.sidebar {
        position: sticky;
        top: 0;
        height: 100vh;
        display: flex;
        flex-direction: column;
        background: var(--tc-surface);
        border-right: 1px solid var(--tc-border);
        padding: 1rem 0.75rem;
      }
      .brand {
        font-weight: 800;
        font-size: 1.1rem;
        padding: 0 0.5rem 1rem;
        color: var(--tc-accent);
      }
      .brand span {
        color: var(--tc-text-muted);
        font-weight: 500;
      }
      nav ul {
        list-style: none;
        padding: 0;
        margin: 0;
        flex: 1;
      }
      nav li a {
        display: block;
        padding: 0.5rem 0.75rem;
        border-radius: var(--tc-radius);
        color: var(--tc-text);
        text-decoration: none;
        font-weight: 600;
      }
      nav li a:hover {
        background: var(--tc-surface-sunken);
      }
      nav li a[aria-current='page'] {
        background: var(--tc-accent-soft);
        color: var(--tc-accent);
      }
      main {
        padding: 2rem clamp(1rem, 4vw, 3rem);
        max-width: 72rem;
        width: 100%;
        min-width: 0;
      }
      main:focus {
        outline: none;
      }
      .tab-list {
        display: flex;
        gap: 0.25rem;
        list-style: none;
        padding: 0;
        margin: 0 0 1.5rem;
        border-bottom: 1px solid var(--tc-border);
      }
      .tab-list a {
        display: block;
        padding: 0.5rem 0.9rem;
        color: var(--tc-text-muted);
        text-decoration: none;
        font-weight: 600;
        border-bottom: 2px solid transparent;
        margin-bottom: -1px;
      }
      .tab-list a[aria-current='page'] {
        color: var(--tc-accent);
        border-bottom-color: var(--tc-accent);
      }
      .centered {
        min-height: 100vh;
        display: grid;
        place-items: center;
      }
      @media (max-width: 760px) {
        .layout {
          grid-template-columns: 1fr;
        }
        nav.sidebar {
          position: static;
          height: auto;
          border-right: none;
          border-bottom: 1px solid var(--tc-border);
        }
        nav ul {
          display: flex;
          gap: 0.25rem;
          flex-wrap: wrap;
          margin-bottom: 0.5rem;
        }
      }
    `,
  ];

  @state() private session: SessionState = { kind: 'loading' };
  @state() private route: Route = parseRoute(location.pathname);
  @query('main') private main: HTMLElement | undefined;
  private readonly cleanups: (() => void)[] = [];

  private readonly onPopState = () => {
    this.route = parseRoute(location.pathname);
    // Move focus to the new page so keyboard and screen-reader users start at its top.
    void this.updateComplete.then(() => this.main?.focus({ preventScroll: true }));
    window.scrollTo(0, 0);
  };

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('popstate', this.onPopState);
    this.cleanups.push(
      () => window.removeEventListener('popstate', this.onPopState),
      interceptLinkClicks(this.renderRoot),
      api.onSignedOut(() => this.signedOut()),
    );
    void this.loadSession();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    for (const cleanup of this.cleanups.splice(0)) cleanup();
  }

  override updated(): void {
    document.title = `${this.pageTitle()} · tc-embed console`;
  }

  override render() {
    switch (this.session.kind) {
      case 'loading':
        return html`<div class="centered" role="status">Loading the console…</div>`;
      case 'unreachable':
        return html`<div class="centered"><div class="card">
          <h1>The console cannot reach the server</h1>
          <p class="notice error" role="alert">${this.session.message}</p>
          <button class="primary" @click=${() => this.loadSession()}>Try again</button>
        </div></div>`;
      case 'signed-out':
        return html`<tc-login-page @signed-in=${(event: CustomEvent<Me>) => this.signedIn(event.detail)}></tc-login-page>`;
      case 'signed-in':
        return this.renderLayout(this.session.me);
    }
  }

  private renderLayout(me: Me): TemplateResult {
    return html`<a class="skip" href="#main" @click=${this.skipToMain}>Skip to content</a>
      <div class="layout">
        <nav class="sidebar" aria-label="Main menu">
          <div class="brand">tc-embed <span>console</span></div>
          <ul>
            ${MAIN_MENU.map(
              (item) => html`<li><a href=${item.url} aria-current=${this.route.page === item.page ? 'page' : 'false'}>${item.label}</a></li>`,
            )}
          </ul>
          <tc-profile-menu .email=${me.email} .orgName=${me.org.name} @sign-out=${this.signOut}></tc-profile-menu>
        </nav>
        <main id="main" tabindex="-1">${this.renderPage(me)}</main>
      </div>`;
  }

  private renderPage(me: Me): TemplateResult {
    const route = this.route;
    switch (route.page) {
      case 'dashboards':
        return html`<tc-dashboards-page .dashboardId=${route.dashboardId}></tc-dashboards-page>`;
      case 'databases':
        return html`<tc-databases-page .connectionId=${route.connectionId} .tableId=${route.tableId}></tc-databases-page>`;
      case 'settings':
        return html`<h1>Settings</h1>
          <nav aria-label="Settings" class="tabs">${this.settingsTabs(route.tab)}</nav>
          ${route.tab === 'embed-access'
            ? html`<tc-embed-access-page .origin=${location.origin} .organization=${me.org}></tc-embed-access-page>`
            : html`<tc-audit-log-page></tc-audit-log-page>`}`;
      case 'account':
        return html`<tc-account-settings-page .me=${me}></tc-account-settings-page>`;
      case 'not-found':
        return html`<h1>Page not found</h1>
          <p>There is no console page at <code>${route.path}</code>.</p>
          <p><a href=${href('dashboards')}>Go to Dashboards</a></p>`;
    }
  }

  private settingsTabs(current: 'embed-access' | 'audit-log'): TemplateResult {
    const tabs = [
      { tab: 'embed-access', label: 'Embed & access' },
      { tab: 'audit-log', label: 'Audit log' },
    ] as const;
    return html`<ul class="tab-list">
        ${tabs.map(
          ({ tab, label }) =>
            html`<li><a href=${href('settings', tab)} aria-current=${current === tab ? 'page' : 'false'}>${label}</a></li>`,
        )}
      </ul>`;
  }

  private pageTitle(): string {
    if (this.session.kind !== 'signed-in') return 'Sign in';
    switch (this.route.page) {
      case 'dashboards':
        return 'Dashboards';
      case 'databases':
        return 'Databases';
      case 'settings':
        return this.route.tab === 'embed-access' ? 'Embed & access' : 'Audit log';
      case 'account':
        return 'Account settings';
      case 'not-found':
        return 'Page not found';
    }
  }

  private async loadSession(): Promise<void> {
    this.session = { kind: 'loading' };
    try {
      this.signedIn(await api.get<Me>('/api/auth/me'));
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) this.signedOut();
      else this.session = { kind: 'unreachable', message: messageOf(error) };
    }
  }

  private signedIn(me: Me): void {
    api.setCsrfToken(me.csrfToken);
    this.session = { kind: 'signed-in', me };
  }

  private signedOut(): void {
    api.setCsrfToken(undefined);
    this.session = { kind: 'signed-out' };
  }

  private async signOut(): Promise<void> {
    try {
      await api.post('/api/auth/logout');
    } catch {
      // Already signed out on the server: show the sign-in form either way.
    }
    this.signedOut();
  }

  private skipToMain(event: Event): void {
    event.preventDefault();
    this.main?.focus();
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tc-console-app': TcConsoleApp;
  }
}
