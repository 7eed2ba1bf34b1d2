/**
 * The sample sales dataset, generated deterministically: the same seed gives the same rows on every machine, so
 * the demo, the tests and the docs all see the same numbers. Pure (no I/O); sample-data.ts loads it.
 */

export interface SalesRow {
  orderId: number;
  /** YYYY-MM-DD, 2024-01-01 … 2025-12-31. */
  orderDate: string;
  region: string;
  country: string;
  city: string;
  productCategory: string;
  product: string;
  channel: 'Online' | 'Retail';
  units: number;
  /** Two decimals, as text so the database stores the exact value. */
  revenue: string;
  cost: string;
}

export const SALES_ROW_COUNT = 60_000;
const SEED = 0x7c_e1_b0_2d;
const FIRST_DAY = Date.UTC(2024, 0, 1);
const DAY_COUNT = 731; // 2024 is a leap year: 366 + 365
const DAY_MS = 86_400_000;

interface Weighted<T> {
  value: T;
  weight: number;
}

const GEOGRAPHY: Weighted<{ region: string; countries: Weighted<{ country: string; cities: string[] }>[] }>[] = [
  {
    weight: 35,
    value: {
      region: 'North America',
      countries: [
        { weight: 80, value: { country: 'United States', cities: ['New York', 'San Francisco', 'Chicago', 'Austin', 'Seattle'] } },
        { weight: 20, value: { country: 'Canada', cities: ['Toronto', 'Vancouver', 'Montréal'] } },
      ],
    },
  },
  {
    weight: 30,
    value: {
      region: 'Europe',
      countries: [
        { weight: 22, value: { country: 'Germany', cities: ['Berlin', 'Munich', 'Hamburg'] } },
        { weight: 20, value: { country: 'United Kingdom', cities: ['London', 'Manchester', 'Edinburgh'] } },
        { weight: 20, value: { country: 'France', cities: ['Paris', 'Lyon', 'Marseille'] } },
        { weight: 14, value: { country: 'Spain', cities: ['Madrid', 'Barcelona'] } },
        { weight: 12, value: { country: 'Italy', cities: ['Milan', 'Rome'] } },
        { weight: 12, value: { country: 'Netherlands', cities: ['Amsterdam', 'Rotterdam'] } },
      ],
    },
  },
  {
    weight: 22,
    value: {
      region: 'Asia Pacific',
      countries: [
        { weight: 30, value: { country: 'Japan', cities: ['Tokyo', 'Osaka'] } },
        { weight: 25, value: { country: 'Australia', cities: ['Sydney', 'Melbourne'] } },
        { weight: 20, value: { country: 'India', cities: ['Mumbai', 'Bengaluru'] } },
        { weight: 15, value: { country: 'Singapore', cities: ['Singapore'] } },
        { weight: 10, value: { country: 'South Korea', cities: ['Seoul'] } },
      ],
    },
  },
  {
    weight: 13,
    value: {
      region: 'Latin America',
      countries: [
        { weight: 40, value: { country: 'Brazil', cities: ['São Paulo', 'Rio de Janeiro'] } },
        { weight: 30, value: { country: 'Mexico', cities: ['Mexico City', 'Guadalajara'] } },
        { weight: 12, value: { country: 'Argentina', cities: ['Buenos Aires'] } },
        { weight: 10, value: { country: 'Colombia', cities: ['Bogotá'] } },
        { weight: 8, value: { country: 'Chile', cities: ['Santiago'] } },
      ],
    },
  },
];

interface Product {
  product: string;
  unitPrice: number;
  maxUnits: number;
}

const CATALOGUE: Weighted<{ category: string; margin: number; products: Weighted<Product>[] }>[] = [
  {
    weight: 30,
    value: {
      category: 'Electronics',
      margin: 0.22,
      products: [
        { weight: 20, value: { product: 'Laptop', unitPrice: 1199, maxUnits: 3 } },
        { weight: 25, value: { product: 'Smartphone', unitPrice: 799, maxUnits: 4 } },
        { weight: 25, value: { product: 'Headphones', unitPrice: 149, maxUnits: 6 } },
        { weight: 15, value: { product: 'Monitor', unitPrice: 299, maxUnits: 4 } },
        { weight: 15, value: { product: 'Tablet', unitPrice: 499, maxUnits: 3 } },
      ],
    },
  },
  {
    weight: 20,
    value: {
      category: 'Furniture',
      margin: 0.3,
      products: [
        { weight: 30, value: { product: 'Office Chair', unitPrice: 249, maxUnits: 6 } },
        { weight: 20, value: { product: 'Standing Desk', unitPrice: 599, maxUnits: 3 } },
        { weight: 20, value: { product: 'Bookshelf', unitPrice: 179, maxUnits: 4 } },
        { weight: 30, value: { product: 'Desk Lamp', unitPrice: 45, maxUnits: 8 } },
      ],
    },
  },
  {
    weight: 35,
    value: {
      category: 'Office Supplies',
      margin: 0.4,
      products: [
        { weight: 30, value: { product: 'Notebook', unitPrice: 4.99, maxUnits: 40 } },
        { weight: 25, value: { product: 'Pen Set', unitPrice: 11.5, maxUnits: 30 } },
        { weight: 25, value: { product: 'Printer Paper', unitPrice: 24.99, maxUnits: 20 } },
        { weight: 20, value: { product: 'Stapler', unitPrice: 14.75, maxUnits: 15 } },
      ],
    },
  },
  {
    weight: 15,
    value: {
      category: 'Software',
      margin: 0.75,
      products: [
        { weight: 40, value: { product: 'Antivirus License', unitPrice: 59, maxUnits: 25 } },
        { weight: 40, value: { product: 'Office Suite', unitPrice: 149, maxUnits: 20 } },
        { weight: 20, value: { product: 'Design Suite', unitPrice: 599, maxUnits: 5 } },
      ],
    },
  },
];

const DISCOUNTS = [0, 0, 0, 0.05, 0.1, 0.15, 0.2];

/** mulberry32: a tiny 32-bit PRNG whose output is identical on every JavaScript engine. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function pick<T>(random: () => number, items: readonly Weighted<T>[]): T {
  const total = items.reduce((sum, item) => sum + item.weight, 0);
  let roll = random() * total;
  for (const item of items) {
    roll -= item.weight;
    if (roll < 0) return item.value;
  }
  return items[items.length - 1]!.value;
}

/** Orders grow through the two years and peak before the holidays; accepted by rejection sampling. */
function orderDay(random: () => number): number {
  for (;;) {
    const day = Math.floor(random() * DAY_COUNT);
    const month = new Date(FIRST_DAY + day * DAY_MS).getUTCMonth();
    const growth = 0.75 + 0.25 * (day / DAY_COUNT);
    const season = month === 10 || month === 11 ? 1 : month === 0 || month === 1 ? 0.7 : 0.85;
    if (random() < growth * season) return day;
  }
}

const cents = (value: number): string => (Math.round(value * 100) / 100).toFixed(2);

/** Yields the sample sales rows in order_id order. */
export function* generateSalesRows(count = SALES_ROW_COUNT): Generator<SalesRow> {
  const random = mulberry32(SEED);
  for (let orderId = 1; orderId <= count; orderId++) {
    const geography = pick(random, GEOGRAPHY);
    const place = pick(random, geography.countries);
    const city = place.cities[Math.floor(random() * place.cities.length)]!;
    const category = pick(random, CATALOGUE);
    const item = pick(random, category.products);
    const channel = random() < 0.6 ? 'Online' : 'Retail';
    const units = 1 + Math.floor(random() * item.maxUnits);
    const discount = DISCOUNTS[Math.floor(random() * DISCOUNTS.length)]!;
    const revenue = units * item.unitPrice * (1 - discount);
    // Cost varies around the category's margin, so some orders (deep discounts) lose money.
    const cost = units * item.unitPrice * (1 - category.margin) * (0.9 + random() * 0.2);
    const orderDate = new Date(FIRST_DAY + orderDay(random) * DAY_MS).toISOString().slice(0, 10);
    yield {
      orderId,
      orderDate,
      region: geography.region,
      country: place.country,
      city,
      productCategory: category.category,
      product: item.product,
      channel,
      units,
      revenue: cents(revenue),
      cost: cents(cost),
    };
  }
}
