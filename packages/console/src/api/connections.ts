/** Data connections as the admin API returns them: secrets masked, with whether one is set. */

export const MASKED_SECRET = '••••••';
export const SSL_MODES = [
  ['verify-full', 'verify-full — encrypted, certificate checked (recommended)'],
  ['require', 'require — encrypted, certificate not checked'],
  ['disable', 'disable — not encrypted (local networks only)'],
] as const;
export type SslMode = (typeof SSL_MODES)[number][0];

export interface Connection {
  id: string;
  name: string;
  kind: 'postgres' | 'sample';
  builtIn: boolean;
  host: string | null;
  port: number | null;
  database: string | null;
  user: string | null;
  password: string | null;
  passwordSet: boolean;
  sslMode: SslMode | null;
  statementTimeoutMs: number;
  maxRows: number;
  createdAt: string | null;
  updatedAt: string | null;
}

export type ConnectionTestResult =
  | { ok: true; latencyMs: number; serverVersion: string }
  | { ok: false; reason: string; message: string };

export const CONNECTION_FAILURE_TITLES: Record<string, string> = {
  host_unreachable: 'Host unreachable',
  timeout: 'Timed out',
  auth_failed: 'Authentication failed',
  database_missing: 'Database not found',
  tls_required: 'The server requires TLS',
  tls_unsupported: 'The server does not support TLS',
  tls_failed: 'TLS failed',
  server_unavailable: 'Server unavailable',
  secret_unavailable: 'Stored password unreadable',
  connection_failed: 'Connection failed',
};
