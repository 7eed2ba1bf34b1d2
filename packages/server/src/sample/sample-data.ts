import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Queryable, Store } from '../store/store.ts';
import { generateSalesRows, type SalesRow } from './sales-generator.ts';

/** Schema of the built-in sample database inside the platform store (the `sample` connection). */
export const SAMPLE_SCHEMA = 'sample';
const BATCH_ROWS = 10_000;
const SAMPLE_LOCK_ID = 7420152;

/**
 * Changes whenever the generator's source changes, so a store (or a test template) holding rows from an older
 * generator is reloaded rather than silently kept.
 */
export const SAMPLE_DATASET_FINGERPRINT = createHash('sha256')
  .update(readFileSync(new URL('./sales-generator.ts', import.meta.url)))
  .digest('hex')
  .slice(0, 16);

const CREATE_STATEMENTS = [
  `create schema if not exists ${SAMPLE_SCHEMA}`,
  `create table if not exists ${SAMPLE_SCHEMA}.dataset_info (
    name text primary key,
    fingerprint text not null,
    row_count integer not null,
    loaded_at timestamptz not null default now()
  )`,
  `drop table if exists ${SAMPLE_SCHEMA}.sales`,
  `create table ${SAMPLE_SCHEMA}.sales (
    order_id integer primary key,
    order_date date not null,
    region text not null,
    country text not null,
    city text not null,
    product_category text not null,
    product text not null,
    channel text not null,
    units integer not null,
    revenue numeric(12, 2) not null,
    cost numeric(12, 2) not null
  )`,
  `create index sales_region_date on ${SAMPLE_SCHEMA}.sales (region, order_date)`,
  `create index sales_order_date on ${SAMPLE_SCHEMA}.sales (order_date)`,
];

// One statement per batch: ten arrays unnested side by side load 10,000 rows in a single round trip.
const INSERT_BATCH = `insert into ${SAMPLE_SCHEMA}.sales
  (order_id, order_date, region, country, city, product_category, product, channel, units, revenue, cost)
  select * from unnest($1::int[], $2::date[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                       $8::text[], $9::int[], $10::numeric[], $11::numeric[])`;

async function insertBatch(tx: Queryable, rows: SalesRow[]): Promise<void> {
  await tx.query(INSERT_BATCH, [
    rows.map((row) => String(row.orderId)),
    rows.map((row) => row.orderDate),
    rows.map((row) => row.region),
    rows.map((row) => row.country),
    rows.map((row) => row.city),
    rows.map((row) => row.productCategory),
    rows.map((row) => row.product),
    rows.map((row) => row.channel),
    rows.map((row) => String(row.units)),
    rows.map((row) => row.revenue),
    rows.map((row) => row.cost),
  ]);
}

async function currentFingerprint(tx: Queryable): Promise<string | undefined> {
  const exists = await tx.query<{ found: boolean }>(
    `select to_regclass('${SAMPLE_SCHEMA}.dataset_info') is not null as found`,
  );
  if (!exists[0]?.found) return undefined;
  const rows = await tx.query<{ fingerprint: string }>(
    `select fingerprint from ${SAMPLE_SCHEMA}.dataset_info where name = 'sales'`,
  );
  return rows[0]?.fingerprint;
}

/**
 * Creates and fills the sample schema unless it already holds this generator's rows. Idempotent and safe when
 * several processes share one PostgreSQL (an advisory lock serialises them). The data is the same for every
 * organization; which rows a user sees is decided per organization by its access rules.
 */
export async function ensureSampleData(store: Store): Promise<{ loaded: boolean; rowCount: number }> {
  return store.transaction(async (tx) => {
    await tx.query(`select pg_advisory_xact_lock(${SAMPLE_LOCK_ID})`);
    if ((await currentFingerprint(tx)) === SAMPLE_DATASET_FINGERPRINT) {
      const rows = await tx.query<{ row_count: number }>(`select row_count from ${SAMPLE_SCHEMA}.dataset_info where name = 'sales'`);
      return { loaded: false, rowCount: rows[0]!.row_count };
    }
    for (const statement of CREATE_STATEMENTS) await tx.query(statement);
    let batch: SalesRow[] = [];
    let rowCount = 0;
    for (const row of generateSalesRows()) {
      batch.push(row);
      if (batch.length === BATCH_ROWS) {
        await insertBatch(tx, batch);
        rowCount += batch.length;
        batch = [];
      }
    }
    if (batch.length > 0) {
      await insertBatch(tx, batch);
      rowCount += batch.length;
    }
    await tx.query(
      `insert into ${SAMPLE_SCHEMA}.dataset_info (name, fingerprint, row_count) values ('sales', $1, $2)
       on conflict (name) do update set fingerprint = excluded.fingerprint, row_count = excluded.row_count, loaded_at = now()`,
      [SAMPLE_DATASET_FINGERPRINT, rowCount],
    );
    await tx.query(`analyze ${SAMPLE_SCHEMA}.sales`);
    return { loaded: true, rowCount };
  });
}
