import type { FetchToken } from './session/token-session.js';

/** Page-wide defaults for every tc-* element that does not set its own. */
export interface EmbedConfiguration {
  /** The tc-embed server, e.g. "https://analytics.example.com". */
  serverUrl?: string;
  /** The host's refresh callback; the elements call it before the token expires. */
  fetchToken?: FetchToken;
}

let current: EmbedConfiguration = {};
const listeners = new Set<() => void>();

/**
 * Sets page-wide defaults, for pages with many elements. Elements already on the page pick them up.
 *
 * @example
 * import { configure } from 'https://analytics.example.com/embed/embed.js';
 * configure({ serverUrl: 'https://analytics.example.com', fetchToken: () => fetch('/api/embed-token').then((r) => r.json()) });
 */
export function configure(options: EmbedConfiguration): void {
  current = { ...current, ...options };
  for (const listener of [...listeners]) listener();
}

export function currentConfiguration(): Readonly<EmbedConfiguration> {
  return current;
}

/** Calls `listener` after each configure(); returns the unsubscribe function. */
export function onConfigure(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
