import type { EmbedErrorDetail } from '../session/embed-error.js';

/** Something failed; the element shows the same message in its `part="error"` alert. */
export type TcErrorDetail = EmbedErrorDetail;
export type TcErrorEvent = CustomEvent<TcErrorDetail>;

declare global {
  interface GlobalEventHandlersEventMap {
    'tc-error': TcErrorEvent;
  }
}
