import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ensureElementsBuilt } from './elements-build.ts';
import { startProcessGroup } from './process-group.ts';
import { REPO_ROOT, type ServerProcess } from './server-process.ts';

/**
 * What the integrator-kit tests share: building the published packages the way `npm run build` does, building
 * and type-checking a quick-start example, authorizing its origin with the CLI, and running its server.
 */

const TSC = join(REPO_ROOT, 'node_modules/typescript/bin/tsc');
const VITE = join(REPO_ROOT, 'node_modules/vite/bin/vite.js');
const NEXT = join(REPO_ROOT, 'node_modules/next/dist/bin/next');
// Next.js reports usage to its servers unless told not to; these machines reach no such server.
const NEXT_ENV = { NEXT_TELEMETRY_DISABLED: '1' };

function newestTime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newestTime(join(path, name))));
}

function run(command: string, args: string[], cwd: string, env: Record<string, string> = {}): void {
  const result = spawnSync(process.execPath, [command, ...args], { cwd, env: { ...process.env, ...env }, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${args.join(' ')} failed in ${cwd}:\n${result.stdout}${result.stderr}`);
}

/** Runs a package's tsc build when its output is missing or older than its sources (and tsconfig). */
function buildWithTsc(packageDir: string, output: string): void {
  const sources = ['src', 'tsconfig.build.json', 'tsconfig.json'].map((name) => join(packageDir, name)).filter(existsSync);
  const built = join(packageDir, output);
  if (existsSync(built) && statSync(built).mtimeMs >= Math.max(...sources.map(newestTime))) return;
  run(TSC, ['-p', 'tsconfig.build.json'], packageDir);
}

/**
 * @tc-embed/node, @tc-embed/elements (bundle and types) and @tc-embed/react, built as published: examples import
 * them by package name, exactly as an integrator's app does.
 */
export function ensurePackagesBuilt(): void {
  ensureElementsBuilt();
  buildWithTsc(join(REPO_ROOT, 'packages/elements'), 'dist/types/index.d.ts');
  buildWithTsc(join(REPO_ROOT, 'packages/node'), 'dist/index.js');
  buildWithTsc(join(REPO_ROOT, 'packages/react'), 'dist/index.js');
}

export const exampleDir = (name: string): string => join(REPO_ROOT, 'demo/examples', name);

/** `vite build` of a Vite project, with the tc-embed server URL in its environment as VITE_TC_EMBED_URL. */
export function viteBuild(projectDir: string, serverUrl: string, extraArgs: string[] = []): void {
  run(VITE, ['build', '--logLevel', 'warn', ...extraArgs], projectDir, { VITE_TC_EMBED_URL: serverUrl });
}

/**
 * `next build` of a Next.js app, as its `npm run build` does: it also type-checks the app (failing on an error),
 * with the tc-embed server URL inlined as NEXT_PUBLIC_TC_EMBED_URL.
 */
export function nextBuild(projectDir: string, serverUrl: string): void {
  run(NEXT, ['build'], projectDir, { ...NEXT_ENV, NEXT_PUBLIC_TC_EMBED_URL: serverUrl });
}

/** The project's own `tsc --noEmit` (or vue-tsc, which also checks .vue templates), against the published types. */
export function typecheck(projectDir: string, checker: 'tsc' | 'vue-tsc' = 'tsc'): void {
  run(checker === 'tsc' ? TSC : join(REPO_ROOT, 'node_modules/vue-tsc/bin/vue-tsc.js'), ['-p', 'tsconfig.json', '--noEmit'], projectDir);
}

/** As an operator would: `tc-embed origins add <origin>` against the running server's data dir. */
export function authorizeOrigin(server: ServerProcess, origin: string): void {
  run(join(REPO_ROOT, 'packages/server/bin/tc-embed.js'), ['origins', 'add', origin], REPO_ROOT, {
    TC_DATA_DIR: server.dataDir,
    PORT: String(server.port),
  });
}

/** The API key the server's first start wrote for the demo organization. */
export function demoApiKey(server: ServerProcess): string {
  return readFileSync(join(server.dataDir, 'demo-api-key'), 'utf8').trim();
}

export interface RunningExample {
  url: string;
  output(): string;
  stop(): Promise<number | null>;
}

/** `next start` of a built Next.js example (its `npm start`), on the given port; resolves once it serves. */
export async function startNextExample(name: string, port: number, env: Record<string, string>): Promise<RunningExample> {
  const started = await startProcessGroup({
    name: `example ${name} (next start)`,
    args: [NEXT, 'start', '--port', String(port)],
    cwd: exampleDir(name),
    env: { ...process.env, ...NEXT_ENV, ...env },
    readyWhen: (output) => (/Ready in/.test(output) ? `http://localhost:${port}` : undefined),
    timeoutMs: 30_000,
  });
  return { url: started.ready, output: started.output, stop: started.stop };
}

/** Starts an example's server.ts (from its own directory, as `npm start -w …` does) and waits until it listens. */
export async function startExample(name: string, env: Record<string, string>): Promise<RunningExample> {
  const started = await startProcessGroup({
    name: `example ${name}`,
    args: ['--import', 'tsx', 'server.ts'],
    cwd: exampleDir(name),
    env: { ...process.env, ...env },
    readyWhen: (output) => /on (http:\/\/localhost:\d+)/.exec(output)?.[1],
    timeoutMs: 20_000,
  });
  return { url: started.ready, output: started.output, stop: started.stop };
}
