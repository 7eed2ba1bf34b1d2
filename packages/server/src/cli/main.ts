import { ConfigError, loadConfig } from '../config.ts';
import { runServe } from '../serve-command.ts';
import { PostgresChangeRelay } from '../events/postgres-change-relay.ts';
import { createServices } from '../services.ts';
import { DataDirBusyError } from '../store/data-dir-lock.ts';
import { openConfiguredStore } from '../store/open.ts';
import { runCommand, USAGE, type CommandResult } from './commands.ts';
import { forwardToRunningServer } from './control-channel.ts';
import { absoluteFileOption } from './file-option.ts';
import { readSecretFromStdin, resolvePasswordStdin } from './password-stdin.ts';

function finish(result: CommandResult): never {
  if (result.stdout) process.stdout.write(result.stdout);
  if (result.stderr) process.stderr.write(result.stderr);
  process.exit(result.exitCode);
}

function fail(message: string): never {
  process.stderr.write(`tc-embed: ${message}\n`);
  process.exit(1);
}

/** `npx tc-embed …`: forwarded to a running server when there is one, else run against the store directly. */
export async function runCli(argv: string[]): Promise<void> {
  const command = argv.find((arg) => !arg.startsWith('-'));
  if (argv.length === 0 || argv.includes('--help') || argv.includes('-h')) {
    finish({ exitCode: argv.length === 0 ? 2 : 0, stdout: `${USAGE}\n`, stderr: '' });
  }
  if (command === 'serve') return runServe();

  try {
    argv = await resolvePasswordStdin(argv, () => readSecretFromStdin());
  } catch (error) {
    fail((error as Error).message);
  }
  argv = absoluteFileOption(argv, process.cwd());

  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }

  if (command !== 'migrate') {
    const forwarded = await forwardToRunningServer(config.dataDir, argv);
    if (forwarded) finish(forwarded);
  }

  let opened;
  try {
    opened = await openConfiguredStore(config, `tc-embed ${command ?? ''}`.trim());
  } catch (error) {
    if (error instanceof DataDirBusyError) fail(error.message);
    fail(`cannot open the store: ${(error as Error).message}`);
  }
  const services = createServices(config, opened.store);
  // Changes made here must reach running instances' caches (PostgreSQL NOTIFY).
  const relay = config.databaseUrl ? new PostgresChangeRelay(config.databaseUrl, opened.store, services.bus) : undefined;
  await relay?.start();
  let result: CommandResult;
  try {
    if (command === 'migrate') {
      const applied = opened.migrationsApplied;
      result = {
        exitCode: 0,
        stdout: argv.includes('--json')
          ? `${JSON.stringify({ applied })}\n`
          : applied.length ? `Applied ${applied.join(', ')}.\n` : 'The database is up to date.\n',
        stderr: '',
      };
    } else {
      result = await runCommand(argv, services);
    }
  } finally {
    await relay?.stop();
    await services.close();
    await opened.store.close();
    opened.lock?.release();
  }
  finish(result);
}

await runCli(process.argv.slice(2));
