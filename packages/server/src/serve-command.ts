import { ConfigError, loadConfig } from './config.ts';
import type { SeedResult } from './seed.ts';
import { startServer } from './server-runtime.ts';
import { DataDirBusyError } from './store/data-dir-lock.ts';

function printFirstStart(seeded: SeedResult, url: string): void {
  const lines = [
    '',
    '  tc-embed: first start — a demo organization was created. This is shown once.',
    `  Console:        ${url}/console`,
    `  Admin login:    ${seeded.adminEmail}`,
    seeded.adminPasswordGenerated ? `  Admin password: ${seeded.adminPassword}` : '  Admin password: (from TC_ADMIN_PASSWORD)',
    `  Demo API key:   ${seeded.apiKey}`,
    '',
    '  Mint a token (server side only):',
    `    curl -s -X POST ${url}/embed/generate-token -H "x-api-key: ${seeded.apiKey}" \\`,
    `      -H "Content-Type: application/json" -d '{"user":{"distinctId":"user-123","role":"explorer","attributes":{}}}'`,
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** `npm start` / `tc-embed serve`: validate the environment once, listen, stop gracefully on SIGTERM/SIGINT. */
export async function runServe(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`tc-embed: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  let server;
  try {
    server = await startServer(config);
  } catch (error) {
    const known = error instanceof DataDirBusyError || error instanceof ConfigError || (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
    const message = (error as NodeJS.ErrnoException).code === 'EADDRINUSE' ? `port ${config.port} is already in use; set PORT to another one.` : (error as Error).message;
    process.stderr.write(`tc-embed: ${known ? message : `could not start: ${message}`}\n`);
    process.exit(1);
  }
  // Links use the public URL (what a browser or a host backend would call), not the bind address.
  if (server.seeded) printFirstStart(server.seeded, config.publicUrl);
  server.app.log.info({ url: server.url, store: server.app.services.store.kind }, 'tc-embed listening');

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    server.app.log.info({ signal }, 'shutting down: finishing in-flight requests');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    server.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}
