/** The element has verified its session and shown its content. */
export interface TcReadyDetail {
  org: { id: string; name: string };
  user: { distinctId: string; role: string };
}
export type TcReadyEvent = CustomEvent<TcReadyDetail>;

declare global {
  interface GlobalEventHandlersEventMap {
    'tc-ready': TcReadyEvent;
  }
}
