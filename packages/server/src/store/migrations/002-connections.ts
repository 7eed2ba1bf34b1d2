import type { Migration } from './index.ts';

/**
 * Data connections. `password_secret` holds only keyring ciphertext (`v1:iv:ciphertext:tag`), never plaintext.
 * The built-in sample database is not a row: it is listed for every organization by the connection service.
 * `revision` changes on every edit, so a process holding a pool for an older revision replaces it.
 */
export const CONNECTIONS: Migration = {
  id: '002-connections',
  statements: [
    `create table connections (
      id text primary key,
      org_id text not null references organizations (id) on delete cascade,
      name text not null,
      kind text not null check (kind in ('postgres', 'sample')),
      host text,
      port integer check (port between 1 and 65535),
      database text,
      username text,
      password_secret text,
      ssl_mode text not null default 'verify-full' check (ssl_mode in ('disable', 'require', 'verify-full')),
      statement_timeout_ms integer not null default 30000 check (statement_timeout_ms between 100 and 300000),
      max_rows integer not null default 10000 check (max_rows between 1 and 100000),
      revision integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (org_id, name),
      check (kind <> 'postgres' or (host is not null and port is not null and database is not null and username is not null))
    )`,
  ],
};
