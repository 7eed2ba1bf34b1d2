import { execFile, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { startProcessGroup } from '../../../../test/helpers/process-group.ts';
import { TEST_DATABASE_URL, TEST_STORE_KIND } from './test-store.ts';

// One free-port probe for every process test in the repository.
export { freePort } from '../../../../test/helpers/server-process.ts';

export const REPO_ROOT = new URL('../../../../', import.meta.url).pathname;
export const CLI_BIN = 'packages/server/bin/tc-embed.js';

/** The environment of a tc-embed process: only what the test sets, none of the caller's TC_* or DATABASE_URL. */
export function processEnv(vars: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('TC_') && name !== 'DATABASE_URL' && name !== 'NODE_ENV' && name !== 'PORT' && name !== 'HOST') env[name] = value;
  }
  return { ...env, ...vars };
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `node packages/server/bin/tc-embed.js …args` from the repository root, as a user would. */
export function runCli(args: string[], env: NodeJS.ProcessEnv, command: string[] = [process.execPath, CLI_BIN]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(command[0]!, [...command.slice(1), ...args], { cwd: REPO_ROOT, env, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

export interface ServerProcess {
  child: ChildProcess;
  output(): string;
  /** SIGTERM to the process group; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Starts `node --import tsx packages/server/src/main.ts` in its own process group and waits until /readyz answers.
 */
export async function startServerProcess(env: NodeJS.ProcessEnv, port: number): Promise<ServerProcess> {
  const started = await startProcessGroup({
    name: `the server on port ${port}`,
    args: ['--import', 'tsx', 'packages/server/src/main.ts'],
    cwd: REPO_ROOT,
    env,
    // The tests run it at log level warn, so it says nothing when ready: ask /readyz.
    readyProbe: async () => (await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(2000) })).ok,
    timeoutMs: 90_000,
    killAfterMs: 15_000,
  });
  return { child: started.child, output: started.output, stop: started.stop };
}

export interface ProcessStore {
  /** Environment that points tc-embed at this store (DATABASE_URL for PostgreSQL; the data dir alone for PGlite). */
  env: Record<string, string>;
  drop(): Promise<void>;
}

/** A fresh store for processes: PGlite in the data dir, or a database of its own on the test PostgreSQL. */
export async function processStore(): Promise<ProcessStore> {
  if (TEST_STORE_KIND === 'pglite') return { env: {}, drop: async () => {} };
  const name = `tc_cli_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`create database "${name}"`);
  await admin.end();
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    env: { DATABASE_URL: url.toString() },
    async drop() {
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      await client.query(`drop database if exists "${name}" with (force)`);
      await client.end();
    },
  };
}
