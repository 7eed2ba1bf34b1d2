import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.ts';
import { newControlSecret, registerControlRoute, writeControlFile } from './cli/control-channel.ts';
import type { Config } from './config.ts';
import { seedFirstStart, type SeedResult } from './seed.ts';
import { PostgresChangeRelay } from './events/postgres-change-relay.ts';
import { createServices } from './services.ts';
import { openConfiguredStore } from './store/open.ts';

const IDLE_SWEEP_MS = 50;

export interface RunningServer {
  app: FastifyInstance;
  url: string;
  seeded: SeedResult | undefined;
  stop(): Promise<void>;
}

/** Opens the configured store, migrates, seeds on first start, listens, and offers the CLI control channel. */
export async function startServer(config: Config): Promise<RunningServer> {
  const { store, lock } = await openConfiguredStore(config, `tc-embed serve on port ${config.port}`);
  let app: FastifyInstance | undefined;
  let removeControlFile = () => {};
  try {
    // The app's logger exists only once the app is built; failures of background writes (audit) are logged to it.
    const services = createServices(config, store, { error: (details: unknown, message?: string) => app?.log.error(details, message) });
    const relay = config.databaseUrl
      ? new PostgresChangeRelay(config.databaseUrl, store, services.bus, (error) => app?.log.warn({ err: error }, 'change relay'), services.metrics.changeRelay())
      : undefined;
    await relay?.start();
    const seeded = await seedFirstStart(services);
    app = await buildApp({ config, store, services, ownsStore: true });
    app.addHook('onClose', async () => relay?.stop());
    const secret = newControlSecret();
    registerControlRoute(app, services, secret);
    await app.listen({ port: config.port, host: config.host });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    removeControlFile = writeControlFile(config.dataDir, { pid: process.pid, url: `http://127.0.0.1:${port}`, secret });
    const running = app;
    return {
      app: running,
      url: `http://localhost:${port}`,
      seeded,
      async stop() {
        removeControlFile();
        // A keep-alive connection whose request was in flight when the close began becomes idle only when that
        // response ends; Node closes idle connections once, at the start, so such a connection would hold the
        // close open until its keep-alive timeout. Close them as they go idle.
        const sweep = setInterval(() => running.server.closeIdleConnections(), IDLE_SWEEP_MS);
        try {
          await running.close();
        } finally {
          clearInterval(sweep);
        }
        lock?.release();
      },
    };
  } catch (error) {
    removeControlFile();
    if (app) await app.close().catch(() => {});
    else await store.close().catch(() => {});
    lock?.release();
    throw error;
  }
}
