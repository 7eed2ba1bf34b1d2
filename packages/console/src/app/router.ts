/** Client-side navigation under /console: the server answers index.html for every path below it. */

export const BASE_PATH = '/console';

export type Route =
  | { page: 'dashboards'; dashboardId?: string }
  | { page: 'databases'; connectionId?: string; tableId?: string }
  | { page: 'settings'; tab: 'embed-access' | 'audit-log' }
  | { page: 'account' }
  | { page: 'not-found'; path: string };

const decode = (segment: string) => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
};

export function parseRoute(pathname: string): Route {
  const path = pathname.startsWith(BASE_PATH) ? pathname.slice(BASE_PATH.length) : pathname;
  const segments = path.split('/').filter(Boolean).map(decode);
  const [first, second, third] = segments;
  switch (first) {
    case undefined:
    case 'dashboards':
      if (segments.length <= 2) return second ? { page: 'dashboards', dashboardId: second } : { page: 'dashboards' };
      break;
    case 'databases':
      if (second === undefined) return { page: 'databases' };
      if (second === 'connections' && third && segments.length === 3) return { page: 'databases', connectionId: third };
      if (second === 'tables' && third && segments.length === 3) return { page: 'databases', tableId: third };
      break;
    case 'settings':
      if (second === undefined || second === 'embed-access') return { page: 'settings', tab: 'embed-access' };
      if (second === 'audit-log') return { page: 'settings', tab: 'audit-log' };
      break;
    case 'account':
      if (second === undefined) return { page: 'account' };
      break;
    default:
      break;
  }
  return { page: 'not-found', path: pathname };
}

/** The console URL of a page: `href('settings', 'embed-access')` → `/console/settings/embed-access`. */
export function href(...segments: string[]): string {
  return [BASE_PATH, ...segments.map(encodeURIComponent)].join('/');
}

export function navigate(url: string, options: { replace?: boolean } = {}): void {
  if (options.replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

/**
 * Turns clicks on same-origin links under /console into history navigation (no reload), leaving modified
 * clicks (new tab, download) and other links to the browser.
 */
export function interceptLinkClicks(root: EventTarget): () => void {
  const onClick = (event: Event) => {
    const mouse = event as MouseEvent;
    if (mouse.defaultPrevented || mouse.button !== 0 || mouse.metaKey || mouse.ctrlKey || mouse.shiftKey || mouse.altKey) return;
    const anchor = mouse.composedPath().find((node): node is HTMLAnchorElement => node instanceof HTMLAnchorElement);
    if (!anchor || anchor.target || anchor.hasAttribute('download')) return;
    const url = new URL(anchor.href, location.href);
    if (url.origin !== location.origin || !(url.pathname === BASE_PATH || url.pathname.startsWith(`${BASE_PATH}/`))) return;
    mouse.preventDefault();
    if (url.pathname + url.search !== location.pathname + location.search) navigate(url.pathname + url.search + url.hash);
  };
  root.addEventListener('click', onClick);
  return () => root.removeEventListener('click', onClick);
}
