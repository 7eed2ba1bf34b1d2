import type { DatasetTable } from '../datasets/types.ts';
import { RESOURCE_ID } from '../datasets/types.ts';
import { invalidRequest } from '../errors.ts';
import type { DatasetQuery } from '../query/types.ts';
import { resolveDatasetQuery } from '../query/validate.ts';
import { expectArray, expectInteger, expectObject, expectOneOf, expectString } from '../validation/input.ts';

/** A dashboard: a title and a 12-column grid of tiles, each a chart over a dataset query. */
export interface DashboardDefinition {
  id: string;
  title: string;
  description: string;
  tiles: TileDefinition[];
}

export const TILE_TYPES = ['kpi', 'bar', 'line', 'table'] as const;
export type TileType = (typeof TILE_TYPES)[number];

export interface TileLayout {
  /** Column of the left edge, 0–11. */
  x: number;
  /** Row of the top edge. */
  y: number;
  /** Width in columns; x + w ≤ 12. */
  w: number;
  /** Height in rows. */
  h: number;
}

export interface TileDefinition {
  /** Unique within the organization: a single chart is embedded by it. */
  id: string;
  title: string;
  type: TileType;
  layout: TileLayout;
  query: DatasetQuery;
}

export const GRID_COLUMNS = 12;
const MAX_TILES = 40;
const MAX_ROWS = 200;
const MAX_HEIGHT = 24;
const ID_HINT = 'lowercase letters, digits, "-" or "_", at most 64 characters, e.g. "revenue-by-month"';

function parseLayout(value: unknown, field: string): TileLayout {
  const layout = expectObject(value, field, ['x', 'y', 'w', 'h']);
  const x = expectInteger(layout.x, `${field}.x`, 0, GRID_COLUMNS - 1);
  const w = expectInteger(layout.w, `${field}.w`, 1, GRID_COLUMNS);
  if (x + w > GRID_COLUMNS) throw invalidRequest(`${field}.w`, `${field}.w is too wide: x + w must be at most ${GRID_COLUMNS} (the grid has ${GRID_COLUMNS} columns); got ${x} + ${w}.`);
  return { x, y: expectInteger(layout.y, `${field}.y`, 0, MAX_ROWS), w, h: expectInteger(layout.h, `${field}.h`, 1, MAX_HEIGHT) };
}

/** What each tile type can draw: a KPI is one number; bar and line charts plot measures over one dimension. */
function checkShape(type: TileType, dimensions: number, measures: number, field: string): void {
  if (type === 'kpi' && (dimensions !== 0 || measures !== 1)) {
    throw invalidRequest(`${field}.query`, `${field}.query must have exactly one measure and no dimensions: a kpi tile shows one number.`);
  }
  if ((type === 'bar' || type === 'line') && (dimensions !== 1 || measures < 1)) {
    throw invalidRequest(`${field}.query`, `${field}.query must have exactly one dimension (the axis) and at least one measure for a ${type} tile.`);
  }
}

/**
 * Validates a dashboard definition from the admin API, the CLI or the seed, including every tile's query
 * against the organization's table metadata. `expectedId` is the id in the URL of a PUT.
 */
export async function parseDashboardDefinition(
  body: unknown,
  findTable: (tableId: string) => Promise<DatasetTable | undefined>,
  expectedId?: string,
): Promise<DashboardDefinition> {
  const input = expectObject(body, 'body', ['id', 'title', 'description', 'tiles']);
  const id = input.id === undefined && expectedId !== undefined ? expectedId : expectString(input.id, 'id', { max: 64, pattern: RESOURCE_ID, hint: ID_HINT });
  if (expectedId !== undefined && id !== expectedId) {
    throw invalidRequest('id', `id "${id}" differs from the dashboard in the URL ("${expectedId}"); a dashboard's id cannot change.`);
  }
  const title = expectString(input.title, 'title', { max: 200 });
  const description = input.description === undefined ? '' : expectString(input.description, 'description', { min: 0, max: 2000 });
  const tileInputs = input.tiles === undefined ? [] : expectArray(input.tiles, 'tiles', MAX_TILES);

  const seen = new Set<string>();
  const tiles: TileDefinition[] = [];
  for (const [i, value] of tileInputs.entries()) {
    const field = `tiles[${i}]`;
    const tile = expectObject(value, field, ['id', 'title', 'type', 'layout', 'query']);
    const tileId = expectString(tile.id, `${field}.id`, { max: 64, pattern: RESOURCE_ID, hint: ID_HINT });
    if (seen.has(tileId)) throw invalidRequest(`${field}.id`, `${field}.id "${tileId}" is used by another tile of this dashboard; tile ids are unique.`);
    seen.add(tileId);
    const type = expectOneOf(tile.type, `${field}.type`, TILE_TYPES);
    const resolved = await resolveDatasetQuery(tile.query, findTable, `${field}.query`);
    checkShape(type, resolved.dimensions.length, resolved.measures.length, field);
    tiles.push({
      id: tileId,
      title: expectString(tile.title, `${field}.title`, { max: 200 }),
      type,
      layout: parseLayout(tile.layout, `${field}.layout`),
      // Stored as given (validated, unknown fields refused); resolved again at run time against current metadata.
      query: tile.query as DatasetQuery,
    });
  }
  return { id, title, description, tiles };
}
