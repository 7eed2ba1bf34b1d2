import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { TcError, notFound } from '../errors.ts';
import { SecretKeyringError, type SecretKeyring, type SecretPlace } from '../secrets/keyring.ts';
import type { SqlValue, Store } from '../store/store.ts';
import { classifyConnectFailure, type ConnectFailureReason } from './connect-errors.ts';
import { SAMPLE_CONNECTION_ID, type ConnectionQueryRunner } from './query-runner.ts';
import { CONNECTION_HOSTS_VARIABLE, hostRefusal, type HostAllowlist } from './host-allowlist.ts';
import { queryTarget, querySampleStore, rowLimitExceeded, toQueryError } from './read-only-query.ts';
import { targetClientConfig } from './target-client.ts';
import { TargetPools } from './target-pools.ts';
import {
  MASKED_SECRET,
  MAX_ROWS,
  SAMPLE_CONNECTION_NAME,
  validateConnectionFields,
  type ConnectionSettings,
  type PasswordChange,
  type SslMode,
} from './validation.ts';

/** A connection as every response shows it: secrets masked, with whether one is set. */
export interface PublicConnection {
  id: string;
  name: string;
  kind: 'postgres' | 'sample';
  /** The built-in sample database: listed for every organization, never editable or removable. */
  builtIn: boolean;
  host: string | null;
  port: number | null;
  database: string | null;
  user: string | null;
  password: typeof MASKED_SECRET | null;
  passwordSet: boolean;
  sslMode: SslMode | null;
  statementTimeoutMs: number;
  maxRows: number;
  createdAt: string | null;
  updatedAt: string | null;
}

export type ConnectionTestResult =
  | { ok: true; latencyMs: number; serverVersion: string }
  | { ok: false; reason: ConnectFailureReason; message: string };

/** What to test: a saved connection (optionally with unsaved edits, PATCH-shaped) or a draft never saved. */
export type ConnectionTestTarget = { connectionId: string; changes?: unknown } | { draft: unknown };

export interface SecretRotationReport {
  rotated: number;
  alreadyCurrent: number;
  failed: number;
  failures: { orgId: string; connectionId: string; name: string; message: string }[];
}

interface ConnectionRow {
  id: string;
  org_id: string;
  name: string;
  host: string;
  port: number;
  database: string;
  username: string;
  password_secret: string | null;
  ssl_mode: SslMode;
  statement_timeout_ms: number;
  max_rows: number;
  revision: number;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS =
  'id, org_id, name, host, port, database, username, password_secret, ssl_mode, statement_timeout_ms, max_rows, revision, created_at, updated_at';
const PASSWORD_FIELD = 'password';
const SAMPLE_LIMITS = { statementTimeoutMs: 30_000, maxRows: MAX_ROWS.max } as const;
const UNIQUE_VIOLATION = '23505';

const SAMPLE_CONNECTION: PublicConnection = {
  id: SAMPLE_CONNECTION_ID,
  name: SAMPLE_CONNECTION_NAME,
  kind: 'sample',
  builtIn: true,
  host: null,
  port: null,
  database: null,
  user: null,
  password: null,
  passwordSet: false,
  sslMode: null,
  statementTimeoutMs: SAMPLE_LIMITS.statementTimeoutMs,
  maxRows: SAMPLE_LIMITS.maxRows,
  createdAt: null,
  updatedAt: null,
};

function present(row: ConnectionRow): PublicConnection {
  const passwordSet = row.password_secret !== null;
  return {
    id: row.id,
    name: row.name,
    kind: 'postgres',
    builtIn: false,
    host: row.host,
    port: row.port,
    database: row.database,
    user: row.username,
    password: passwordSet ? MASKED_SECRET : null,
    passwordSet,
    sslMode: row.ssl_mode,
    statementTimeoutMs: row.statement_timeout_ms,
    maxRows: row.max_rows,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

function settingsOf(row: ConnectionRow): ConnectionSettings {
  return {
    host: row.host,
    port: row.port,
    database: row.database,
    user: row.username,
    sslMode: row.ssl_mode,
    statementTimeoutMs: row.statement_timeout_ms,
    maxRows: row.max_rows,
  };
}

const passwordPlace = (orgId: string, connectionId: string): SecretPlace => ({ orgId, connectionId, field: PASSWORD_FIELD });

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === UNIQUE_VIOLATION;
}

const duplicateName = (name: string | undefined) =>
  new TcError('conflict', `A connection named "${name}" already exists in this organization; choose another name.`, [{ field: 'name', message: 'already exists' }]);

const builtInIsReadOnly = () => new TcError('forbidden', `The built-in "${SAMPLE_CONNECTION_NAME}" connection cannot be edited or removed.`);

/** The fields that decide which server receives the password, and how it is protected on the way. */
const TARGET_FIELDS = ['host', 'port', 'database', 'user', 'sslMode'] as const;

/**
 * A saved password goes only to the target it was saved for: an edit (or an unsaved test) that changes where it
 * would be sent must carry the password again, else an admin session could point it at a server it controls.
 */
function refuseKeptPasswordOnNewTarget(row: ConnectionRow, change: Partial<ConnectionSettings>, password: PasswordChange): void {
  if (password.action !== 'keep' || row.password_secret === null) return;
  const stored = settingsOf(row);
  const changed = TARGET_FIELDS.filter((field) => {
    const next = change[field];
    if (next === undefined) return false;
    return field === 'host' ? String(next).toLowerCase() !== stored.host.toLowerCase() : next !== stored[field];
  });
  if (changed.length === 0) return;
  const named = changed.length === 1 ? changed[0]! : `${changed.slice(0, -1).join(', ')} and ${changed.at(-1)!}`;
  throw new TcError(
    'invalid_request',
    `Re-enter the password to use it with the new ${named}: the saved password is only sent to the server it was saved for.`,
    [{ field: PASSWORD_FIELD, message: `required when ${named} change${changed.length === 1 ? 's' : ''}` }],
  );
}

/**
 * Data connections of an organization: PostgreSQL databases whose password is stored encrypted (keyring), and
 * the built-in sample database. Admin API and CLI go through here; so does every query a token causes.
 */
export class ConnectionService implements ConnectionQueryRunner {
  readonly #pools = new TargetPools();

  constructor(
    private readonly store: Store,
    private readonly keyring: SecretKeyring,
    /** Told when lazy re-encryption could not be written (the read itself still succeeds). */
    private readonly reportError: (error: unknown) => void = () => {},
    /** TC_CONNECTION_HOSTS; every host when undefined. */
    private readonly allowedHosts?: HostAllowlist,
  ) {}

  /** Why the operator's TC_CONNECTION_HOSTS refuses this host; undefined when it is allowed (or no list is set). */
  #hostRefused(host: string): string | undefined {
    return this.allowedHosts && !this.allowedHosts.allows(host) ? hostRefusal(host) : undefined;
  }

  /** A host the operator did not allow is refused where it is entered, naming the field and the setting. */
  #checkHost(host: string | undefined): void {
    const refused = host === undefined ? undefined : this.#hostRefused(host);
    if (refused) throw new TcError('invalid_request', refused, [{ field: 'host', message: `not in ${CONNECTION_HOSTS_VARIABLE}` }]);
  }

  async list(orgId: string): Promise<PublicConnection[]> {
    const rows = await this.store.query<ConnectionRow>(
      `select ${COLUMNS} from connections where org_id = $1 and kind = 'postgres' order by lower(name), id`,
      [orgId],
    );
    return [SAMPLE_CONNECTION, ...rows.map(present)];
  }

  async get(orgId: string, connectionId: string): Promise<PublicConnection> {
    if (connectionId === SAMPLE_CONNECTION_ID) return SAMPLE_CONNECTION;
    return present(await this.#load(orgId, connectionId));
  }

  async create(orgId: string, body: unknown): Promise<PublicConnection> {
    const fields = validateConnectionFields(body, 'create');
    const settings = fields.settings as ConnectionSettings;
    this.#checkHost(settings.host);
    const id = `conn_${randomBytes(8).toString('hex')}`;
    const secret = fields.password.action === 'set' ? this.keyring.encryptSecret(fields.password.value, passwordPlace(orgId, id)) : null;
    try {
      const [row] = await this.store.query<ConnectionRow>(
        `insert into connections (id, org_id, name, kind, host, port, database, username, password_secret, ssl_mode, statement_timeout_ms, max_rows)
         values ($1, $2, $3, 'postgres', $4, $5, $6, $7, $8, $9, $10, $11) returning ${COLUMNS}`,
        [id, orgId, fields.name!, settings.host, settings.port, settings.database, settings.user, secret, settings.sslMode, settings.statementTimeoutMs, settings.maxRows],
      );
      return present(row!);
    } catch (error) {
      if (isUniqueViolation(error)) throw duplicateName(fields.name);
      throw error;
    }
  }

  /** PATCH: fields left out keep their value; a password left out or sent back masked keeps the stored secret. */
  async update(orgId: string, connectionId: string, body: unknown): Promise<PublicConnection> {
    if (connectionId === SAMPLE_CONNECTION_ID) throw builtInIsReadOnly();
    const fields = validateConnectionFields(body, 'update');
    const { settings, password } = fields;
    this.#checkHost(settings.host);
    const current = await this.#load(orgId, connectionId);
    refuseKeptPasswordOnNewTarget(current, settings, password);
    const replaceSecret = password.action !== 'keep';
    const secret = password.action === 'set' ? this.keyring.encryptSecret(password.value, passwordPlace(orgId, connectionId)) : null;
    // A kept secret moves only to the target just checked: an edit saved in between makes this one a conflict.
    const movesKeptSecret = !replaceSecret && TARGET_FIELDS.some((field) => settings[field] !== undefined);
    const expectedRevision = movesKeptSecret ? current.revision : null;
    let rows: ConnectionRow[];
    try {
      rows = await this.store.query<ConnectionRow>(
        `update connections set
           name = coalesce($3, name), host = coalesce($4, host), port = coalesce($5, port),
           database = coalesce($6, database), username = coalesce($7, username), ssl_mode = coalesce($8, ssl_mode),
           statement_timeout_ms = coalesce($9, statement_timeout_ms), max_rows = coalesce($10, max_rows),
           password_secret = case when $11 then $12 else password_secret end,
           revision = revision + 1, updated_at = now()
         where org_id = $1 and id = $2 and kind = 'postgres' and ($13::int is null or revision = $13) returning ${COLUMNS}`,
        [
          orgId, connectionId, fields.name ?? null, settings.host ?? null, settings.port ?? null, settings.database ?? null,
          settings.user ?? null, settings.sslMode ?? null, settings.statementTimeoutMs ?? null, settings.maxRows ?? null,
          replaceSecret, secret, expectedRevision,
        ],
      );
    } catch (error) {
      if (isUniqueViolation(error)) throw duplicateName(fields.name);
      throw error;
    }
    if (!rows[0]) {
      await this.#load(orgId, connectionId); // removed meanwhile: not_found
      throw new TcError('conflict', `Connection "${current.name}" was changed by someone else while you edited it; reload it and save again.`);
    }
    await this.#pools.drop(connectionId);
    return present(rows[0]);
  }

  async remove(orgId: string, connectionId: string): Promise<{ removed: string }> {
    if (connectionId === SAMPLE_CONNECTION_ID) throw builtInIsReadOnly();
    const rows = await this.store.query(`delete from connections where org_id = $1 and id = $2 and kind = 'postgres' returning id`, [orgId, connectionId]);
    if (rows.length === 0) throw notFound(`Connection "${connectionId}"`);
    await this.#pools.drop(connectionId);
    return { removed: connectionId };
  }

  /** "Test connection": connects afresh (never through a pool) and asks the server its version. */
  async test(orgId: string, target: ConnectionTestTarget): Promise<ConnectionTestResult> {
    if ('draft' in target) {
      const fields = validateConnectionFields(target.draft, 'draft');
      this.#checkHost(fields.settings.host);
      return this.#probe(fields.settings as ConnectionSettings, fields.password.action === 'set' ? fields.password.value : undefined);
    }
    if (target.connectionId === SAMPLE_CONNECTION_ID) return this.#probeSample();
    const changes = target.changes === undefined ? undefined : validateConnectionFields(target.changes, 'update');
    this.#checkHost(changes?.settings.host);
    const row = await this.#load(orgId, target.connectionId);
    if (changes) refuseKeptPasswordOnNewTarget(row, changes.settings, changes.password);
    const settings = { ...settingsOf(row), ...changes?.settings };
    const refused = this.#hostRefused(settings.host);
    if (refused) return { ok: false, reason: 'host_not_allowed', message: refused };
    let password: string | undefined;
    try {
      password = await this.#passwordFor(row, changes?.password ?? { action: 'keep' });
    } catch (error) {
      if (error instanceof TcError && error.code === 'secret_unavailable') return { ok: false, reason: 'secret_unavailable', message: error.message };
      throw error;
    }
    return this.#probe(settings, password);
  }

  /** ConnectionQueryRunner: one read-only SELECT with the connection's statement timeout and row limit. */
  async query<Row extends object = Record<string, unknown>>(
    orgId: string,
    connectionId: string,
    sql: string,
    params: readonly SqlValue[],
  ): Promise<Row[]> {
    if (connectionId === SAMPLE_CONNECTION_ID) {
      let rows: Row[];
      try {
        rows = await querySampleStore<Row>(this.store, sql, params, SAMPLE_LIMITS);
      } catch (error) {
        throw toQueryError(error, SAMPLE_CONNECTION_NAME, undefined) ?? error;
      }
      if (rows.length > SAMPLE_LIMITS.maxRows) throw rowLimitExceeded(SAMPLE_CONNECTION_NAME, SAMPLE_LIMITS.maxRows);
      return rows;
    }
    const row = await this.#load(orgId, connectionId);
    const settings = settingsOf(row);
    const refused = this.#hostRefused(settings.host);
    if (refused) throw new TcError('connection_failed', `Connection "${row.name}": ${refused}`);
    let rows: Row[];
    try {
      const pool = await this.#pools.acquire(row.id, row.revision, async () =>
        targetClientConfig(settings, await this.#passwordFor(row, { action: 'keep' })),
      );
      rows = await queryTarget<Row>(pool, sql, params, settings.maxRows);
    } catch (error) {
      throw toQueryError(error, row.name, settings) ?? error;
    }
    if (rows.length > settings.maxRows) throw rowLimitExceeded(row.name, settings.maxRows);
    return rows;
  }

  /** `tc-embed secrets rotate`: every stored secret of every organization re-encrypted under the newest key. */
  async rotateSecrets(): Promise<SecretRotationReport> {
    const report: SecretRotationReport = { rotated: 0, alreadyCurrent: 0, failed: 0, failures: [] };
    const rows = await this.store.query<Pick<ConnectionRow, 'id' | 'org_id' | 'name' | 'password_secret'>>(
      'select id, org_id, name, password_secret from connections where password_secret is not null order by org_id, id',
    );
    for (const row of rows) {
      let stored = row.password_secret;
      // A concurrent edit may replace the value between our read and our conditional write: read it again.
      for (let attempt = 0; stored !== null; attempt += 1) {
        const place = passwordPlace(row.org_id, row.id);
        let decrypted;
        try {
          decrypted = this.keyring.decryptSecret(stored, place);
        } catch (error) {
          if (!(error instanceof SecretKeyringError)) throw error;
          report.failed += 1;
          report.failures.push({ orgId: row.org_id, connectionId: row.id, name: row.name, message: error.message });
          break;
        }
        if (!decrypted.needsRotation) {
          report.alreadyCurrent += 1;
          break;
        }
        if (await this.#reencrypt(place, stored, decrypted.plaintext)) {
          report.rotated += 1;
          break;
        }
        if (attempt === 2) throw new TcError('conflict', `The password of connection "${row.name}" kept changing during rotation; run secrets rotate again.`);
        const [current] = await this.store.query<{ password_secret: string | null }>('select password_secret from connections where id = $1', [row.id]);
        stored = current?.password_secret ?? null;
      }
    }
    return report;
  }

  async close(): Promise<void> {
    await this.#pools.closeAll();
  }

  async #load(orgId: string, connectionId: string): Promise<ConnectionRow> {
    const [row] = await this.store.query<ConnectionRow>(
      `select ${COLUMNS} from connections where org_id = $1 and id = $2 and kind = 'postgres'`,
      [orgId, connectionId],
    );
    if (!row) throw notFound(`Connection "${connectionId}"`);
    return row;
  }

  /** The password a connection signs in with, decrypted on demand; older key versions are re-encrypted lazily. */
  async #passwordFor(row: ConnectionRow, change: PasswordChange): Promise<string | undefined> {
    if (change.action === 'set') return change.value;
    if (change.action === 'clear' || row.password_secret === null) return undefined;
    const place = passwordPlace(row.org_id, row.id);
    let decrypted;
    try {
      decrypted = this.keyring.decryptSecret(row.password_secret, place);
    } catch (error) {
      if (!(error instanceof SecretKeyringError)) throw error;
      throw new TcError(
        'secret_unavailable',
        `The password of connection "${row.name}" cannot be decrypted: ${error.message}. ` +
          (error.reason === 'unknown_version'
            ? 'Add that key back to TC_SECRET_KEYS, or enter the password again.'
            : 'Enter the password again.'),
      );
    }
    if (decrypted.needsRotation) {
      await this.#reencrypt(place, row.password_secret, decrypted.plaintext).catch((error: unknown) => this.reportError(error));
    }
    return decrypted.plaintext;
  }

  /** Writes the newest-key ciphertext only where the old one is still stored, so a concurrent edit wins. */
  async #reencrypt(place: SecretPlace, stored: string, plaintext: string): Promise<boolean> {
    const fresh = this.keyring.encryptSecret(plaintext, place);
    const rows = await this.store.query(
      'update connections set password_secret = $1 where org_id = $2 and id = $3 and password_secret = $4 returning id',
      [fresh, place.orgId, place.connectionId, stored],
    );
    return rows.length === 1;
  }

  async #probe(settings: ConnectionSettings, password: string | undefined): Promise<ConnectionTestResult> {
    const started = performance.now();
    const client = new pg.Client(targetClientConfig(settings, password));
    client.on('error', () => {});
    try {
      await client.connect();
      const { rows } = await client.query<{ server_version: string }>('show server_version');
      return { ok: true, latencyMs: Math.round(performance.now() - started), serverVersion: rows[0]!.server_version };
    } catch (error) {
      return { ok: false, ...classifyConnectFailure(error, settings) };
    } finally {
      await client.end().catch(() => {});
    }
  }

  async #probeSample(): Promise<ConnectionTestResult> {
    const started = performance.now();
    const [row] = await this.store.query<{ server_version: string }>('show server_version');
    return { ok: true, latencyMs: Math.round(performance.now() - started), serverVersion: row!.server_version };
  }
}
