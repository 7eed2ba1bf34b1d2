import type { DashboardDefinition } from '../dashboards/definition.ts';

/** The seeded "Sales overview" dashboard over the sample `sales` table. */
export const SALES_DASHBOARD: DashboardDefinition = {
  id: 'sales',
  title: 'Sales overview',
  description: 'Revenue, orders and best sellers of the sample retailer, 2024–2025.',
  tiles: [
    {
      id: 'revenue-total',
      title: 'Revenue',
      type: 'kpi',
      layout: { x: 0, y: 0, w: 3, h: 2 },
      query: { table: 'sales', measures: [{ key: 'revenue', aggregate: 'sum', column: 'revenue', label: 'Revenue' }] },
    },
    {
      id: 'orders-total',
      title: 'Orders',
      type: 'kpi',
      layout: { x: 3, y: 0, w: 3, h: 2 },
      query: { table: 'sales', measures: [{ key: 'orders', aggregate: 'count', label: 'Orders' }] },
    },
    {
      id: 'units-total',
      title: 'Units sold',
      type: 'kpi',
      layout: { x: 6, y: 0, w: 3, h: 2 },
      query: { table: 'sales', measures: [{ key: 'units', aggregate: 'sum', column: 'units', label: 'Units sold' }] },
    },
    {
      id: 'average-order',
      title: 'Average order',
      type: 'kpi',
      layout: { x: 9, y: 0, w: 3, h: 2 },
      query: { table: 'sales', measures: [{ key: 'average_revenue', aggregate: 'avg', column: 'revenue', label: 'Average order' }] },
    },
    {
      id: 'revenue-by-month',
      title: 'Revenue by month',
      type: 'line',
      layout: { x: 0, y: 2, w: 8, h: 4 },
      query: {
        table: 'sales',
        dimensions: [{ key: 'month', column: 'order_date', granularity: 'month', label: 'Month' }],
        measures: [{ key: 'revenue', aggregate: 'sum', column: 'revenue', label: 'Revenue' }],
        sort: [{ key: 'month', direction: 'asc' }],
      },
    },
    {
      id: 'revenue-by-region',
      title: 'Revenue by region',
      type: 'bar',
      layout: { x: 8, y: 2, w: 4, h: 4 },
      query: {
        table: 'sales',
        dimensions: [{ key: 'region', column: 'region' }],
        measures: [{ key: 'revenue', aggregate: 'sum', column: 'revenue', label: 'Revenue' }],
        sort: [{ key: 'revenue', direction: 'desc' }],
      },
    },
    {
      id: 'top-products',
      title: 'Top products',
      type: 'table',
      layout: { x: 0, y: 6, w: 12, h: 4 },
      query: {
        table: 'sales',
        dimensions: [
          { key: 'product', column: 'product' },
          { key: 'category', column: 'product_category', label: 'Category' },
        ],
        measures: [
          { key: 'revenue', aggregate: 'sum', column: 'revenue', label: 'Revenue' },
          { key: 'units', aggregate: 'sum', column: 'units', label: 'Units' },
          { key: 'orders', aggregate: 'count', label: 'Orders' },
        ],
        sort: [{ key: 'revenue', direction: 'desc' }],
        limit: 10,
      },
    },
  ],
};
