import type { TcErrorDetail } from './tc-error.js';
import type { TcReadyDetail } from './tc-ready.js';
import type { TcTokenExpiredDetail } from './tc-token-expired.js';
import type { TcTokenRefreshedDetail } from './tc-token-refreshed.js';

export type { TcErrorDetail, TcErrorEvent } from './tc-error.js';
export type { TcReadyDetail, TcReadyEvent } from './tc-ready.js';
export type { TcTokenExpiredDetail, TcTokenExpiredEvent } from './tc-token-expired.js';
export type { TcTokenRefreshedDetail, TcTokenRefreshedEvent } from './tc-token-refreshed.js';

/** Every event the elements fire, by name, with its detail. */
export interface TcEventDetails {
  'tc-ready': TcReadyDetail;
  'tc-token-refreshed': TcTokenRefreshedDetail;
  'tc-token-expired': TcTokenExpiredDetail;
  'tc-error': TcErrorDetail;
}
