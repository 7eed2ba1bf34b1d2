import type { Store } from './store.ts';
import { MIGRATIONS } from './migrations/index.ts';

/**
 * Applies pending migrations in order, in one transaction. An advisory lock, taken before anything else (even the
 * bookkeeping table's `create table if not exists`, which is not safe against a concurrent twin: two creators
 * collide on pg_type's unique index), keeps two instances that start together on one PostgreSQL from racing.
 */
export async function migrate(store: Store): Promise<{ applied: string[] }> {
  const applied: string[] = [];
  await store.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock(7420151)');
    await tx.query(
      'create table if not exists schema_migrations (id text primary key, applied_at timestamptz not null default now())',
    );
    const rows = await tx.query<{ id: string }>('select id from schema_migrations');
    const done = new Set(rows.map((row) => row.id));
    for (const migration of MIGRATIONS) {
      if (done.has(migration.id)) continue;
      for (const statement of migration.statements) await tx.query(statement);
      await tx.query('insert into schema_migrations (id) values ($1)', [migration.id]);
      applied.push(migration.id);
    }
  });
  return { applied };
}

export async function pendingMigrations(store: Store): Promise<string[]> {
  // Only a missing table means "nothing applied yet"; an unreachable store must not read as "migrating".
  const UNDEFINED_TABLE = '42P01';
  const rows = await store.query<{ id: string }>('select id from schema_migrations').catch((error: unknown) => {
    if ((error as { code?: string }).code === UNDEFINED_TABLE) return [] as { id: string }[];
    throw error;
  });
  const done = new Set(rows.map((row) => row.id));
  return MIGRATIONS.filter((migration) => !done.has(migration.id)).map((migration) => migration.id);
}
