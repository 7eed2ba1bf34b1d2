import type { DatasetService } from '../datasets/service.ts';
import { RESOURCE_ID } from '../datasets/types.ts';
import { TcError, notFound } from '../errors.ts';
import type { Queryable, Store } from '../store/store.ts';
import { parseDashboardDefinition, type DashboardDefinition, type TileDefinition } from './definition.ts';

export interface StoredDashboard extends DashboardDefinition {
  createdAt: string;
  updatedAt: string;
}

export interface DashboardSummary {
  id: string;
  title: string;
  description: string;
  tileCount: number;
  updatedAt: string;
}

const UNIQUE_VIOLATION = '23505';

/** Unknown ids and ids of another organization read the same, so ids cannot be probed. */
export const dashboardNotFound = (id: string) => notFound(`Dashboard ${JSON.stringify(id.slice(0, 64))}`);
export const chartNotFound = (id: string) => notFound(`Chart ${JSON.stringify(id.slice(0, 64))}`);

/** Dashboards of an organization and their tiles (admin API, CLI, seed); embed views read them through here. */
export class DashboardService {
  constructor(
    private readonly store: Store,
    private readonly datasets: DatasetService,
  ) {}

  async list(orgId: string): Promise<DashboardSummary[]> {
    const rows = await this.store.query<{ id: string; title: string; description: string; tile_count: number; updated_at: Date }>(
      `select d.id, d.title, d.description, d.updated_at, count(t.id) as tile_count
       from dashboards d left join dashboard_tiles t on t.org_id = d.org_id and t.dashboard_id = d.id
       where d.org_id = $1 group by d.id, d.title, d.description, d.updated_at order by d.id`,
      [orgId],
    );
    return rows.map((row) => ({
      id: row.id,
      title: row.title,
      description: row.description,
      tileCount: row.tile_count,
      updatedAt: row.updated_at.toISOString(),
    }));
  }

  async find(orgId: string, id: string): Promise<StoredDashboard | undefined> {
    if (!RESOURCE_ID.test(id)) return undefined;
    const [dashboards, tiles] = await Promise.all([
      this.store.query<{ id: string; title: string; description: string; created_at: Date; updated_at: Date }>(
        'select id, title, description, created_at, updated_at from dashboards where org_id = $1 and id = $2',
        [orgId, id],
      ),
      this.store.query<{ definition: TileDefinition }>(
        'select definition from dashboard_tiles where org_id = $1 and dashboard_id = $2 order by position',
        [orgId, id],
      ),
    ]);
    const row = dashboards[0];
    if (!row) return undefined;
    return {
      id: row.id,
      title: row.title,
      description: row.description,
      tiles: tiles.map((tile) => tile.definition),
      createdAt: row.created_at.toISOString(),
      updatedAt: row.updated_at.toISOString(),
    };
  }

  async get(orgId: string, id: string): Promise<StoredDashboard> {
    const dashboard = await this.find(orgId, id);
    if (!dashboard) throw dashboardNotFound(id);
    return dashboard;
  }

  /** The tile with this id and the dashboard it belongs to. */
  async findTile(orgId: string, tileId: string): Promise<{ dashboardId: string; tile: TileDefinition } | undefined> {
    if (!RESOURCE_ID.test(tileId)) return undefined;
    const rows = await this.store.query<{ dashboard_id: string; definition: TileDefinition }>(
      'select dashboard_id, definition from dashboard_tiles where org_id = $1 and id = $2',
      [orgId, tileId],
    );
    return rows[0] ? { dashboardId: rows[0].dashboard_id, tile: rows[0].definition } : undefined;
  }

  /** POST: a new dashboard; 409 when the id is taken. */
  async create(orgId: string, body: unknown): Promise<StoredDashboard> {
    const definition = await this.parse(orgId, body);
    await this.write(orgId, definition, 'create');
    return this.get(orgId, definition.id);
  }

  /** PUT: replaces an existing dashboard's title, description and whole tile list. */
  async replace(orgId: string, id: string, body: unknown): Promise<StoredDashboard> {
    if (!(await this.find(orgId, id))) throw dashboardNotFound(id);
    const definition = await this.parse(orgId, body, id);
    await this.write(orgId, definition, 'replace');
    return this.get(orgId, id);
  }

  /** CLI import and seed: creates the dashboard or replaces the one with the same id. */
  async upsert(orgId: string, body: unknown): Promise<{ dashboard: StoredDashboard; created: boolean }> {
    const definition = await this.parse(orgId, body);
    const created = !(await this.find(orgId, definition.id));
    await this.write(orgId, definition, 'upsert');
    return { dashboard: await this.get(orgId, definition.id), created };
  }

  async remove(orgId: string, id: string): Promise<void> {
    const rows = RESOURCE_ID.test(id)
      ? await this.store.query('delete from dashboards where org_id = $1 and id = $2 returning id', [orgId, id])
      : [];
    if (rows.length === 0) throw dashboardNotFound(id);
  }

  private parse(orgId: string, body: unknown, expectedId?: string): Promise<DashboardDefinition> {
    return parseDashboardDefinition(body, (tableId) => this.datasets.find(orgId, tableId), expectedId);
  }

  private async write(orgId: string, definition: DashboardDefinition, mode: 'create' | 'replace' | 'upsert'): Promise<void> {
    try {
      await this.store.transaction(async (tx) => {
        await this.checkTileIds(tx, orgId, definition);
        const written = await tx.query(
          mode === 'create'
            ? `insert into dashboards (org_id, id, title, description) values ($1, $2, $3, $4)
               on conflict (org_id, id) do nothing returning id`
            : `insert into dashboards (org_id, id, title, description) values ($1, $2, $3, $4)
               on conflict (org_id, id) do update set title = excluded.title, description = excluded.description, updated_at = now()
               returning id`,
          [orgId, definition.id, definition.title, definition.description],
        );
        if (written.length === 0) {
          throw new TcError('conflict', `id "${definition.id}" is taken: that dashboard already exists; replace it with PUT /api/dashboards/${definition.id}.`, [
            { field: 'id', message: 'already exists' },
          ]);
        }
        await tx.query('delete from dashboard_tiles where org_id = $1 and dashboard_id = $2', [orgId, definition.id]);
        for (const [position, tile] of definition.tiles.entries()) {
          await tx.query(
            'insert into dashboard_tiles (org_id, id, dashboard_id, position, definition) values ($1, $2, $3, $4, $5::jsonb)',
            [orgId, tile.id, definition.id, position, JSON.stringify(tile)],
          );
        }
      });
    } catch (error) {
      // Two writers racing for one tile id: the primary key decides, and the loser hears why.
      if ((error as { code?: string } | null)?.code === UNIQUE_VIOLATION) {
        throw new TcError('conflict', 'A tile id of this dashboard was just taken by another dashboard; choose other tile ids.');
      }
      throw error;
    }
  }

  private async checkTileIds(tx: Queryable, orgId: string, definition: DashboardDefinition): Promise<void> {
    const taken = await tx.query<{ id: string; dashboard_id: string }>(
      'select id, dashboard_id from dashboard_tiles where org_id = $1 and id = any($2::text[]) and dashboard_id <> $3',
      [orgId, definition.tiles.map((tile) => tile.id), definition.id],
    );
    if (taken[0]) {
      const index = definition.tiles.findIndex((tile) => tile.id === taken[0]!.id);
      throw new TcError(
        'conflict',
        `tiles[${index}].id "${taken[0].id}" is already a tile of dashboard "${taken[0].dashboard_id}"; tile ids are unique in the organization.`,
        [{ field: `tiles[${index}].id`, message: 'already used by another dashboard' }],
      );
    }
  }
}
