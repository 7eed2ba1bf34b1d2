import pg from 'pg';

/** Each data connection gets a small pool; a few concurrent tiles are the most one dashboard asks for. */
export const POOL_SIZE = 3;
const IDLE_TIMEOUT_MS = 30_000;

interface PoolEntry {
  revision: number;
  pool: Promise<pg.Pool>;
}

/**
 * One lazily created `pg` pool per saved connection, tagged with the connection's revision: an edit made here
 * drops the pool at once, and an edit made by another instance is noticed on the next query (newer revision).
 */
export class TargetPools {
  readonly #pools = new Map<string, PoolEntry>();

  /** The pool for this revision of the connection, opening it with `config()` (which may decrypt) when needed. */
  async acquire(connectionId: string, revision: number, config: () => Promise<pg.PoolConfig>): Promise<pg.Pool> {
    const existing = this.#pools.get(connectionId);
    if (existing && existing.revision === revision) return existing.pool;
    if (existing) void this.drop(connectionId);

    const pool = config().then((settings) => {
      const created = new pg.Pool({ ...settings, max: POOL_SIZE, idleTimeoutMillis: IDLE_TIMEOUT_MS });
      // An idle client losing its server must not crash the process; the next query reconnects.
      created.on('error', () => {});
      return created;
    });
    const entry: PoolEntry = { revision, pool };
    this.#pools.set(connectionId, entry);
    pool.catch(() => {
      if (this.#pools.get(connectionId) === entry) this.#pools.delete(connectionId);
    });
    return pool;
  }

  async drop(connectionId: string): Promise<void> {
    const entry = this.#pools.get(connectionId);
    if (!entry) return;
    this.#pools.delete(connectionId);
    const pool = await entry.pool.catch(() => undefined);
    await pool?.end().catch(() => {});
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.#pools.keys()].map((id) => this.drop(id)));
  }
}
