import { SQL_IDENTIFIER } from '../sql/params.ts';
import type { ColumnFormat, ColumnType } from './types.ts';

/**
 * Which dataset column type a PostgreSQL column becomes, from information_schema's `data_type` (and `udt_name`
 * for user-defined types). Types the query layer cannot aggregate, group or compare safely (json, arrays,
 * bytea, intervals, times of day, enums, geometry…) map to null: such columns are listed but not registered.
 */
const BY_DATA_TYPE: Record<string, ColumnType> = {
  smallint: 'number',
  integer: 'number',
  bigint: 'number',
  numeric: 'number',
  real: 'number',
  'double precision': 'number',
  text: 'string',
  'character varying': 'string',
  character: 'string',
  name: 'string',
  uuid: 'string',
  boolean: 'boolean',
  date: 'date',
  'timestamp without time zone': 'date',
  'timestamp with time zone': 'date',
};

const BY_UDT_NAME: Record<string, ColumnType> = { citext: 'string' };

const INTEGER_TYPES = new Set(['smallint', 'integer', 'bigint']);

export function datasetTypeOf(dataType: string, udtName: string): ColumnType | null {
  if (dataType === 'USER-DEFINED') return BY_UDT_NAME[udtName] ?? null;
  return BY_DATA_TYPE[dataType] ?? null;
}

/** Why a column of the target cannot be registered, or undefined when it can. */
export function unsupportedReason(name: string, dataType: string, udtName: string): string | undefined {
  if (!SQL_IDENTIFIER.test(name)) return 'its name is not a plain SQL identifier (letters, digits, "_")';
  if (datasetTypeOf(dataType, udtName) === null) return `type ${dataType === 'USER-DEFINED' ? udtName : dataType} is not supported`;
  return undefined;
}

/** Integer columns read as whole numbers by default; other types take their type's default format. */
export function defaultFormatOf(dataType: string): ColumnFormat | undefined {
  return INTEGER_TYPES.has(dataType) ? 'integer' : undefined;
}

/** "order_total" / "orderTotal" → "Order total": a readable default an admin can then edit. */
export function labelFromName(name: string): string {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[_\s-]+/)
    .filter(Boolean)
    .map((word) => word.toLowerCase());
  const text = words.join(' ') || name;
  return text.charAt(0).toUpperCase() + text.slice(1);
}
