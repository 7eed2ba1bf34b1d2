#!/usr/bin/env node
// `npm test`: type-check, lint, then every suite; prints one closing "N passed, N failed" line and fails when a
// suite fails, when nothing ran, or when CI lacks a service a suite needs.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const inCi = process.env.CI === 'true' || process.env.CI === '1';
const only = process.argv[2]; // optional: run one suite by name
const reportDir = mkdtempSync(join(tmpdir(), 'tc-embed-test-'));
let passed = 0;
let failed = 0;
let skipped = 0;
const problems = [];

function reachable(host, port, timeoutMs = 1500) {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function testFiles(dir) {
  return readdirSync(join(root, dir))
    .filter((file) => file.endsWith('.test.ts'))
    .sort()
    .map((file) => join(dir, file));
}

function run(name, command, args, { env = {}, cwd = root } = {}) {
  process.stdout.write(`\n━━ ${name} ━━\n`);
  const result = spawnSync(command, args, { cwd, env: { ...process.env, ...env }, stdio: 'inherit' });
  return result.status ?? 1;
}

/** node:test with a TAP copy on disk, so the counts are read rather than trusted from the exit code. */
function nodeSuite(name, files, env = {}, concurrency = 2) {
  if (only && only !== name) return;
  if (files.length === 0) {
    problems.push(`${name}: no test files`);
    return;
  }
  const tap = join(reportDir, `${name.replace(/\W+/g, '-')}.tap`);
  const status = run(name, process.execPath, [
    '--import', 'tsx', '--test', `--test-concurrency=${concurrency}`,
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    '--test-reporter=tap', `--test-reporter-destination=${tap}`,
    ...files,
  ], { env });
  const text = readFileSync(tap, 'utf8');
  const count = (label) => Number((text.match(new RegExp(`^# ${label} (\\d+)$`, 'm')) ?? [])[1] ?? 0);
  const pass = count('pass');
  const fail = count('fail') + count('cancelled');
  passed += pass;
  failed += fail;
  skipped += count('skipped');
  if (pass + fail === 0) problems.push(`${name}: ran no test`);
  if (status !== 0 && fail === 0) problems.push(`${name}: exited with ${status}`);
}

/** web-test-runner in headless Chromium; its counts come from the summary reporter's file, not the exit code. */
function browserSuite(name, cwd) {
  if (only && only !== name) return;
  const summary = join(reportDir, `${name.replace(/\W+/g, '-')}.json`);
  const status = run(name, process.execPath, [join(root, 'node_modules/@web/test-runner/dist/bin.js')], {
    cwd: join(root, cwd),
    env: { TC_WTR_SUMMARY: summary },
  });
  let counts = { passed: 0, failed: 0, skipped: 0 };
  try {
    counts = JSON.parse(readFileSync(summary, 'utf8'));
  } catch {
    problems.push(`${name}: wrote no summary (exit ${status})`);
  }
  passed += counts.passed;
  failed += counts.failed;
  skipped += counts.skipped;
  if (counts.passed + counts.failed === 0) problems.push(`${name}: ran no test`);
  if (status !== 0 && counts.failed === 0) problems.push(`${name}: exited with ${status}`);
}

if (!only || only === 'typecheck') {
  if (run('typecheck', process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json']) !== 0) {
    problems.push('typecheck failed');
  }
  // The elements are browser code with their own compiler settings (DOM, bundler resolution, Lit decorators).
  if (run('typecheck (elements)', process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'packages/elements/tsconfig.json']) !== 0) {
    problems.push('typecheck (elements) failed');
  }
  // The admin console: browser code too, its own settings.
  if (run('typecheck (console)', process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'packages/console/tsconfig.json']) !== 0) {
    problems.push('typecheck (console) failed');
  }
}

// ESLint (eslint.config.js): typescript-eslint recommended everywhere, Lit and Lit a11y rules for the two UIs.
if (!only || only === 'lint') {
  if (run('lint', process.execPath, [join(root, 'node_modules/eslint/bin/eslint.js'), '.']) !== 0) {
    problems.push('lint failed');
  }
}

const serverTests = testFiles('packages/server/test');
nodeSuite('server (PGlite)', serverTests, { TC_TEST_STORE: 'pglite' });

const postgresUrl = process.env.TC_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const postgresTarget = new URL(postgresUrl);
if (await reachable(postgresTarget.hostname, Number(postgresTarget.port || 5432))) {
  nodeSuite('server (PostgreSQL)', serverTests, { TC_TEST_STORE: 'postgres', TC_TEST_DATABASE_URL: postgresUrl });
} else if (inCi) {
  problems.push(`PostgreSQL is not reachable at ${postgresTarget.host}; CI must run the PostgreSQL suite`);
} else if (!only || only === 'server (PostgreSQL)') {
  process.stdout.write(`\n━━ server (PostgreSQL) ━━\nSKIPPED: no PostgreSQL at ${postgresTarget.host} (set TC_TEST_DATABASE_URL); CI runs this suite.\n`);
}

// The server SDK (@tc-embed/node) against a real app on the embedded store, and its compiled package.
nodeSuite('node SDK', testFiles('packages/node/test'), { TC_TEST_STORE: 'pglite' });

// <tc-dashboard>, <tc-ai-assistant> and their session in headless Chromium.
browserSuite('elements (Chromium)', 'packages/elements');

// Cross-package suites: every test/*.test.ts (real processes, browsers, several instances) runs here, one file at
// a time. A new file in test/ is picked up without registering it.
// They drive what the server serves from the workspaces' builds (embed.js, the console): build those first.
if (!only || only === 'end to end (test/)') {
  if (run('build', 'npm', ['run', 'build', '--workspaces', '--if-present']) !== 0) problems.push('build failed: the end-to-end suites need it');
}
nodeSuite('end to end (test/)', testFiles('test'), { TC_TEST_DATABASE_URL: postgresUrl }, 1);

process.stdout.write('\n');
for (const problem of problems) process.stdout.write(`✗ ${problem}\n`);
const skippedText = skipped ? `, ${skipped} skipped` : '';
process.stdout.write(`tests: ${passed} passed, ${failed} failed${skippedText}\n`);
process.exit(failed > 0 || problems.length > 0 ? 1 : 0);
