#!/usr/bin/env node
// `npm start`: the tc-embed server on the embedded store, plus the demo host app when it is present.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const root = new URL('..', import.meta.url).pathname;
const children = [];

function start(name, entry, env = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: 'inherit',
  });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      process.stderr.write(`${name} stopped (${signal ?? `exit ${code}`}); stopping the rest.\n`);
      stop(code ?? 1);
    }
  });
  children.push(child);
  return child;
}

let stopping = false;
function stop(code = 0) {
  stopping = true;
  for (const child of children) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 200).unref();
}

// The server serves what the workspaces build (embed.js and its chunks, the console): build them first.
const build = spawnSync('npm', ['run', 'build', '--workspaces', '--if-present'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) {
  process.stderr.write(`The build failed (exit ${build.status ?? build.signal}); fix it, or run \`npm run build\` to see why.\n`);
  process.exit(build.status ?? 1);
}

start('tc-embed server', 'packages/server/src/main.ts');
if (existsSync(new URL('../demo/server.ts', import.meta.url))) start('demo host', 'demo/server.ts');
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
