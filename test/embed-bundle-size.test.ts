import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { ensureElementsBuilt } from './helpers/elements-build.ts';
import { REPO_ROOT } from './helpers/server-process.ts';

const DIST = join(REPO_ROOT, 'packages/elements/dist');
/** The budget for what every host page downloads before the first paint, Lit included. */
const EMBED_JS_BUDGET_BYTES = 15 * 1024;

describe('embed.js bundle', () => {
  it(`stays within ${EMBED_JS_BUDGET_BYTES / 1024} KB min+gzip, with chart.js in a lazy chunk`, () => {
    ensureElementsBuilt();
    const entry = readFileSync(join(DIST, 'embed.js'));
    const gzipped = gzipSync(entry, { level: 9 }).length;
    assert.ok(gzipped <= EMBED_JS_BUDGET_BYTES, `embed.js is ${gzipped} bytes min+gzip`);
    // chart.js's registry error survives minification: a telltale of the library, which the entry must not hold.
    const chartJs = /is not a registered/;
    assert.ok(!chartJs.test(entry.toString()), 'embed.js contains chart.js');
    const chunks = readdirSync(join(DIST, 'chunks')).filter((name) => name.endsWith('.js'));
    const chartChunk = chunks.find((name) => chartJs.test(readFileSync(join(DIST, 'chunks', name), 'utf8')));
    assert.ok(chartChunk, 'no chunk holds chart.js');
    assert.ok(/import\(["'`]\.\/chunks\/render-tiles-[\w-]+\.js["'`]\)/.test(entry.toString()), 'embed.js does not load the tiles lazily');
    // Everything embed.js loads is served from /embed/chunks/ with a content-hashed name.
    for (const name of chunks) assert.match(name, /^[A-Za-z0-9_-]+-[A-Za-z0-9_-]{8}\.js$/);
  });
});
