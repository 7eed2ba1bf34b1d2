// Custom Elements Manifest (dist/custom-elements.json) for consumers: IDEs, Storybook, linters. The analysis reads the
// TypeScript sources (decorators carry the attribute names), but only dist/ is published and everything ships in one
// module, dist/embed.js, so the manifest describes that module: both classes, their public API and tag definitions.
const publishedModule = 'dist/embed.js';

/** The elements register through define() (internal/define.ts), which the analyzer does not know as customElements.define. */
function defineHelperCalls() {
  return {
    name: 'tc-embed: define() calls',
    analyzePhase({ ts, node, moduleDoc }) {
      if (!ts.isCallExpression(node) || !ts.isIdentifier(node.expression) || node.expression.text !== 'define') return;
      const [tag, klass] = node.arguments;
      if (!tag || !klass || !ts.isStringLiteral(tag) || !ts.isIdentifier(klass)) return;
      moduleDoc.exports = [...(moduleDoc.exports ?? []), { kind: 'custom-element-definition', name: tag.text, declaration: { name: klass.text } }];
    },
  };
}

/** Folds the per-source modules into the published one; private members and internal types stay out. */
function publishedShape() {
  return {
    name: 'tc-embed: published shape',
    packageLinkPhase({ customElementsManifest }) {
      const modules = customElementsManifest.modules;
      const classes = modules.flatMap((module) => module.declarations ?? []).filter((declaration) => declaration.customElement);
      const definitions = modules.flatMap((module) => module.exports ?? []).filter((entry) => entry.kind === 'custom-element-definition');
      for (const klass of classes) {
        const definition = definitions.find((entry) => entry.declaration.name === klass.name);
        // A documented element that no module defines (or a tag that disagrees with its @tagname) is a build error.
        if (!definition) throw new Error(`${klass.name} has no define() call in the analysed files`);
        if (klass.tagName !== definition.name) throw new Error(`${klass.name}: @tagname ${klass.tagName} but defined as <${definition.name}>`);
        klass.members = (klass.members ?? []).filter((member) => !member.privacy || member.privacy === 'public');
        // TcElement (internal/tc-element.ts) is not exported: what a consumer can rely on is LitElement.
        klass.superclass = { name: 'LitElement', package: 'lit' };
        for (const event of klass.events ?? []) {
          if (!event.type?.text) throw new Error(`${klass.name}: event ${event.name} has no {type} in its @fires tag`);
        }
      }
      customElementsManifest.modules = [{
        kind: 'javascript-module',
        path: publishedModule,
        declarations: classes,
        exports: [
          ...classes.map((klass) => ({ kind: 'js', name: klass.name, declaration: { name: klass.name, module: publishedModule } })),
          ...classes.map((klass) => ({ kind: 'custom-element-definition', name: klass.tagName, declaration: { name: klass.name, module: publishedModule } })),
        ],
      }];
    },
  };
}

export default {
  globs: ['src/**/*.component.ts', 'src/dashboard/tc-dashboard.ts', 'src/assistant/tc-ai-assistant.ts'],
  outdir: 'dist',
  litelement: true,
  packagejson: false,
  plugins: [defineHelperCalls(), publishedShape()],
};
