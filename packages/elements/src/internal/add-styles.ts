import type { CSSResult, LitElement } from 'lit';

/** Adds the styles of a lazily loaded part to an element's shadow root, after its static styles. */
export function addStyles(host: LitElement, styles: CSSResult): void {
  const root = host.renderRoot as ShadowRoot;
  const sheet = styles.styleSheet;
  if (sheet && !root.adoptedStyleSheets.includes(sheet)) root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
}
