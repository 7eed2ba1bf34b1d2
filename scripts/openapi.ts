// `npm run openapi`: regenerates docs/openapi.json from the routes the server registers. The drift test
// (packages/server/test/openapi.test.ts) fails until the checked-in copy matches.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../packages/server/src/app.ts';
import { loadConfig } from '../packages/server/src/config.ts';
import { openApiDocumentOf } from '../packages/server/src/openapi/collect.ts';
import { openPgliteStore } from '../packages/server/src/store/pglite-store.ts';

export const OPENAPI_FILE = new URL('../docs/openapi.json', import.meta.url).pathname;

const dataDir = mkdtempSync(join(tmpdir(), 'tc-embed-openapi-'));
try {
  const config = loadConfig({
    NODE_ENV: 'development',
    TC_DATA_DIR: dataDir,
    TC_LOG_LEVEL: 'silent',
    TC_MASTER_KEY: randomBytes(32).toString('base64'),
    TC_SECRET_KEYS: `v1:${randomBytes(32).toString('base64')}`,
  });
  // Routes only: nothing is served, so an empty in-memory store suffices.
  const app = await buildApp({ config, store: await openPgliteStore(), ownsStore: true });
  await app.ready();
  const document = openApiDocumentOf(app);
  await app.close();
  writeFileSync(OPENAPI_FILE, `${JSON.stringify(document, null, 2)}\n`);
  const operations = Object.values(document.paths).reduce((count, methods) => count + Object.keys(methods).length, 0);
  process.stdout.write(`wrote docs/openapi.json: ${operations} operations on ${Object.keys(document.paths).length} paths\n`);
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
