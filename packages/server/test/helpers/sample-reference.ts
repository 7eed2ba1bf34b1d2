import { generateSalesRows, type SalesRow } from '../../src/sample/sales-generator.ts';

/**
 * Reference figures for the sample dataset computed in JavaScript from the generator itself, so tests check the
 * database, the query compiler and row-level security against numbers that never went through them.
 * Money is summed in integer cents, exactly.
 */
export const SAMPLE_ROWS: readonly SalesRow[] = [...generateSalesRows()];

const cents = (amount: string) => Math.round(Number(amount) * 100);

export interface SalesFigures {
  orders: number;
  units: number;
  revenueCents: number;
  byMonth: Map<string, number>;
  byRegion: Map<string, number>;
  byProduct: Map<string, { category: string; revenueCents: number; units: number; orders: number }>;
}

export function salesFigures(keep: (row: SalesRow) => boolean = () => true): SalesFigures {
  const figures: SalesFigures = { orders: 0, units: 0, revenueCents: 0, byMonth: new Map(), byRegion: new Map(), byProduct: new Map() };
  for (const row of SAMPLE_ROWS) {
    if (!keep(row)) continue;
    const revenue = cents(row.revenue);
    figures.orders += 1;
    figures.units += row.units;
    figures.revenueCents += revenue;
    const month = `${row.orderDate.slice(0, 7)}-01`;
    figures.byMonth.set(month, (figures.byMonth.get(month) ?? 0) + revenue);
    figures.byRegion.set(row.region, (figures.byRegion.get(row.region) ?? 0) + revenue);
    const product = figures.byProduct.get(row.product) ?? { category: row.productCategory, revenueCents: 0, units: 0, orders: 0 };
    product.revenueCents += revenue;
    product.units += row.units;
    product.orders += 1;
    figures.byProduct.set(row.product, product);
  }
  return figures;
}

/** A money value from the API, in cents (numeric sums arrive as JavaScript numbers). */
export const toCents = (value: unknown): number => Math.round(Number(value) * 100);
