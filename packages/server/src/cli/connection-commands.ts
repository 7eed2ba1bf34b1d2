import type { PublicConnection } from '../connections/service.ts';
import type { Handler, UsageError } from './commands.ts';

/** What commands.ts hands over, so this module needs nothing from it at run time (no import cycle). */
export interface CommandKit {
  register(name: string, handler: Handler): void;
  UsageError: typeof UsageError;
  table(rows: Record<string, unknown>[], columns: string[]): string;
}

/** The options these commands add to the CLI's parser. */
export const CONNECTION_OPTIONS = {
  host: { type: 'string' },
  port: { type: 'string' },
  database: { type: 'string' },
  user: { type: 'string' },
  password: { type: 'string' },
  'password-stdin': { type: 'boolean' },
  'clear-password': { type: 'boolean' },
  'ssl-mode': { type: 'string' },
  'statement-timeout-ms': { type: 'string' },
  'max-rows': { type: 'string' },
} as const;

export const CONNECTION_USAGE = `  connections add --name N --host H --database D --user U [--port P] [--password-stdin | --password P]
                  [--ssl-mode disable|require|verify-full] [--statement-timeout-ms MS] [--max-rows N]
                                          add a PostgreSQL connection (the password is stored encrypted)
  connections list                        list connections (passwords masked)
  connections update ID [same options] [--clear-password]
                                          change a connection; the password is kept unless given or cleared
  connections test ID | connections test --host H --database D --user U …
                                          connect and report latency and server version, or why it failed
  connections remove ID                   remove a connection
  secrets rotate                          re-encrypt stored connection secrets under the newest key`;

type Values = Parameters<Handler>[0]['values'];

/** `--port 5432` → 5432; anything else passes through so validation names the field. */
function numberFlag(value: string | boolean | undefined): unknown {
  if (typeof value !== 'string') return undefined;
  return /^[0-9]{1,9}$/.test(value) ? Number(value) : value;
}

function connectionBody(values: Values, kit: CommandKit): Record<string, unknown> {
  if (values['password-stdin'] === true) {
    // main.ts replaces --password-stdin with what it read before running or forwarding the command.
    throw new kit.UsageError('--password-stdin is read by the tc-embed command itself; pipe the password into it: printf %s "$PW" | tc-embed connections add … --password-stdin');
  }
  if (values['clear-password'] === true && values.password !== undefined) {
    throw new kit.UsageError('Give either --password/--password-stdin or --clear-password, not both.');
  }
  const body: Record<string, unknown> = {
    name: values.name,
    host: values.host,
    port: numberFlag(values.port),
    database: values.database,
    user: values.user,
    password: values['clear-password'] === true ? null : values.password,
    sslMode: values['ssl-mode'],
    statementTimeoutMs: numberFlag(values['statement-timeout-ms']),
    maxRows: numberFlag(values['max-rows']),
  };
  return Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined));
}

function describe(connection: PublicConnection): string {
  if (connection.builtIn) return `${connection.id} "${connection.name}" (built in, read-only)`;
  const password = connection.passwordSet ? `password ${connection.password}` : 'no password';
  return `${connection.id} "${connection.name}" (${connection.user}@${connection.host}:${connection.port}/${connection.database}, sslMode ${connection.sslMode}, ${password})`;
}

export function registerConnectionCommands(kit: CommandKit): void {
  const requireId = (id: string | undefined, example: string): string => {
    if (id === undefined || id === '') throw new kit.UsageError(`The connection id is required: ${example}`);
    return id;
  };

  kit.register('connections add', async ({ services, orgId, values }) => {
    if (typeof values.name !== 'string') throw new kit.UsageError('--name is required: tc-embed connections add --name Warehouse --host db.example.com --database sales --user reader --password-stdin');
    const created = await services.connections.create(await orgId(), connectionBody(values, kit));
    return { json: created, text: `Added connection ${describe(created)}.\nTry it: tc-embed connections test ${created.id}` };
  });

  kit.register('connections list', async ({ services, orgId }) => {
    const connections = await services.connections.list(await orgId());
    const rows = connections.map((connection) => ({
      ...connection,
      port: connection.port ?? '',
      password: connection.builtIn ? '' : (connection.password ?? '(none)'),
    }));
    return { json: connections, text: kit.table(rows, ['id', 'name', 'kind', 'host', 'port', 'database', 'user', 'password', 'sslMode']) };
  });

  kit.register('connections update', async ({ services, orgId, positionals, values }) => {
    const id = requireId(positionals[0], 'tc-embed connections update ID --host new-host.example.com');
    const updated = await services.connections.update(await orgId(), id, connectionBody(values, kit));
    return { json: updated, text: `Updated connection ${describe(updated)}.` };
  });

  kit.register('connections test', async ({ services, orgId, positionals, values }) => {
    const id = positionals[0];
    const result = id
      ? await services.connections.test(await orgId(), { connectionId: id })
      : await services.connections.test(await orgId(), { draft: connectionBody(values, kit) });
    const text = result.ok
      ? `OK: connected in ${result.latencyMs} ms; server version ${result.serverVersion}.`
      : `Connection failed (${result.reason}): ${result.message}`;
    return { json: result, text, exitCode: result.ok ? 0 : 1 };
  });

  kit.register('connections remove', async ({ services, orgId, positionals }) => {
    const id = requireId(positionals[0], 'tc-embed connections remove ID');
    const removed = await services.connections.remove(await orgId(), id);
    return { json: removed, text: `Removed connection ${removed.removed}.` };
  });

  kit.register('secrets rotate', async ({ services }) => {
    const report = await services.connections.rotateSecrets();
    const lines = [
      `Re-encrypted under ${services.config.secretKeys[0]!.version}: ${report.rotated} rotated, ${report.alreadyCurrent} already current, ${report.failed} failed.`,
      ...report.failures.map((failure) => `  ${failure.connectionId} "${failure.name}" (organization ${failure.orgId}): ${failure.message}`),
    ];
    if (report.failed > 0) lines.push('Keep the older keys in TC_SECRET_KEYS until these are fixed (restore the key, or enter the passwords again).');
    return { json: report, text: lines.join('\n'), exitCode: report.failed > 0 ? 1 : 0 };
  });
}
