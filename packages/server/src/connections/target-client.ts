import type pg from 'pg';
import { typeParsers } from '../store/postgres-store.ts';
import type { ConnectionSettings, SslMode } from './validation.ts';

/** Connecting gets the statement timeout as its budget, within these bounds (a TLS handshake needs a moment). */
const CONNECT_TIMEOUT_MS = { min: 1_000, max: 10_000 } as const;

export function connectTimeoutMs(settings: Pick<ConnectionSettings, 'statementTimeoutMs'>): number {
  return Math.min(CONNECT_TIMEOUT_MS.max, Math.max(CONNECT_TIMEOUT_MS.min, settings.statementTimeoutMs));
}

function tlsOptions(mode: SslMode): pg.ClientConfig['ssl'] {
  if (mode === 'disable') return false;
  // pg sets the SNI name itself (and never to an IP address); Node checks the certificate names the host.
  return { rejectUnauthorized: mode === 'verify-full' };
}

/**
 * The `pg` client settings of a data connection. Everything is explicit so nothing falls back to the tc-embed
 * process's own PG* environment variables or ~/.pgpass — a connection without a password must not borrow the
 * operator's. Sessions are read-only and carry the statement timeout from their first byte.
 */
export function targetClientConfig(settings: ConnectionSettings, password: string | undefined): pg.ClientConfig {
  const secret = password ?? '';
  return {
    host: settings.host,
    port: settings.port,
    database: settings.database,
    user: settings.user,
    // The function form keeps the password out of the config object and off PGPASSWORD/.pgpass fallbacks.
    password: () => secret,
    ssl: tlsOptions(settings.sslMode),
    connectionTimeoutMillis: connectTimeoutMs(settings),
    statement_timeout: settings.statementTimeoutMs,
    // A client-side guard for a server that stops answering mid-query.
    query_timeout: settings.statementTimeoutMs + 5_000,
    idle_in_transaction_session_timeout: settings.statementTimeoutMs + 5_000,
    options: '-c default_transaction_read_only=on',
    application_name: 'tc-embed',
    types: typeParsers,
  };
}
