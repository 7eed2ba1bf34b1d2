import type { Migration } from './index.ts';

/**
 * A per-organization counter for each cached table, bumped by a trigger on every write however it is made. Other
 * instances compare it every few seconds (events/postgres-change-relay.ts): a change whose NOTIFY was lost still
 * reaches their caches. A counter, not a digest of the rows: a change undone before the next check must still
 * flush a cache that was filled in between.
 */
export const CACHE_VERSIONS: Migration = {
  id: '006-cache-versions',
  statements: [
    `create table cache_versions (
      org_id text not null,
      kind text not null check (kind in ('origins', 'attributes')),
      version bigint not null,
      primary key (org_id, kind)
    )`,
    `create function tc_bump_cache_version() returns trigger language plpgsql as $$
    declare
      org text;
    begin
      if tg_op = 'DELETE' then org := old.org_id; else org := new.org_id; end if;
      insert into cache_versions (org_id, kind, version) values (org, tg_argv[0], 1)
        on conflict (org_id, kind) do update set version = cache_versions.version + 1;
      return null;
    end $$`,
    `create trigger authorized_origins_cache_version after insert or update or delete on authorized_origins
      for each row execute function tc_bump_cache_version('origins')`,
    `create trigger token_attributes_cache_version after insert or update or delete on token_attributes
      for each row execute function tc_bump_cache_version('attributes')`,
  ],
};
