import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export class DataDirBusyError extends Error {
  override name = 'DataDirBusyError';
}

export interface DataDirLock {
  release(): void;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * PGlite lets one process own a data dir. The lock file names the owner; a lock left by a dead process is
 * taken over. A live owner is reported in one line rather than risking a corrupted database.
 */
export function acquireDataDirLock(dataDir: string, purpose: string): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, 'owner.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, JSON.stringify({ pid: process.pid, purpose, since: new Date().toISOString() }), { flag: 'wx', mode: 0o600 });
      return {
        release() {
          try {
            const owner = JSON.parse(readFileSync(path, 'utf8')) as { pid: number };
            if (owner.pid === process.pid) rmSync(path, { force: true });
          } catch {
            // Already gone.
          }
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let owner: { pid?: number; purpose?: string } = {};
      try {
        owner = JSON.parse(readFileSync(path, 'utf8'));
      } catch {
        // An unreadable lock is a stale one.
      }
      if (owner.pid && owner.pid !== process.pid && isAlive(owner.pid)) {
        throw new DataDirBusyError(
          `The embedded store in ${dataDir} is in use by process ${owner.pid} (${owner.purpose ?? 'tc-embed'}); stop it or set DATABASE_URL to share PostgreSQL.`,
        );
      }
      rmSync(path, { force: true });
    }
  }
  throw new DataDirBusyError(`Could not take the lock on ${dataDir}.`);
}
