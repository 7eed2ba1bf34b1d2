import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

const packageDir = new URL('..', import.meta.url).pathname;
const tsc = new URL('../../../node_modules/typescript/bin/tsc', import.meta.url).pathname;
const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
  name: string;
  exports: Record<string, Record<string, string>>;
  dependencies?: Record<string, string>;
  files: string[];
  scripts: Record<string, string>;
};

/** What a consumer gets: the package's build, compiled into a scratch directory (the shared dist is left alone). */
describe('@tc-embed/node as published: compiled JavaScript and types, no dependencies, plain Node 20', () => {
  let outDir: string;
  before(() => {
    outDir = mkdtempSync(join(tmpdir(), 'tc-embed-node-build-'));
    execFileSync(process.execPath, [tsc, '-p', join(packageDir, 'tsconfig.build.json'), '--outDir', outDir], { stdio: 'pipe' });
  });
  after(() => rmSync(outDir, { recursive: true, force: true }));

  it('declares an exports map with types first, no runtime dependencies, and a build script', () => {
    assert.equal(manifest.name, '@tc-embed/node');
    assert.deepEqual(Object.keys(manifest.exports['.']!), ['types', 'default']);
    assert.equal(manifest.exports['.']!.types, './dist/index.d.ts');
    assert.equal(manifest.exports['.']!.default, './dist/index.js');
    assert.equal(manifest.dependencies, undefined);
    assert.deepEqual(manifest.files, ['dist', 'README.md']);
    assert.match(manifest.scripts.build!, /tsc -p tsconfig\.build\.json/);
  });

  it('emits a .js and a .d.ts for every module, importing only node: builtins and its own files', () => {
    const emitted = readdirSync(outDir);
    assert.ok(emitted.includes('index.js') && emitted.includes('index.d.ts'));
    let specifiers = 0;
    for (const file of emitted.filter((name) => name.endsWith('.js'))) {
      assert.ok(emitted.includes(file.replace(/\.js$/, '.d.ts')), `${file} has no declarations`);
      const source = readFileSync(join(outDir, file), 'utf8');
      for (const [, specifier] of source.matchAll(/^(?:import|export)\b[^;]*?\bfrom\s+["']([^"']+)["']/gm)) {
        specifiers++;
        assert.ok(specifier!.startsWith('./') && specifier!.endsWith('.js') || specifier!.startsWith('node:'), `${file} imports ${specifier}`);
      }
    }
    assert.ok(specifiers >= 5, `found only ${specifiers} import specifiers`);
  });

  it('runs in plain Node (no TypeScript loader) and refuses a browser-like global', () => {
    const script = `
      const sdk = await import(${JSON.stringify(join(outDir, 'index.js'))});
      const names = Object.keys(sdk).sort();
      const client = sdk.createTcEmbedClient({ serverUrl: 'https://analytics.example.com/', apiKey: 'tc_live_example' });
      globalThis.window = {};
      let refusal;
      try { sdk.createTcEmbedClient({ serverUrl: 'https://analytics.example.com', apiKey: 'tc_live_example' }); }
      catch (error) { refusal = error instanceof sdk.TcEmbedError ? error.code : String(error); }
      console.log(JSON.stringify({ names, serverUrl: client.serverUrl, refusal }));
    `;
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), {
      names: ['SDK_VERSION', 'TcEmbedError', 'createFastifyTokenHandler', 'createFetchTokenHandler', 'createTcEmbedClient', 'createTokenHandler', 'isTcEmbedError'],
      serverUrl: 'https://analytics.example.com',
      refusal: 'browser_not_supported',
    });
  });

  it('types a consumer\'s code: expiresAt is a Date, the handler takes the framework\'s request type', () => {
    assert.ok(existsSync(join(outDir, 'index.d.ts')));
    const declarations = readFileSync(join(outDir, 'client.d.ts'), 'utf8');
    assert.match(declarations, /expiresAt: Date;/);
    assert.match(readFileSync(join(outDir, 'node-handler.d.ts'), 'utf8'), /createTokenHandler<Req extends IncomingMessage = IncomingMessage>/);
  });
});
