import type { Migration } from './index.ts';

export const TOKEN_CORE: Migration = {
  id: '001-token-core',
  statements: [
    `create table organizations (
      id text primary key,
      name text not null,
      created_at timestamptz not null default now()
    )`,
    `create table admin_users (
      id text primary key,
      org_id text not null references organizations (id) on delete cascade,
      email text not null unique,
      password_hash text not null,
      created_at timestamptz not null default now()
    )`,
    `create table api_keys (
      id text primary key,
      org_id text not null references organizations (id) on delete cascade,
      name text not null,
      prefix text not null,
      last_four text not null,
      secret_sha256 text not null,
      token_salt text not null,
      created_at timestamptz not null default now(),
      last_used_at timestamptz,
      revoked_at timestamptz
    )`,
    'create index api_keys_org on api_keys (org_id, created_at)',
    `create table authorized_origins (
      org_id text not null references organizations (id) on delete cascade,
      origin text not null,
      created_at timestamptz not null default now(),
      primary key (org_id, origin)
    )`,
    `create table token_attributes (
      org_id text not null references organizations (id) on delete cascade,
      name text not null,
      type text not null check (type in ('string', 'number', 'boolean', 'date', 'string[]')),
      description text not null default '',
      created_at timestamptz not null default now(),
      primary key (org_id, name)
    )`,
    `create table audit_events (
      id bigserial primary key,
      org_id text,
      event text not null,
      outcome text not null,
      reason text,
      distinct_id text,
      api_key_id text,
      origin text,
      occurrences integer not null default 1,
      created_at timestamptz not null default now()
    )`,
    'create index audit_events_org_time on audit_events (org_id, created_at desc)',
    'create index audit_events_distinct_id on audit_events (org_id, distinct_id, created_at desc)',
    `create table admin_sessions (
      id_sha256 text primary key,
      user_id text not null references admin_users (id) on delete cascade,
      csrf_token text not null,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null
    )`,
    `create table instance_settings (
      key text primary key,
      value text not null
    )`,
  ],
};
