/** A new token is in use (renewed through fetchToken, or set by the host). Never carries the token itself. */
export interface TcTokenRefreshedDetail {
  expiresAt: string;
  /** Seconds left, by the server's clock. */
  expiresIn: number;
  /** True when the session had expired and is live again. */
  recovered: boolean;
}
export type TcTokenRefreshedEvent = CustomEvent<TcTokenRefreshedDetail>;

declare global {
  interface GlobalEventHandlersEventMap {
    'tc-token-refreshed': TcTokenRefreshedEvent;
  }
}
