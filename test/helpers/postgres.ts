import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const POSTGRES_URL = process.env.TC_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const inCi = process.env.CI === 'true' || process.env.CI === '1';

/**
 * Whether PostgreSQL tests can run. In CI a missing server is a failure (thrown); on a developer machine the
 * caller skips with the returned message.
 */
export async function postgresAvailability(): Promise<{ available: true } | { available: false; reason: string }> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.end();
    return { available: true };
  } catch (error) {
    const reason = `PostgreSQL is not reachable at ${new URL(POSTGRES_URL).host} (${(error as Error).message})`;
    if (inCi) throw new Error(`${reason}; CI must run the PostgreSQL tests.`);
    return { available: false, reason: `${reason}; skipped on this machine, CI runs it.` };
  }
}

/** A fresh database for one test file; drop() removes it. */
export async function createScratchDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `tc_test_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}
