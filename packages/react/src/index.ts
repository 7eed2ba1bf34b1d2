/**
 * @tc-embed/react — `<TcDashboard>` and `<TcAiAssistant>` for React: the tc-embed custom elements wrapped with
 * @lit/react, so props become element properties (`fetchToken`, `authToken`, `dashboardId`, …) and the elements'
 * events arrive as typed `onTc*` props. The elements (and their one shared token session) do all the work; this
 * package only adapts them to React.
 *
 * @example
 * import { TcDashboard } from '@tc-embed/react';
 *
 * const fetchToken = () => fetch('/api/tc-token', { method: 'POST' }).then((r) => r.json());
 *
 * export function Analytics() {
 *   return (
 *     <TcDashboard
 *       dashboardId="sales"
 *       serverUrl="https://analytics.example.com"
 *       fetchToken={fetchToken}
 *       onTcReady={(event) => console.log('ready for', event.detail.user.distinctId)}
 *       onTcError={(event) => console.error(event.detail.code, event.detail.message)}
 *     />
 *   );
 * }
 */
// The components render custom elements that work in the browser; in the Next.js App Router they are client
// components (server rendering still emits their tags, and importing this module without a DOM does not throw).
'use client';

import { createComponent, type EventName } from '@lit/react';
import {
  TcAiAssistant as TcAiAssistantElement,
  TcDashboard as TcDashboardElement,
  type TcErrorEvent,
  type TcReadyEvent,
  type TcTokenExpiredEvent,
  type TcTokenRefreshedEvent,
} from '@tc-embed/elements';
import * as React from 'react';

/** The elements' events as React props; each handler receives the typed CustomEvent. */
const events = {
  /** The session is verified and the content shown. `event.detail: {org, user}`. */
  onTcReady: 'tc-ready' as EventName<TcReadyEvent>,
  /** A new token is in use (renewed through fetchToken, or a new authToken). `event.detail: {expiresAt, expiresIn, recovered}`. */
  onTcTokenRefreshed: 'tc-token-refreshed' as EventName<TcTokenRefreshedEvent>,
  /** The token expired before a renewal succeeded. `event.detail: {expiresAt}`. */
  onTcTokenExpired: 'tc-token-expired' as EventName<TcTokenExpiredEvent>,
  /** Something failed; the element shows the same message. `event.detail: {code, message}`. */
  onTcError: 'tc-error' as EventName<TcErrorEvent>,
};

/** `<tc-dashboard>` as a React component: a dashboard (or one chart with `chartId`), with row-level security applied. */
export const TcDashboard = createComponent({
  react: React,
  tagName: 'tc-dashboard',
  elementClass: TcDashboardElement,
  events,
  displayName: 'TcDashboard',
});

/** `<tc-ai-assistant>` as a React component. */
export const TcAiAssistant = createComponent({
  react: React,
  tagName: 'tc-ai-assistant',
  elementClass: TcAiAssistantElement,
  events,
  displayName: 'TcAiAssistant',
});

export type TcDashboardProps = React.ComponentProps<typeof TcDashboard>;
export type TcAiAssistantProps = React.ComponentProps<typeof TcAiAssistant>;

export { configure, type EmbedConfiguration, type FetchToken } from '@tc-embed/elements';
export type {
  TcErrorDetail,
  TcErrorEvent,
  TcReadyDetail,
  TcReadyEvent,
  TcTokenExpiredDetail,
  TcTokenExpiredEvent,
  TcTokenRefreshedDetail,
  TcTokenRefreshedEvent,
} from '@tc-embed/elements';
