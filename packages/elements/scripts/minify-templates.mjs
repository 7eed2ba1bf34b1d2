// Vite plugin: collapses the indentation inside our html`` and css`` templates. Minifiers leave template
// literal text alone, and in a bundle that must stay small the whitespace of readable templates adds up.
// Only line breaks with their indentation are collapsed (to one space), which neither HTML nor CSS can tell apart.
import ts from 'typescript';

const TAGS = new Set(['html', 'css']);

function collapse(text) {
  return text.replace(/[ \t]*\r?\n\s*/g, ' ');
}

export function minifyTemplates() {
  return {
    name: 'tc-minify-templates',
    apply: 'build',
    transform(code, id) {
      if (!/\/src\/.*\.ts$/.test(id) || !/\b(html|css)`/.test(code)) return null;
      const source = ts.createSourceFile(id, code, ts.ScriptTarget.Latest, true);
      const edits = [];
      const visit = (node) => {
        if (ts.isTaggedTemplateExpression(node) && ts.isIdentifier(node.tag) && TAGS.has(node.tag.text)) {
          const template = node.template;
          const parts = ts.isNoSubstitutionTemplateLiteral(template)
            ? [template]
            : [template.head, ...template.templateSpans.map((span) => span.literal)];
          for (const part of parts) {
            // The literal's text between its delimiters (` or } before, ` or ${ after).
            const start = part.getStart(source) + 1;
            const end = part.getEnd() - (ts.isTemplateHead(part) || ts.isTemplateMiddle(part) ? 2 : 1);
            edits.push([start, end]);
          }
        }
        ts.forEachChild(node, visit);
      };
      visit(source);
      if (edits.length === 0) return null;
      let result = code;
      for (const [start, end] of edits.sort((a, b) => b[0] - a[0])) {
        result = result.slice(0, start) + collapse(result.slice(start, end)) + result.slice(end);
      }
      return { code: result, map: null };
    },
  };
}
