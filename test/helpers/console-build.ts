import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './server-process.ts';

const CONSOLE_DIR = join(REPO_ROOT, 'packages/console');

function newestSourceTime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newestSourceTime(join(path, name))));
}

/** Builds the console when its dist is missing or older than its sources, so a test file runs on its own too. */
export function ensureConsoleBuilt(): void {
  const index = join(CONSOLE_DIR, 'dist/index.html');
  const sources = ['src', 'public', 'index.html', 'vite.config.ts'].map((name) => join(CONSOLE_DIR, name)).filter(existsSync);
  if (existsSync(index) && statSync(index).mtimeMs >= Math.max(...sources.map(newestSourceTime))) return;
  const result = spawnSync(process.execPath, [join(REPO_ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], {
    cwd: CONSOLE_DIR,
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`the console build failed:\n${result.stdout}${result.stderr}`);
}
