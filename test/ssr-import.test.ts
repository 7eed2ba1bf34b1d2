import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { ensurePackagesBuilt } from './helpers/integrator-kit.ts';
import { REPO_ROOT } from './helpers/server-process.ts';

/** Runs an ES module snippet in a fresh Node process (no DOM, no shims), from the repository root. */
function runInNode(source: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', source], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 30_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

// Server-side rendering (Next.js, Remix, Astro) imports the packages in Node: importing must not throw, the
// classes must be there for the React wrapper, and nothing about the DOM may leak into the server's globals.
describe('the built packages in Node, without a DOM', () => {
  it('imports embed.js: the classes and configure() are there, nothing is defined and no DOM global is left behind', () => {
    ensurePackagesBuilt();
    const { status, stdout, stderr } = runInNode(`
      const embed = await import('./packages/elements/dist/embed.js');
      console.log(JSON.stringify({
        dashboard: typeof embed.TcDashboard,
        assistant: typeof embed.TcAiAssistant,
        configure: typeof embed.configure,
        htmlElement: typeof globalThis.HTMLElement,
        document: typeof globalThis.document,
        customElements: typeof globalThis.customElements,
      }));
    `);
    assert.equal(status, 0, stderr);
    assert.deepEqual(JSON.parse(stdout), {
      dashboard: 'function',
      assistant: 'function',
      configure: 'function',
      htmlElement: 'undefined',
      document: 'undefined',
      customElements: 'undefined',
    });
  });

  it('renders <TcDashboard> to HTML with react-dom/server', () => {
    ensurePackagesBuilt();
    const { status, stdout, stderr } = runInNode(`
      import { createElement } from 'react';
      import { renderToString } from 'react-dom/server';
      const { TcDashboard, TcAiAssistant } = await import('./packages/react/dist/index.js');
      console.log(renderToString(createElement('main', null,
        createElement(TcDashboard, { dashboardId: 'sales', serverUrl: 'https://analytics.example.com' }),
        createElement(TcAiAssistant, { serverUrl: 'https://analytics.example.com' }))));
    `);
    assert.equal(status, 0, stderr);
    assert.match(stdout, /<tc-dashboard[^>]*>/);
    assert.match(stdout, /<tc-ai-assistant[^>]*>/);
  });

  it("marks the React entry 'use client' (App Router client components)", () => {
    ensurePackagesBuilt();
    const { status, stdout, stderr } = runInNode(`
      import { readFileSync } from 'node:fs';
      const code = readFileSync('./packages/react/dist/index.js', 'utf8');
      // The directive must be the first statement: only comments may come before it.
      console.log(code.replace(/\\/\\*[\\s\\S]*?\\*\\/|\\/\\/.*$/gm, '').trimStart().split('\\n')[0]);
    `);
    assert.equal(status, 0, stderr);
    assert.equal(stdout.trim(), "'use client';");
  });
});
