// Types the tc-* custom elements in Vue templates (vue-tsc, the Vue language tools): props, and @tc-* events with
// their typed CustomEvent.
import type {
  FetchToken,
  TcErrorEvent,
  TcReadyEvent,
  TcTokenExpiredEvent,
  TcTokenRefreshedEvent,
} from '@tc-embed/elements';
import type { DefineComponent } from 'vue';

interface TcElementProps {
  serverUrl?: string;
  authToken?: string;
  fetchToken?: FetchToken;
  'data-theme'?: 'light' | 'dark';
  onTcReady?: (event: TcReadyEvent) => void;
  onTcTokenRefreshed?: (event: TcTokenRefreshedEvent) => void;
  onTcTokenExpired?: (event: TcTokenExpiredEvent) => void;
  onTcError?: (event: TcErrorEvent) => void;
}

declare module 'vue' {
  interface GlobalComponents {
    'tc-dashboard': DefineComponent<TcElementProps & { dashboardId?: string; chartId?: string }>;
    'tc-ai-assistant': DefineComponent<TcElementProps>;
  }
}
