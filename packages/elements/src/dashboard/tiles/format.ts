import type { TileColumn } from '../dashboard-types.js';

const formatters = new Map<string, (value: number | Date) => string>();

function formatterFor(column: TileColumn): (value: number | Date) => string {
  const key = `${column.format ?? column.type}|${column.currency ?? ''}`;
  let format = formatters.get(key);
  if (format) return format;
  switch (column.format) {
    case 'currency':
      format = numberFormat({ style: 'currency', currency: column.currency ?? 'USD', maximumFractionDigits: 0 });
      break;
    case 'integer':
      format = numberFormat({ maximumFractionDigits: 0 });
      break;
    case 'percent':
      format = numberFormat({ style: 'percent', maximumFractionDigits: 1 });
      break;
    case 'month':
      format = dateFormat({ year: 'numeric', month: 'short', timeZone: 'UTC' });
      break;
    case 'date':
      format = dateFormat({ dateStyle: 'medium', timeZone: 'UTC' });
      break;
    default:
      format = column.type === 'date' ? dateFormat({ dateStyle: 'medium', timeZone: 'UTC' }) : numberFormat({ maximumFractionDigits: 2 });
  }
  formatters.set(key, format);
  return format;
}

function numberFormat(options: Intl.NumberFormatOptions): (value: number | Date) => string {
  const format = new Intl.NumberFormat(undefined, options);
  return (value) => format.format(value as number);
}

function dateFormat(options: Intl.DateTimeFormatOptions): (value: number | Date) => string {
  const format = new Intl.DateTimeFormat(undefined, options);
  return (value) => format.format(value);
}

/** A cell as the reader should see it, in the page's locale; empty for null. */
export function formatCell(value: unknown, column: TileColumn): string {
  if (value === null || value === undefined) return '';
  if (column.format === 'text' || (column.type === 'string' && column.format === undefined)) return String(value);
  if (column.type === 'date' || column.format === 'date' || column.format === 'month') {
    const date = new Date(value as string);
    return Number.isNaN(date.getTime()) ? String(value) : formatterFor(column)(date);
  }
  return typeof value === 'number' ? formatterFor(column)(value) : String(value);
}

export function isNumeric(column: TileColumn): boolean {
  return column.type === 'number';
}
