import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startProcessGroup } from './process-group.ts';

export const REPO_ROOT = new URL('../../', import.meta.url).pathname;

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  port: number;
  dataDir: string;
  /** Everything the process printed so far. */
  output(): string;
  stop(): Promise<number | null>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts `packages/server/src/main.ts` as a real process (its own process group, so stop() ends it and any
 * children) and resolves once it logs that it listens.
 */
export async function startServerProcess(env: Record<string, string> = {}, timeoutMs = 30_000): Promise<ServerProcess> {
  const port = Number(env.PORT ?? (await freePort()));
  const dataDir = env.TC_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'tc-embed-proc-'));
  const started = await startProcessGroup({
    name: 'server',
    args: ['--import', 'tsx', join(REPO_ROOT, 'packages/server/src/main.ts')],
    cwd: REPO_ROOT,
    env: { ...process.env, NODE_ENV: 'development', TC_LOG_LEVEL: 'info', ...env, PORT: String(port), TC_DATA_DIR: dataDir, HOST: '127.0.0.1' },
    readyWhen: (output) => (output.includes('tc-embed listening') ? 'listening' : undefined),
    timeoutMs,
  });
  return { child: started.child, port, url: `http://127.0.0.1:${port}`, dataDir, output: started.output, stop: started.stop };
}
