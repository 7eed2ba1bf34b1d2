import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { ensurePackagesBuilt } from './helpers/integrator-kit.ts';
import { REPO_ROOT } from './helpers/server-process.ts';

const ELEMENTS_DIR = join(REPO_ROOT, 'packages/elements');
const TSC = join(REPO_ROOT, 'node_modules/typescript/bin/tsc');
const CEM = join(REPO_ROOT, 'node_modules/@custom-elements-manifest/analyzer/cem.js');
const MANIFEST = join(ELEMENTS_DIR, 'dist/custom-elements.json');

interface PackageJson {
  exports: Record<string, string | Record<string, string>>;
  types: string;
  main: string;
  customElements: string;
}
interface Named { name: string; type?: { text: string }; fieldName?: string }
interface ClassDeclaration { kind: string; name: string; tagName?: string; customElement?: boolean; attributes?: Named[]; members?: Named[]; events?: Named[]; cssParts?: Named[]; cssProperties?: Named[] }
interface ManifestModule { kind: string; path: string; declarations: ClassDeclaration[]; exports: { kind: string; name: string; declaration: { name: string; module?: string } }[] }

const packageJson = JSON.parse(readFileSync(join(ELEMENTS_DIR, 'package.json'), 'utf8')) as PackageJson;

/** The manifest is the build's last step, and a bare `vite build` (another suite's rebuild) empties dist/: redo it if so. */
function ensureManifestBuilt(): void {
  const inputs = [join(ELEMENTS_DIR, 'custom-elements-manifest.config.mjs'), join(ELEMENTS_DIR, 'src/dashboard/tc-dashboard.component.ts'), join(ELEMENTS_DIR, 'src/assistant/tc-ai-assistant.component.ts')];
  if (existsSync(MANIFEST) && statSync(MANIFEST).mtimeMs >= Math.max(...inputs.map((file) => statSync(file).mtimeMs))) return;
  const result = spawnSync(process.execPath, [CEM, 'analyze', '--config', 'custom-elements-manifest.config.mjs'], { cwd: ELEMENTS_DIR, encoding: 'utf8' });
  assert.equal(result.status, 0, `cem analyze failed:\n${result.stdout}${result.stderr}`);
}

/** The files `npm publish` would ship, as npm itself lists them. */
function packedFiles(): Set<string> {
  const result = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ELEMENTS_DIR, encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  const [pack] = JSON.parse(result.stdout) as { files: { path: string }[] }[];
  return new Set(pack!.files.map((file) => file.path));
}

const bare = (path: string): string => path.replace(/^\.\//, '');

describe('@tc-embed/elements as published: files, types and custom-elements.json', () => {
  let files: Set<string>;
  let modules: ManifestModule[];
  before(() => {
    ensurePackagesBuilt();
    ensureManifestBuilt();
    files = packedFiles();
    modules = (JSON.parse(readFileSync(MANIFEST, 'utf8')) as { modules: ManifestModule[] }).modules;
  });

  it('ships every target of the exports map (types first), main, types and customElements', () => {
    const root = packageJson.exports['.'] as Record<string, string>;
    assert.deepEqual(Object.keys(root), ['types', 'default']);
    const targets = [root.types!, root.default!, packageJson.exports['./custom-elements.json'] as string, packageJson.main, packageJson.types, packageJson.customElements];
    for (const target of targets) assert.ok(files.has(bare(target)), `${target} is not in the packed files`);
    // embed.js loads its lazy chunks (tile renderers, chart.js, the assistant chat) by relative URL.
    const chunks = [...readFileSync(join(ELEMENTS_DIR, 'dist/embed.js'), 'utf8').matchAll(/["'`]\.\/(chunks\/[\w.-]+\.js)["'`]/g)].map((match) => `dist/${match[1]}`);
    assert.ok(chunks.length >= 2, `embed.js names only ${chunks.length} chunks`);
    for (const chunk of chunks) assert.ok(files.has(chunk), `${chunk} (imported by embed.js) is not packed`);
  });

  it('types a consumer\'s code through the package name: tags to classes, events to their details', () => {
    const project = mkdtempSync(join(tmpdir(), 'tc-elements-consumer-'));
    try {
      mkdirSync(join(project, 'node_modules/@tc-embed'), { recursive: true });
      symlinkSync(ELEMENTS_DIR, join(project, 'node_modules/@tc-embed/elements'), 'dir');
      writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({
        compilerOptions: { strict: true, noEmit: true, target: 'es2022', module: 'esnext', moduleResolution: 'bundler', lib: ['es2022', 'dom'], types: [] },
        files: ['consumer.ts'],
      }));
      writeFileSync(join(project, 'consumer.ts'), `
        import { TcAiAssistant, TcDashboard, type TcErrorDetail, type TcReadyDetail, type TcTokenExpiredDetail, type TcTokenRefreshedDetail } from '@tc-embed/elements';
        const dashboard: TcDashboard = document.createElement('tc-dashboard');
        const assistant: TcAiAssistant | null = document.querySelector('tc-ai-assistant');
        dashboard.dashboardId = 'sales';
        dashboard.addEventListener('tc-ready', (event) => { const detail: TcReadyDetail = event.detail; const org: string = detail.org.name; void org; });
        dashboard.addEventListener('tc-error', (event) => { const detail: TcErrorDetail = event.detail; const code: string = detail.code; void code; });
        assistant?.addEventListener('tc-token-refreshed', (event) => { const detail: TcTokenRefreshedDetail = event.detail; const seconds: number = detail.expiresIn; void seconds; });
        document.addEventListener('tc-token-expired', (event) => { const detail: TcTokenExpiredDetail = event.detail; void detail.expiresAt; });
        // @ts-expect-error the ready detail has no token: the event map is typed, not any
        dashboard.addEventListener('tc-ready', (event) => event.detail.token);
        // @ts-expect-error an unknown tag is a plain HTMLElement without the element's properties
        document.createElement('tc-unknown').dashboardId = 'sales';
      `);
      const result = spawnSync(process.execPath, [TSC, '-p', 'tsconfig.json'], { cwd: project, encoding: 'utf8' });
      assert.equal(result.status, 0, `the consumer did not type-check:\n${result.stdout}${result.stderr}`);
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });

  it('lists both tags with their classes, in a module that is published', () => {
    for (const module of modules) assert.ok(files.has(module.path), `manifest module ${module.path} is not in the packed files`);
    const definitions = modules.flatMap((module) => module.exports.filter((entry) => entry.kind === 'custom-element-definition'));
    assert.deepEqual(definitions.map((entry) => [entry.name, entry.declaration.name]).sort(), [['tc-ai-assistant', 'TcAiAssistant'], ['tc-dashboard', 'TcDashboard']]);
    for (const { declaration } of definitions) {
      assert.ok(declaration.module && files.has(declaration.module), `${declaration.name} points at ${declaration.module}`);
      const owner = modules.find((module) => module.path === declaration.module)!;
      assert.ok(owner.declarations.some((klass) => klass.name === declaration.name), `${declaration.module} does not declare ${declaration.name}`);
      assert.ok(owner.exports.some((entry) => entry.kind === 'js' && entry.name === declaration.name), `${declaration.module} does not export ${declaration.name}`);
    }
  });

  it('describes attributes, typed events, CSS parts and custom properties of each element', () => {
    const element = (tag: string): ClassDeclaration => modules.flatMap((module) => module.declarations).find((klass) => klass.tagName === tag)!;
    const names = (list: Named[] | undefined): string[] => (list ?? []).map((item) => item.name);
    const dashboard = element('tc-dashboard');
    const assistant = element('tc-ai-assistant');
    assert.deepEqual(names(dashboard.attributes).sort(), ['auth-token', 'chart-id', 'dashboard-id', 'data-theme', 'server-url']);
    assert.deepEqual(names(assistant.attributes).sort(), ['auth-token', 'data-theme', 'server-url']);
    assert.equal(dashboard.attributes!.find((attribute) => attribute.name === 'dashboard-id')!.fieldName, 'dashboardId');
    for (const klass of [dashboard, assistant]) {
      assert.deepEqual(Object.fromEntries((klass.events ?? []).map((event) => [event.name, event.type?.text])), {
        'tc-ready': 'CustomEvent<TcReadyDetail>',
        'tc-token-refreshed': 'CustomEvent<TcTokenRefreshedDetail>',
        'tc-token-expired': 'CustomEvent<TcTokenExpiredDetail>',
        'tc-error': 'CustomEvent<TcErrorDetail>',
      }, `${klass.tagName} events`);
      for (const part of ['base', 'error', 'retry-button']) assert.ok(names(klass.cssParts).includes(part), `${klass.tagName} lacks part ${part}`);
      for (const property of ['--tc-background', '--tc-accent-color', '--tc-font-family']) assert.ok(names(klass.cssProperties).includes(property), `${klass.tagName} lacks ${property}`);
      // The manifest is the public API: internal state (session, view, loaders) is not in it.
      assert.ok(names(klass.members).includes('fetchToken'));
      assert.ok(!names(klass.members).includes('session'), `${klass.tagName} lists its private session`);
    }
    assert.ok(names(dashboard.cssParts).includes('grid') && names(assistant.cssParts).includes('messages'));
  });
});
