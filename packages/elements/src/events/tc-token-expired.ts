/** The token expired before a renewal succeeded; the element recovers when one does. */
export interface TcTokenExpiredDetail {
  expiresAt: string;
}
export type TcTokenExpiredEvent = CustomEvent<TcTokenExpiredDetail>;

declare global {
  interface GlobalEventHandlersEventMap {
    'tc-token-expired': TcTokenExpiredEvent;
  }
}
