import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { chownSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './server-process.ts';

const inCi = process.env.CI === 'true' || process.env.CI === '1';
// initdb refuses to run as root: as root, the cluster belongs to this (Debian's) service account instead.
const CLUSTER_USER = 'postgres';

/** The newest installed server's bin directory (Debian: /usr/lib/postgresql/<major>/bin), or TC_TEST_PG_BIN. */
function serverBinDir(): string | undefined {
  if (process.env.TC_TEST_PG_BIN) return process.env.TC_TEST_PG_BIN;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const majors = readdirSync(root).filter((name) => /^\d+$/.test(name)).sort((a, b) => Number(b) - Number(a));
  return majors.map((major) => join(root, major, 'bin')).find((dir) => existsSync(join(dir, 'initdb')));
}

/** Whether a private cluster can be made here; in CI its absence is a failure. */
export function privatePostgresAvailability(): { available: true } | { available: false; reason: string } {
  const bin = serverBinDir();
  if (bin) return { available: true };
  const reason = 'no PostgreSQL server binaries (initdb, pg_ctl) under /usr/lib/postgresql; set TC_TEST_PG_BIN';
  if (inCi) throw new Error(`${reason}; CI must run the PostgreSQL fault tests.`);
  return { available: false, reason: `${reason}; skipped on this machine, CI runs it.` };
}

export interface PrivatePostgres {
  /** postgres://…@127.0.0.1:<port>/postgres */
  url: string;
  port: number;
  start(): Promise<void>;
  /** Fast shutdown: open sessions are terminated, as in a failover or a crash of the database host. */
  stop(): Promise<void>;
  /**
   * SIGSTOP to the postmaster and every backend: the database stops answering while its connections stay open
   * (a hung host, a stalled disk). thaw() sends SIGCONT.
   */
  freeze(): void;
  thaw(): void;
  destroy(): Promise<void>;
}

/** The postmaster's pid (first line of postmaster.pid) and its children's, read from /proc. */
function clusterPids(dataDir: string): number[] {
  const postmaster = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Fields after the parenthesised command name: state, ppid, …
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === postmaster) children.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return [postmaster, ...children];
}

/**
 * A throwaway PostgreSQL cluster of the test's own (initdb in a temp dir, its own port and socket dir), so a
 * test can stop and restart the database under a running server without touching the shared service.
 */
export async function createPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = serverBinDir();
  if (!bin) throw new Error('PostgreSQL server binaries not found');
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'tc-embed-pg-'));
  const dataDir = join(dir, 'data');
  const logFile = join(dir, 'server.log');
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', CLUSTER_USER]).toString().trim());
    const gid = Number(execFileSync('id', ['-g', CLUSTER_USER]).toString().trim());
    chownSync(dir, uid, gid);
  }
  // Asynchronous, so the test's own traffic keeps flowing while the cluster starts or stops.
  const run = async (program: string, args: string[]): Promise<void> => {
    const [file, argv] = asRoot ? ['runuser', ['-u', CLUSTER_USER, '--', join(bin, program), ...args]] : [join(bin, program), args];
    await promisify(execFile)(file, argv, { timeout: 60_000 });
  };
  await run('initdb', ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '--no-sync', '--no-instructions']);
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50`;
  let running = false;
  const cluster: PrivatePostgres = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    async start() {
      await run('pg_ctl', ['-D', dataDir, '-o', options, '-l', logFile, '-w', '-t', '30', 'start']);
      running = true;
    },
    async stop() {
      await run('pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', '-t', '30', 'stop']);
      running = false;
    },
    freeze() {
      // The postmaster first, so that it starts no backend that would escape the stop.
      for (const pid of clusterPids(dataDir)) process.kill(pid, 'SIGSTOP');
    },
    thaw() {
      for (const pid of clusterPids(dataDir)) process.kill(pid, 'SIGCONT');
    },
    async destroy() {
      if (running) {
        try {
          cluster.thaw();
        } catch {
          // not running
        }
        try {
          await run('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
        } catch {
          // already down
        }
        running = false;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await cluster.start();
  return cluster;
}
