/** The dataset tables and columns an organization exposes to dashboards and the assistant. */

export const COLUMN_TYPES = ['string', 'number', 'boolean', 'date'] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];

export const COLUMN_FORMATS = ['currency', 'number', 'integer', 'percent', 'date', 'month', 'text'] as const;
export type ColumnFormat = (typeof COLUMN_FORMATS)[number];

/** Which display formats suit which column type. */
export const FORMATS_BY_TYPE: Record<ColumnType, readonly ColumnFormat[]> = {
  string: ['text'],
  boolean: ['text'],
  number: ['number', 'integer', 'currency', 'percent'],
  date: ['date', 'month'],
};

export const DEFAULT_FORMAT: Record<ColumnType, ColumnFormat> = {
  string: 'text',
  boolean: 'text',
  number: 'number',
  date: 'date',
};

export interface DatasetColumn {
  name: string;
  type: ColumnType;
  label: string;
  description: string;
  /** Other words users say for this column; the assistant matches questions against them. */
  synonyms: string[];
  format: ColumnFormat;
}

export interface DatasetTable {
  /** Unique per organization; what dashboards, rules and the assistant name. */
  id: string;
  /** The data connection holding the table: `sample` (built in) or a connection id. */
  connectionId: string;
  schemaName: string;
  tableName: string;
  label: string;
  description: string;
  columns: DatasetColumn[];
  updatedAt: string;
}

export interface DatasetTableDefinition {
  id: string;
  connectionId: string;
  schemaName: string;
  tableName: string;
  label: string;
  description?: string;
  columns: (Pick<DatasetColumn, 'name' | 'type' | 'label'> & Partial<Pick<DatasetColumn, 'description' | 'synonyms' | 'format'>>)[];
}

/** Ids of tables, dashboards and tiles: lowercase, URL-safe, at most 64 characters. */
export const RESOURCE_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;
