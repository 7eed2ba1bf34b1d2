#!/usr/bin/env node
// `npm start`: the tc-embed server on the embedded store, plus the demo host app when it is present.
// Builds the workspaces first unless every build output is newer than its sources (`npm start -- --build` or
// TC_FORCE_BUILD=1 always builds). Ctrl-C / SIGTERM stop the children gracefully and wait for them.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
/** How long the children get to finish after SIGTERM before SIGKILL (the server drains requests, closes PGlite). */
const STOP_GRACE_MS = 10_000;
/** What a workspace build reads: sources, static assets and build configs (not tests, docs or the host's server). */
const BUILD_INPUT = /^(src|app|lib|public|scripts|index\.html|(vite|next|custom-elements-manifest)\.config\.[cm]?[jt]s|tsconfig(\.[\w-]+)?\.json)$/;

/** The newest modification time of a file, or of anything under a folder; 0 for an empty folder. */
function newestMtime(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

/** Why a workspace needs building, or undefined when its output is newer than every input. */
function staleReason(workspace, buildScript) {
  const dir = join(root, workspace);
  const outputName = /\bnext build\b/.test(buildScript) ? '.next' : 'dist';
  const output = join(dir, outputName);
  if (!existsSync(output)) return `${workspace}: no ${outputName}/`;
  const inputs = readdirSync(dir).filter((name) => BUILD_INPUT.test(name));
  const newestInput = Math.max(0, ...inputs.map((name) => newestMtime(join(dir, name))));
  if (newestMtime(output) < newestInput) return `${workspace}: sources changed since the last build`;
  return undefined;
}

function staleWorkspaces() {
  const { workspaces = [] } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  return workspaces.flatMap((workspace) => {
    const manifest = join(root, workspace, 'package.json');
    const buildScript = existsSync(manifest) ? JSON.parse(readFileSync(manifest, 'utf8')).scripts?.build : undefined;
    const reason = buildScript ? staleReason(workspace, buildScript) : undefined;
    return reason ? [reason] : [];
  });
}

// The server serves what the workspaces build (embed.js and its chunks, the console). Any stale workspace means a
// full build: workspaces consume each other's output (react wraps the elements), so a partial one could mix versions.
const forced = process.argv.slice(2).includes('--build') || process.env.TC_FORCE_BUILD === '1';
const stale = forced ? [] : staleWorkspaces();
if (forced || stale.length > 0) {
  const why = forced ? 'asked for with --build or TC_FORCE_BUILD=1' : stale.join('; ');
  process.stdout.write(`npm start: building the workspaces (${why}).\n`);
  const build = spawnSync('npm', ['run', 'build', '--workspaces', '--if-present'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) {
    process.stderr.write(`The build failed (exit ${build.status ?? build.signal}); fix it, or run \`npm run build\` to see why.\n`);
    process.exit(build.status ?? 1);
  }
} else {
  process.stdout.write('npm start: reused the build (every workspace output is newer than its sources; `npm start -- --build` rebuilds).\n');
}

/** @type {{ name: string, child: import('node:child_process').ChildProcess, exited: Promise<boolean> }[]} */
const children = [];
let stopping = false;

function start(name, entry) {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], { cwd: root, stdio: 'inherit' });
  const exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      const clean = code === 0 && signal === null;
      if (!stopping) {
        process.stderr.write(`${name} stopped (${signal ?? `exit ${code}`}); stopping the rest.\n`);
        void stopAll(code || 1);
      } else if (!clean) {
        process.stderr.write(`${name} did not stop cleanly (${signal ?? `exit ${code}`}).\n`);
      }
      resolve(clean);
    });
  });
  children.push({ name, child, exited });
}

function isRunning(child) {
  return child.exitCode === null && child.signalCode === null;
}

/** SIGTERM to every child, SIGKILL to those still running after the grace period; exits once all have exited. */
async function stopAll(exitCode) {
  if (stopping) return;
  stopping = true;
  for (const { child } of children) if (isRunning(child)) child.kill('SIGTERM');
  const killTimer = setTimeout(() => {
    for (const { name, child } of children) {
      if (!isRunning(child)) continue;
      process.stderr.write(`${name} did not stop within ${STOP_GRACE_MS / 1000} s; killing it.\n`);
      child.kill('SIGKILL');
    }
  }, STOP_GRACE_MS);
  const allClean = (await Promise.all(children.map(({ exited }) => exited))).every(Boolean);
  clearTimeout(killTimer);
  process.exit(exitCode !== 0 ? exitCode : allClean ? 0 : 1);
}

start('tc-embed server', 'packages/server/src/main.ts');
if (existsSync(join(root, 'demo/server.ts'))) start('demo host', 'demo/server.ts');
process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));
