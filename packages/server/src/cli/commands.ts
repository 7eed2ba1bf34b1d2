import { parseArgs } from 'node:util';
import { ATTRIBUTE_TYPES } from '../attributes/service.ts';
import { TcError } from '../errors.ts';
import type { Services } from '../services.ts';
import { CONNECTION_OPTIONS, CONNECTION_USAGE, registerConnectionCommands } from './connection-commands.ts';
import { DATASET_OPTIONS, DATASET_USAGE, registerDatasetCommands } from './dataset-commands.ts';

export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export class UsageError extends Error {
  override name = 'UsageError';
}

export const USAGE = `Usage: tc-embed <command> [options]

Commands:
  serve                                   start the server (same as npm start)
  migrate                                 apply pending database migrations
  api-keys create --name NAME [--org ORG] create an API key; the key is printed once
  api-keys list [--org ORG]               list API keys (prefix and last four only)
  api-keys revoke ID [--org ORG]          revoke an API key and every token it minted
  origins add URL | list | remove URL     manage authorized origins
  attributes add NAME --type TYPE         register a token attribute (${ATTRIBUTE_TYPES.join('|')})
  attributes list | remove NAME           list or remove token attributes
  token introspect TOKEN                  show a token's claims and expiry, or why it is invalid
${CONNECTION_USAGE}
${DATASET_USAGE}

Options:
  --org ORG    organization id (default: the only organization)
  --json       machine-readable output
  --help       this text`;

/** Commands that need the store directly (never forwarded to a running server). */
export const LOCAL_COMMANDS = new Set(['serve', 'migrate']);

export type Handler = (args: {
  services: Services;
  orgId: () => Promise<string>;
  positionals: string[];
  values: Record<string, string | boolean | undefined>;
}) => Promise<{ json: unknown; text: string; exitCode?: number }>;

function table(rows: Record<string, unknown>[], columns: string[]): string {
  if (rows.length === 0) return '(none)';
  const cells = rows.map((row) => columns.map((column) => String(row[column] ?? '')));
  const widths = columns.map((column, i) => Math.max(column.length, ...cells.map((row) => row[i]!.length)));
  const line = (values: string[]) => values.map((value, i) => value.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(columns), ...cells.map(line)].join('\n');
}

function requireArg(value: string | undefined, what: string): string {
  if (value === undefined || value === '') throw new UsageError(`${what} is required.`);
  return value;
}

const HANDLERS: Record<string, Handler> = {
  'api-keys create': async ({ services, orgId, values }) => {
    const name = values.name;
    if (typeof name !== 'string' || name.trim() === '') throw new UsageError('--name is required: tc-embed api-keys create --name "Production backend"');
    const created = await services.apiKeys.create(await orgId(), name);
    const json = { id: created.id, name: created.name, key: created.key, prefix: created.prefix, createdAt: created.createdAt };
    return { json, text: JSON.stringify(json, null, 2) };
  },
  'api-keys list': async ({ services, orgId }) => {
    const keys = await services.apiKeys.list(await orgId());
    const rows = keys.map((key) => ({ ...key, lastFour: `…${key.lastFour}`, status: key.revokedAt ? 'revoked' : 'active' }));
    return { json: keys, text: table(rows, ['id', 'name', 'prefix', 'lastFour', 'createdAt', 'lastUsedAt', 'status']) };
  },
  'api-keys revoke': async ({ services, orgId, positionals }) => {
    const id = requireArg(positionals[0], 'The API key id (tc-embed api-keys revoke ID)');
    const revoked = await services.apiKeys.revoke(await orgId(), id);
    return { json: revoked, text: `Revoked API key ${revoked.id} (${revoked.name}); its tokens are refused from now on.` };
  },
  'origins add': async ({ services, orgId, positionals }) => {
    const added = await services.origins.add(await orgId(), requireArg(positionals[0], 'The origin (tc-embed origins add https://app.example.com)'));
    const note = added.origin !== added.normalizedFrom ? ` (normalised from "${added.normalizedFrom}")` : '';
    return { json: added, text: `Authorized origin ${added.origin}${note}.` };
  },
  'origins list': async ({ services, orgId }) => {
    const origins = await services.origins.list(await orgId());
    return { json: origins, text: table(origins as unknown as Record<string, unknown>[], ['origin', 'createdAt']) };
  },
  'origins remove': async ({ services, orgId, positionals }) => {
    const origin = requireArg(positionals[0], 'The origin (tc-embed origins remove https://app.example.com)');
    await services.origins.remove(await orgId(), origin);
    return { json: { removed: origin }, text: `Removed authorized origin ${origin}.` };
  },
  'attributes add': async ({ services, orgId, positionals, values }) => {
    const name = requireArg(positionals[0], 'The attribute name (tc-embed attributes add region --type string)');
    if (typeof values.type !== 'string') throw new UsageError(`--type is required: one of ${ATTRIBUTE_TYPES.join(', ')}.`);
    const added = await services.attributes.add(await orgId(), { name, type: values.type, description: values.description ?? '' });
    return { json: added, text: `Registered token attribute ${added.name} (${added.type}).` };
  },
  'attributes list': async ({ services, orgId }) => {
    const attributes = await services.attributes.list(await orgId());
    return { json: attributes, text: table(attributes as unknown as Record<string, unknown>[], ['name', 'type', 'description']) };
  },
  'attributes remove': async ({ services, orgId, positionals }) => {
    const name = requireArg(positionals[0], 'The attribute name');
    await services.attributes.remove(await orgId(), name);
    return { json: { removed: name }, text: `Removed token attribute ${name}.` };
  },
  'token introspect': async ({ services, positionals }) => {
    const result = await services.tokens.introspect(requireArg(positionals[0], 'The token (tc-embed token introspect TOKEN)'));
    if (!result.valid && !result.claims) throw new TcError('invalid_token', result.message ?? 'The token is invalid.');
    return { json: result, text: JSON.stringify(result, null, 2) };
  },
};

/** Registered by later subsystems (secrets rotate). */
export function registerCommand(name: string, handler: Handler): void {
  HANDLERS[name] = handler;
}

registerConnectionCommands({ register: registerCommand, UsageError, table });
registerDatasetCommands({ register: registerCommand, UsageError, table });

/**
 * Runs one CLI command against the services, returning what to print. Pure of process state, so a running
 * server can execute commands forwarded by the CLI (the embedded store has one owner at a time).
 */
export async function runCommand(argv: readonly string[], services: Services): Promise<CommandResult> {
  let json = false;
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        name: { type: 'string' },
        org: { type: 'string' },
        type: { type: 'string' },
        description: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        ...CONNECTION_OPTIONS,
        ...DATASET_OPTIONS,
      },
    });
    json = values.json === true;
    if (values.help || positionals.length === 0) return { exitCode: positionals.length === 0 && !values.help ? 2 : 0, stdout: `${USAGE}\n`, stderr: '' };
    const [group, action, ...rest] = positionals;
    const handler = HANDLERS[`${group} ${action}`];
    if (!handler) throw new UsageError(`Unknown command "${[group, action].filter(Boolean).join(' ')}". Run tc-embed --help.`);
    const orgId = async () => (await services.organizations.resolve(values.org)).id;
    const output = await handler({ services, orgId, positionals: rest, values });
    return { exitCode: output.exitCode ?? 0, stdout: `${json ? JSON.stringify(output.json, null, 2) : output.text}\n`, stderr: '' };
  } catch (error) {
    const message =
      error instanceof TcError || error instanceof UsageError
        ? error.message
        : error instanceof TypeError && (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
          ? `${error.message}. Run tc-embed --help.`
          : undefined;
    if (message === undefined) throw error;
    const code = error instanceof TcError ? error.code : 'usage';
    return {
      exitCode: error instanceof UsageError || code === 'usage' ? 2 : 1,
      stdout: '',
      stderr: json ? `${JSON.stringify({ error: { code, message } })}\n` : `tc-embed: ${message}\n`,
    };
  }
}
