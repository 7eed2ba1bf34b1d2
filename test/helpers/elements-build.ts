import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './server-process.ts';

const ELEMENTS_DIR = join(REPO_ROOT, 'packages/elements');

function newestSourceTime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newestSourceTime(join(path, name))));
}

/** Builds embed.js when it is missing or older than its sources, so a test file runs on its own too. */
export function ensureElementsBuilt(): void {
  const bundle = join(ELEMENTS_DIR, 'dist/embed.js');
  const sources = ['src', 'vite.config.mjs', 'scripts'].map((name) => join(ELEMENTS_DIR, name)).filter(existsSync);
  if (existsSync(bundle) && statSync(bundle).mtimeMs >= Math.max(...sources.map(newestSourceTime))) return;
  const result = spawnSync(process.execPath, [join(REPO_ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], {
    cwd: ELEMENTS_DIR,
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`the elements build failed:\n${result.stdout}${result.stderr}`);
}
