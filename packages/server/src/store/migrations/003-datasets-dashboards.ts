import type { Migration } from './index.ts';

/**
 * Dataset metadata (tables and columns an organization exposes, with labels the assistant reads), row-level
 * access rules per table, and dashboards with their tiles. A table without an access-rules row shows no rows.
 * Tile ids are unique per organization so a single chart can be embedded by its id.
 */
export const DATASETS_DASHBOARDS: Migration = {
  id: '003-datasets-dashboards',
  statements: [
    `create table dataset_tables (
      org_id text not null references organizations (id) on delete cascade,
      id text not null,
      connection_id text not null,
      schema_name text not null,
      table_name text not null,
      label text not null,
      description text not null default '',
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (org_id, id)
    )`,
    `create table dataset_columns (
      org_id text not null,
      table_id text not null,
      name text not null,
      position integer not null,
      type text not null check (type in ('string', 'number', 'boolean', 'date')),
      label text not null,
      description text not null default '',
      synonyms jsonb not null default '[]',
      format text not null check (format in ('currency', 'number', 'integer', 'percent', 'date', 'month', 'text')),
      primary key (org_id, table_id, name),
      foreign key (org_id, table_id) references dataset_tables (org_id, id) on delete cascade
    )`,
    `create table table_access_rules (
      org_id text not null,
      table_id text not null,
      mode text not null check (mode in ('rules', 'open')),
      rules jsonb,
      updated_at timestamptz not null default now(),
      primary key (org_id, table_id),
      foreign key (org_id, table_id) references dataset_tables (org_id, id) on delete cascade
    )`,
    `create table dashboards (
      org_id text not null references organizations (id) on delete cascade,
      id text not null,
      title text not null,
      description text not null default '',
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (org_id, id)
    )`,
    `create table dashboard_tiles (
      org_id text not null,
      id text not null,
      dashboard_id text not null,
      position integer not null,
      definition jsonb not null,
      primary key (org_id, id),
      foreign key (org_id, dashboard_id) references dashboards (org_id, id) on delete cascade
    )`,
    'create index dashboard_tiles_dashboard on dashboard_tiles (org_id, dashboard_id, position)',
  ],
};
