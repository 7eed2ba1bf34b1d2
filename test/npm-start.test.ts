import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { startProcessGroup, type ProcessGroup } from './helpers/process-group.ts';
import { freePort, REPO_ROOT } from './helpers/server-process.ts';

/**
 * `npm start` as a user runs it (`node scripts/start.mjs`, what the npm script calls), on a fresh data dir and free
 * ports: the server and the demo host answer, the demo page loads embed.js from the server, and Ctrl-C stops
 * everything cleanly. `npm test` builds before this suite, so start.mjs must reuse that build rather than rebuild.
 */

const EXIT_WITHIN_MS = 15_000;

async function answers(url: string): Promise<boolean> {
  const response = await fetch(url);
  await response.body?.cancel();
  return response.ok;
}

/** Waits a moment for the group to empty: tsx's esbuild helper leaves once its parent's pipe closes, just after it. */
async function groupEmptied(group: ProcessGroup, withinMs = 3000): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (group.groupAlive() && Date.now() < deadline) await new Promise((resume) => setTimeout(resume, 50));
  return !group.groupAlive();
}

function listGroup(groupId: number): string {
  return spawnSync('ps', ['-o', 'pid,args', '-g', String(groupId)], { encoding: 'utf8' }).stdout ?? '';
}

describe('npm start', { timeout: 150_000 }, () => {
  it('reuses a fresh build, serves the demo with embed.js from the server, and stops cleanly on Ctrl-C', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tc-embed-npm-start-'));
    const [serverPort, demoPort] = [await freePort(), await freePort()];
    const serverUrl = `http://127.0.0.1:${serverPort}`;
    const demoUrl = `http://localhost:${demoPort}`;
    const started = await startProcessGroup({
      name: 'npm start',
      args: [join(REPO_ROOT, 'scripts/start.mjs')],
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        NODE_ENV: 'development',
        TC_FORCE_BUILD: '',
        TC_DATA_DIR: dataDir,
        PORT: String(serverPort),
        HOST: '127.0.0.1',
        TC_ADMIN_PASSWORD: 'npm start smoke password',
        TC_DEMO_PORT: String(demoPort),
        TC_DEMO_SECOND_PORT: '0',
      },
      readyProbe: async () => (await answers(`${serverUrl}/healthz`)) && (await answers(demoUrl)),
      timeoutMs: 90_000,
    });
    const { child } = started;
    try {
      assert.match(started.output(), /npm start: reused the build/, `start.mjs rebuilt instead of reusing npm test's build:\n${started.output()}`);

      const page = await (await fetch(demoUrl)).text();
      const embedSrc = /<script[^>]+src="([^"]+\/embed\/embed\.js)"/.exec(page)?.[1];
      assert.ok(embedSrc, `the demo page loads no embed.js:\n${page}`);
      assert.equal(new URL(embedSrc).port, String(serverPort), 'the demo page loads embed.js from the tc-embed server');
      const embed = await fetch(embedSrc);
      assert.equal(embed.status, 200);
      assert.match(embed.headers.get('content-type') ?? '', /javascript/);
      assert.ok((await embed.text()).length > 0);

      const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
      const signalledAt = Date.now();
      child.kill('SIGINT');
      const timeout = new Promise<never>((_, reject) => {
        setTimeout(() => reject(new Error(`npm start still ran ${EXIT_WITHIN_MS} ms after SIGINT:\n${started.output()}`)), EXIT_WITHIN_MS).unref();
      });
      const [code, signal] = await Promise.race([exited, timeout]);
      assert.ok(Date.now() - signalledAt < EXIT_WITHIN_MS);
      assert.deepEqual({ code, signal }, { code: 0, signal: null }, started.output());
      assert.match(started.output(), /shutting down: finishing in-flight requests/, 'the server was asked to stop gracefully');
      const leftRunning = (await groupEmptied(started)) ? '' : listGroup(child.pid!);
      assert.equal(leftRunning, '', `processes npm start started are still running:\n${leftRunning}\n${started.output()}`);
    } finally {
      await started.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
