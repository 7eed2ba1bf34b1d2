import assert from 'node:assert/strict';
import { createConnection } from 'node:net';
import { TEST_DATABASE_URL } from './test-store.ts';

const target = new URL(TEST_DATABASE_URL);
/** The real PostgreSQL service (trust auth) that data-connection tests connect to, as connection fields. */
export const REAL_POSTGRES = {
  host: target.hostname,
  port: Number(target.port || 5432),
  database: decodeURIComponent(target.pathname.slice(1)) || 'test',
  user: decodeURIComponent(target.username) || 'postgres',
  sslMode: 'disable',
};

function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1500, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

const inCi = process.env.CI === 'true' || process.env.CI === '1';
export const realPostgresUp = await reachable(REAL_POSTGRES.host, REAL_POSTGRES.port);

/** node:test options: on a dev machine without PostgreSQL the tests skip with a reason; in CI they run. */
export const needsRealPostgres = realPostgresUp || inCi ? {} : { skip: `no PostgreSQL at ${REAL_POSTGRES.host}:${REAL_POSTGRES.port}; start it (CI=true requires it)` };

/** Called first in such a test: under CI=true an unreachable server fails loudly instead of skipping. */
export function assertRealPostgresInCi(what: string): void {
  if (!realPostgresUp) assert.fail(`CI=true but PostgreSQL at ${REAL_POSTGRES.host}:${REAL_POSTGRES.port} is unreachable; ${what} must run in CI.`);
}
