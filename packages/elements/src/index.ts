/**
 * tc-embed elements: `<tc-dashboard>` and `<tc-ai-assistant>`, defined on import, plus `configure()` for
 * page-wide defaults. Served as one ES module at `/embed/embed.js`.
 */
export { TcDashboard } from './dashboard/tc-dashboard.js';
export { TcAiAssistant } from './assistant/tc-ai-assistant.js';
export { configure, type EmbedConfiguration } from './configure.js';
export { TokenSession, SessionStatus, type FetchToken, type SessionEvent, type TokenSessionOptions } from './session/token-session.js';
export { EmbedError, type EmbedErrorCode, type EmbedErrorDetail } from './session/embed-error.js';
export type { SessionInfo } from './session/api-client.js';
export type * from './events/index.js';
export type { DashboardResponse, ChartResponse, Tile, TileColumn } from './dashboard/dashboard-types.js';
