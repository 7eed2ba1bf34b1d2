import { LitElement } from 'lit';
import type { TcEventDetails } from '../events/index.js';

/** Base of the tc-* elements: one way to fire the contract's events. */
export class TcElement extends LitElement {
  /** Fires a tc-* event: bubbling and composed, so a listener on document hears it through the shadow root. */
  emit<K extends keyof TcEventDetails>(name: K, detail: TcEventDetails[K]): CustomEvent<TcEventDetails[K]> {
    const event = new CustomEvent(name, { bubbles: true, composed: true, detail });
    this.dispatchEvent(event);
    return event;
  }
}
