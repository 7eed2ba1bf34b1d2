import { createHash } from 'node:crypto';
import type { OpenApiDocument } from './document.ts';

type Schema = Record<string, unknown>;
type Operation = {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  security?: Record<string, unknown>[];
  parameters?: { name: string; in: string; description?: string; required?: boolean; schema?: Schema; example?: unknown }[];
  requestBody?: { description?: string; content: Record<string, { schema?: Schema; example?: unknown }> };
  responses: Record<string, { description: string; content?: Record<string, { schema?: Schema; example?: unknown }> }>;
};

const STYLE = `
:root { color-scheme: light dark; --fg: #1d2330; --muted: #5b6475; --line: #d9dde5; --code: #f3f4f7; --accent: #2f5bd3; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6e8ee; --muted: #a2a9b8; --line: #343a47; --code: #1f2430; --accent: #8aa8ff; } }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.55 system-ui, sans-serif; color: var(--fg); background: Canvas; }
header, main, nav { max-width: 980px; margin: 0 auto; padding: 0 20px; }
header { padding-top: 28px; }
h1 small { font-size: 0.55em; color: var(--muted); font-weight: 500; }
h2 { margin-top: 40px; border-bottom: 1px solid var(--line); padding-bottom: 6px; }
h3 { margin: 0 0 6px; font-size: 1.05em; display: flex; gap: 10px; align-items: baseline; flex-wrap: wrap; }
h4 { margin: 16px 0 6px; font-size: 0.95em; }
code, pre { font: 13px/1.45 ui-monospace, SFMono-Regular, Menlo, monospace; background: var(--code); border-radius: 4px; }
code { padding: 1px 4px; }
pre { padding: 10px 12px; overflow-x: auto; }
a { color: var(--accent); }
nav ul { columns: 2; padding-left: 18px; }
article { border: 1px solid var(--line); border-radius: 8px; padding: 14px 16px; margin: 14px 0; }
.method { font: 600 12px/1 ui-monospace, monospace; padding: 4px 7px; border-radius: 4px; color: #fff; background: #5b6475; text-transform: uppercase; }
.get { background: #1f7a4d; } .post { background: #2f5bd3; } .delete { background: #b3261e; } .put, .patch { background: #8a5a00; } .options { background: #6b4fa0; }
.muted, .type { color: var(--muted); }
.required { color: #b3261e; font-size: 0.85em; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: 5px 8px; border-top: 1px solid var(--line); }
ul.schema { margin: 4px 0; padding-left: 18px; }
dt { font-weight: 600; margin-top: 8px; }
dd { margin-left: 18px; }
`;

/** The Content-Security-Policy of the page: no script at all, only its own inline style. */
export const DOCS_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`,
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);

/** Escapes, then shows `backticked` spans as code: the descriptions' only markup. */
const prose = (text: string): string => escapeHtml(text).replace(/`([^`]+)`/g, '<code>$1</code>');

function resolve(schema: Schema, document: OpenApiDocument): { schema: Schema; name?: string } {
  const ref = schema.$ref;
  if (typeof ref !== 'string') return { schema };
  const name = ref.replace('#/components/schemas/', '');
  const components = (document.components as { schemas: Record<string, Schema> }).schemas;
  return { schema: components[name] ?? {}, name };
}

function typeLabel(schema: Schema, document: OpenApiDocument): string {
  const { schema: resolved, name } = resolve(schema, document);
  if (name) return name;
  if (Array.isArray(resolved.enum)) return resolved.enum.map((value) => JSON.stringify(value)).join(' | ');
  if (resolved.const !== undefined) return JSON.stringify(resolved.const);
  const type = [resolved.type ?? (resolved.properties ? 'object' : 'any')].flat().join(' | ');
  if (type === 'array' && resolved.items) return `array of ${typeLabel(resolved.items as Schema, document)}`;
  const alternatives = (resolved.oneOf ?? resolved.anyOf) as Schema[] | undefined;
  if (alternatives) return alternatives.map((alternative) => typeLabel(alternative, document)).join(' | ');
  return type;
}

function constraints(schema: Schema): string {
  const parts: string[] = [];
  for (const [key, label] of [['minLength', 'min length'], ['maxLength', 'max length'], ['minimum', 'min'], ['maximum', 'max'], ['maxItems', 'max items'], ['format', 'format'], ['pattern', 'pattern'], ['default', 'default']] as const) {
    if (schema[key] !== undefined) parts.push(`${label} ${typeof schema[key] === 'string' ? schema[key] : JSON.stringify(schema[key])}`);
  }
  return parts.length ? ` <span class="muted">(${escapeHtml(parts.join(', '))})</span>` : '';
}

function renderProperties(schema: Schema, document: OpenApiDocument, depth: number): string {
  const { schema: resolved } = resolve(schema, document);
  const target = resolved.type === 'array' && resolved.items ? resolve(resolved.items as Schema, document).schema : resolved;
  const properties = target.properties as Record<string, Schema> | undefined;
  if (!properties || depth > 6) return '';
  const required = new Set((target.required as string[] | undefined) ?? []);
  const items = Object.entries(properties).map(([name, property]) => {
    const { schema: child } = resolve(property, document);
    return (
      `<li><code>${escapeHtml(name)}</code> <span class="type">${escapeHtml(typeLabel(property, document))}</span>` +
      (required.has(name) ? ' <span class="required">required</span>' : '') +
      constraints(child) +
      (typeof child.description === 'string' ? ` — ${prose(child.description)}` : '') +
      renderProperties(property, document, depth + 1) +
      '</li>'
    );
  });
  return `<ul class="schema">${items.join('')}</ul>`;
}

function renderSchemaBlock(schema: Schema | undefined, example: unknown, document: OpenApiDocument): string {
  if (!schema && example === undefined) return '';
  const resolved = schema ? resolve(schema, document).schema : undefined;
  const shown = example ?? resolved?.example;
  return (
    (schema ? `<div><span class="type">${escapeHtml(typeLabel(schema, document))}</span>${renderProperties(schema, document, 0)}</div>` : '') +
    (shown === undefined ? '' : `<pre>${escapeHtml(JSON.stringify(shown, null, 2))}</pre>`)
  );
}

function renderOperation(method: string, path: string, operation: Operation, document: OpenApiDocument): string {
  const security = (operation.security ?? []).flatMap((requirement) => Object.keys(requirement));
  const parameters = operation.parameters ?? [];
  const body = operation.requestBody ? Object.values(operation.requestBody.content)[0] : undefined;
  return `<article id="${escapeHtml(operation.operationId)}">
<h3><span class="method ${method}">${method}</span><code>${escapeHtml(path)}</code><span>${prose(operation.summary)}</span></h3>
${operation.description ? `<p>${prose(operation.description)}</p>` : ''}
<p class="muted">Authentication: ${security.length ? security.map((scheme) => `<code>${escapeHtml(scheme)}</code>`).join(', ') : 'none'}</p>
${
  parameters.length
    ? `<h4>Parameters</h4><table><tr><th>name</th><th>in</th><th>type</th><th>description</th></tr>${parameters
        .map(
          (parameter) =>
            `<tr><td><code>${escapeHtml(parameter.name)}</code>${parameter.required ? ' <span class="required">required</span>' : ''}</td><td>${escapeHtml(parameter.in)}</td><td class="type">${escapeHtml(parameter.schema ? typeLabel(parameter.schema, document) : 'string')}</td><td>${parameter.description ? prose(parameter.description) : ''}${parameter.example === undefined ? '' : ` <span class="muted">e.g.</span> <code>${escapeHtml(String(parameter.example))}</code>`}</td></tr>`,
        )
        .join('')}</table>`
    : ''
}
${body ? `<h4>Request body</h4>${operation.requestBody!.description ? `<p>${prose(operation.requestBody!.description)}</p>` : ''}${renderSchemaBlock(body.schema, body.example, document)}` : ''}
<h4>Responses</h4><dl>${Object.entries(operation.responses)
    .map(([status, response]) => {
      const media = response.content ? Object.values(response.content)[0] : undefined;
      return `<dt>${escapeHtml(status)}</dt><dd>${prose(response.description)}${media && !/^[45]/.test(status) ? renderSchemaBlock(media.schema, media.example, document) : ''}</dd>`;
    })
    .join('')}</dl>
</article>`;
}

/** A readable, script-free page of the whole document, grouped by tag. */
export function renderOpenApiHtml(document: OpenApiDocument): string {
  const info = document.info as { title: string; version: string; summary?: string; description?: string };
  const servers = document.servers as { url: string }[];
  const tags = document.tags as { name: string; description?: string }[];
  const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ path, method, operation: operation as unknown as Operation })),
  );
  const sections = tags.map((tag) => {
    const tagged = operations.filter(({ operation }) => operation.tags[0] === tag.name);
    return { tag, tagged };
  });
  const nav = sections
    .map(({ tag, tagged }) => `<li><strong>${escapeHtml(tag.name)}</strong><ul>${tagged
      .map(({ path, method, operation }) => `<li><a href="#${escapeHtml(operation.operationId)}">${method.toUpperCase()} ${escapeHtml(path)}</a></li>`)
      .join('')}</ul></li>`)
    .join('');
  const body = sections
    .map(({ tag, tagged }) => `<section><h2>${escapeHtml(tag.name)}</h2>${tag.description ? `<p>${prose(tag.description)}</p>` : ''}${tagged
      .map(({ path, method, operation }) => renderOperation(method, path, operation, document))
      .join('\n')}</section>`)
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(info.title)} API ${escapeHtml(info.version)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${escapeHtml(info.title)} API <small>${escapeHtml(info.version)} · OpenAPI ${escapeHtml(String(document.openapi))}</small></h1>
${info.summary ? `<p>${prose(info.summary)}</p>` : ''}
${info.description ? `<p>${prose(info.description)}</p>` : ''}
<p>Base URL: <code>${escapeHtml(servers[0]?.url ?? '/')}</code> · The document as JSON: <a href="/docs/openapi.json">/docs/openapi.json</a></p>
</header>
<nav><h2>Endpoints</h2><ul>${nav}</ul></nav>
<main>
${body}
</main>
</body>
</html>
`;
}
