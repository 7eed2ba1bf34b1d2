import type { ConnectionSettings } from './validation.ts';

/** Why "Test connection" failed, as a stable code the console can show advice for. */
export type ConnectFailureReason =
  | 'host_unreachable'
  | 'timeout'
  | 'auth_failed'
  | 'database_missing'
  | 'tls_required'
  | 'tls_unsupported'
  | 'tls_failed'
  | 'server_unavailable'
  | 'secret_unavailable'
  | 'host_not_allowed'
  | 'connection_failed';

export interface ConnectFailure {
  reason: ConnectFailureReason;
  message: string;
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);
const UNRESOLVED = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL']);
const CERTIFICATE = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** True for a PostgreSQL-reported error (it carries a five-character SQLSTATE). */
export function sqlStateOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/**
 * Turns what `pg` or the network threw while connecting into a reason and a message that says what to check.
 * Messages are ours or the server's (which never contain the password), never a stack.
 */
export function classifyConnectFailure(error: unknown, settings: Pick<ConnectionSettings, 'host' | 'port' | 'database' | 'user' | 'sslMode'>): ConnectFailure {
  const code = String((error as { code?: unknown } | null)?.code ?? '');
  const text = String((error as { message?: unknown } | null)?.message ?? error);
  const where = `${settings.host}:${settings.port}`;

  if (UNRESOLVED.has(code)) {
    return { reason: 'host_unreachable', message: `The host name "${settings.host}" could not be resolved; check the spelling and DNS.` };
  }
  if (UNREACHABLE.has(code)) {
    return {
      reason: 'host_unreachable',
      message: `Nothing accepted the connection at ${where} (${code}); check the host and port, that PostgreSQL listens there, and that firewalls allow it.`,
    };
  }
  if (code === 'ETIMEDOUT' || /timeout expired|connection timeout/i.test(text)) {
    return {
      reason: 'timeout',
      message: `${where} did not answer in time; check the host, the port and any firewall in between (a silently dropped connection looks like this).`,
    };
  }
  if (text === 'The server does not support SSL connections') {
    return {
      reason: 'tls_unsupported',
      message: `${where} does not offer TLS but sslMode is "${settings.sslMode}"; enable SSL on the server, or set sslMode to "disable" on a trusted network.`,
    };
  }
  if (CERTIFICATE.has(code) || code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_')) {
    return {
      reason: 'tls_failed',
      message: `The server's TLS certificate could not be verified (${code}). With sslMode "verify-full" it must be signed by a trusted CA and name "${settings.host}"; "require" encrypts without checking it.`,
    };
  }
  if (/client password must be a string|Password must be a string/i.test(text)) {
    return { reason: 'auth_failed', message: `The server asks for a password for user "${settings.user}" and the connection has none; set the password.` };
  }

  switch (sqlStateOf(error)) {
    case '28P01':
      return { reason: 'auth_failed', message: `The server refused the password for user "${settings.user}"; check the user and password.` };
    case '28000':
      if (/no encryption|SSL off/i.test(text)) {
        return { reason: 'tls_required', message: `The server only accepts TLS connections from here; set sslMode to "require" or "verify-full". (${text})` };
      }
      return { reason: 'auth_failed', message: `The server refused user "${settings.user}": ${text}` };
    case '3D000':
      return { reason: 'database_missing', message: `The database "${settings.database}" does not exist on ${where}; check its name.` };
    case '53300':
      return { reason: 'server_unavailable', message: `${where} has too many connections already; retry later or raise max_connections.` };
    case '57P03':
      return { reason: 'server_unavailable', message: `${where} is starting up or shutting down; retry shortly.` };
    case '57014':
      return { reason: 'timeout', message: `The test query ran past the statement timeout on ${where}.` };
    default:
      break;
  }
  if (/Connection terminated/i.test(text)) {
    return { reason: 'connection_failed', message: `${where} closed the connection during sign-in; it may not be a PostgreSQL server, or it refused us.` };
  }
  return { reason: 'connection_failed', message: `Could not connect to ${where}: ${text}` };
}
