import { SAMPLE_CONNECTION_ID } from '../connections/query-runner.ts';
import type { DatasetTableDefinition } from '../datasets/types.ts';
import type { RuleGroup } from '../rls/rules.ts';
import { SAMPLE_SCHEMA } from './sample-data.ts';

/** How the sample `sales` table is described to admins and to the assistant. */
export const SALES_TABLE: DatasetTableDefinition = {
  id: 'sales',
  connectionId: SAMPLE_CONNECTION_ID,
  schemaName: SAMPLE_SCHEMA,
  tableName: 'sales',
  label: 'Sales',
  description: 'One row per order line of a fictional retailer, January 2024 to December 2025, in US dollars.',
  columns: [
    { name: 'order_id', type: 'number', label: 'Order ID', description: 'Unique number of the order line.', format: 'integer', synonyms: ['order number'] },
    { name: 'order_date', type: 'date', label: 'Order date', description: 'Day the order was placed.', synonyms: ['date', 'day', 'when'] },
    { name: 'region', type: 'string', label: 'Region', description: 'Sales region: Europe, North America, Asia Pacific or Latin America.', synonyms: ['territory', 'area', 'market'] },
    { name: 'country', type: 'string', label: 'Country', description: 'Country of the customer.', synonyms: ['nation'] },
    { name: 'city', type: 'string', label: 'City', description: 'City of the customer.', synonyms: ['town', 'location'] },
    { name: 'product_category', type: 'string', label: 'Product category', description: 'Electronics, Furniture, Office Supplies or Software.', synonyms: ['category', 'product line'] },
    { name: 'product', type: 'string', label: 'Product', description: 'Product sold.', synonyms: ['item', 'sku'] },
    { name: 'channel', type: 'string', label: 'Channel', description: 'Where the order was placed: Online or Retail.', synonyms: ['sales channel', 'store type'] },
    { name: 'units', type: 'number', label: 'Units', description: 'Number of units in the order line.', format: 'integer', synonyms: ['quantity', 'volume', 'items sold'] },
    { name: 'revenue', type: 'number', label: 'Revenue', description: 'Amount invoiced after discount, in US dollars.', format: 'currency', synonyms: ['sales', 'turnover', 'income'] },
    { name: 'cost', type: 'number', label: 'Cost', description: 'Cost of the goods sold, in US dollars.', format: 'currency', synonyms: ['cogs', 'expense'] },
  ],
};

/** The demo's rule: a user sees the sales of the region named by the token's `region` attribute. */
export const SALES_REGION_RULE: RuleGroup = {
  combinator: 'and',
  rules: [{ column: 'region', operator: 'equals', attribute: 'region' }],
};
