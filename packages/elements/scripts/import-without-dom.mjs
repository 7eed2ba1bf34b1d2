// Vite plugin: lets the bundle be imported where there is no DOM (server-side rendering of a page that uses
// @tc-embed/react, a Node script reading the exported classes). Lit's browser build touches the DOM when its
// modules run: `class extends HTMLElement`, `const d = document`. Lit's own Node build does what these patches
// do (a stand-in base class, a stand-in document); in a browser they change nothing. Nothing is defined there
// either (see src/internal/define.ts).
const PATCHES = [
  {
    file: /[\\/]@lit[\\/]reactive-element[\\/]reactive-element\.js$/,
    find: /class (\w+) extends HTMLElement\{/,
    replace: 'class $1 extends (globalThis.HTMLElement ?? class {}){',
  },
  {
    file: /[\\/]lit-html[\\/]lit-html\.js$/,
    find: /(\w+)=document,/,
    replace: '$1=globalThis.document ?? {createTreeWalker:()=>({})},',
  },
];

export function importWithoutDom() {
  return {
    name: 'tc-import-without-dom',
    apply: 'build',
    transform(code, id) {
      const patch = PATCHES.find(({ file }) => file.test(id));
      if (!patch) return null;
      if (!patch.find.test(code)) {
        // A Lit upgrade changed the line: fail the build rather than ship a bundle that breaks server rendering.
        this.error(`tc-import-without-dom: ${patch.find} was not found in ${id}.`);
      }
      return { code: code.replace(patch.find, patch.replace), map: null };
    },
  };
}
