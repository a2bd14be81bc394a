/**
 * The translator's SQL run on a real database: PGlite, or the PostgreSQL of TEST_DATABASE_URL.
 * A stand-in table of its own (a temporary one), so that this test needs nothing of packages/db.
 */
import { PGlite } from '@electric-sql/pglite';
import { type SQL, type SQLWrapper, sql } from 'drizzle-orm';
import { bigint, date, numeric, PgDialect, pgTable, text } from 'drizzle-orm/pg-core';
import fc from 'fast-check';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildGridQuery,
  CUSTOMER_CHARGE_COLUMN_IDS,
  CUSTOMER_CHARGE_COLUMN_RULES,
  CUSTOMER_CHARGE_DEFAULT_SORT,
  customerChargeGridCatalogue,
  GridQueryValidationError,
} from './index';

const t = pgTable('ccr_grid_test', {
  id: text('id'),
  invoiceNumber: text('invoice_number'),
  invoiceDate: date('invoice_date'),
  type: text('type'),
  customer: text('customer'),
  description: text('description'),
  startDate: date('start_date'),
  endDate: date('end_date'),
  unitCostPrice: numeric('unit_cost_price'),
  unitSellPrice: numeric('unit_sell_price'),
  quantity: numeric('quantity'),
  unit: text('unit'),
  totalCostPrice: numeric('total_cost_price'),
  totalSellPrice: numeric('total_sell_price'),
  productType: text('product_type'),
  productName: text('product_name'),
  quantityE4: bigint('quantity_e4', { mode: 'number' }),
});
const catalogue = customerChargeGridCatalogue(t);
/** The same, with the quantity sorted and filtered on its exact integer copy in ten-thousandths. */
const scaledCatalogue = customerChargeGridCatalogue(
  Object.fromEntries(
    CUSTOMER_CHARGE_COLUMN_IDS.map((id) => [id, id === 'quantity' ? t.quantityE4 : t[id]]),
  ) as unknown as Record<(typeof CUSTOMER_CHARGE_COLUMN_IDS)[number], SQLWrapper>,
  { quantity: 10_000 },
);
const options = { tiebreak: t.id, defaultSort: CUSTOMER_CHARGE_DEFAULT_SORT };
const dialect = new PgDialect();

const DDL = `create temporary table ccr_grid_test (
  id text primary key, invoice_number text, invoice_date date, type text, customer text,
  description text, start_date date, end_date date, unit_cost_price numeric, unit_sell_price numeric,
  quantity numeric, unit text, total_cost_price numeric, total_sell_price numeric,
  product_type text, product_name text,
  quantity_e4 bigint generated always as ((quantity * 10000)::bigint) stored)`;
const ROWS = `insert into ccr_grid_test values
  ('1', 'INV-0001', '2026-01-31', 'DEBIT', 'Acme 100%_off', 'Azure Plan (1/12)', '2026-01-01', '2026-01-31', 1, 2, 3, 'Month', 3, 6, 'Subscription', 'Azure Plan'),
  ('2', 'INV-0002', '2026-02-28', 'CREDIT', null, 'back\\slash', '2026-02-01', null, 1, 2, 2.5, 'Month', -2.5, -5, 'Subscription', 'M365'),
  ('3', 'INV-0002', '2026-02-28', 'DEBIT', 'Acme 1000 off', '', '2026-02-01', '2026-02-28', 1, 2, 10, 'Year', 10, 20, 'Pay-per-use', 'Azure Plan'),
  ('4', 'INV-0003', '2026-03-31', 'DEBIT', 'Zed''s', 'O''Brien; drop table x', '2026-03-01', '2026-03-31', 1, 2, 1, 'Month', 1, 2, 'Pay-per-use', 'Dropbox')`;

interface Runner {
  query(text: string, params: unknown[]): Promise<{ id: string }[]>;
  close(): Promise<void>;
}

async function open(): Promise<Runner> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    const lite = new PGlite();
    await lite.exec(`${DDL}; ${ROWS}`);
    return {
      query: async (q, p) => (await lite.query<{ id: string }>(q, p)).rows,
      close: () => lite.close(),
    };
  }
  // One connection, so that the temporary table is seen by every query.
  const pg = postgres(url, { max: 1, onnotice: () => {} });
  await pg.unsafe(DDL);
  await pg.unsafe(ROWS);
  return {
    query: async (q, p) => [...(await pg.unsafe<{ id: string }[]>(q, p as never[]))],
    close: () => pg.end({ timeout: 5 }),
  };
}

let db: Runner;
beforeAll(async () => {
  db = await open();
});
afterAll(async () => {
  await db?.close();
});

async function ids(request: Record<string, unknown>, cat = catalogue): Promise<string[]> {
  const q = buildGridQuery(cat, { startRow: 0, endRow: 100, ...request }, options);
  const query: SQL = sql`select ${t.id} as id from ${t} where ${q.where} order by ${q.orderBy} limit ${q.limit} offset ${q.offset}`;
  const { sql: text, params } = dialect.sqlToQuery(query);
  return (await db.query(text, params)).map((r) => r.id);
}

describe('grid SQL on a real database', () => {
  it('orders by invoice number descending, then the row id', async () => {
    expect(await ids({})).toEqual(['4', '3', '2', '1']);
    expect(await ids({ sortModel: [{ colId: 'quantity', sort: 'asc' }] })).toEqual(['4', '2', '1', '3']);
    expect(await ids({ startRow: 1, endRow: 3 })).toEqual(['3', '2']);
  });

  const cases: [string, Record<string, unknown>, string[]][] = [
    [
      'contains matches wildcards literally',
      { customer: { filterType: 'text', type: 'contains', filter: '100%_' } },
      ['1'],
    ],
    [
      'equals ignores case',
      { customer: { filterType: 'text', type: 'equals', filter: 'ACME 100%_OFF' } },
      ['1'],
    ],
    [
      'notEqual keeps blanks',
      { customer: { filterType: 'text', type: 'notEqual', filter: 'acme 100%_off' } },
      ['4', '3', '2'],
    ],
    [
      'notContains keeps blanks',
      { customer: { filterType: 'text', type: 'notContains', filter: 'acme' } },
      ['4', '2'],
    ],
    ['startsWith', { productName: { filterType: 'text', type: 'startsWith', filter: 'azure' } }, ['3', '1']],
    ['endsWith', { productName: { filterType: 'text', type: 'endsWith', filter: 'PLAN' } }, ['3', '1']],
    [
      'a backslash is literal',
      { description: { filterType: 'text', type: 'contains', filter: 'k\\s' } },
      ['2'],
    ],
    [
      'quotes are literal',
      { description: { filterType: 'text', type: 'startsWith', filter: "O'Brien; drop" } },
      ['4'],
    ],
    ['text blank: null or empty', { description: { filterType: 'text', type: 'blank' } }, ['3']],
    ['text notBlank', { customer: { filterType: 'text', type: 'notBlank' } }, ['4', '3', '1']],
    ['number equals a decimal', { quantity: { filterType: 'number', type: 'equals', filter: 2.5 } }, ['2']],
    [
      'number inRange (exclusive)',
      { quantity: { filterType: 'number', type: 'inRange', filter: 1, filterTo: 10 } },
      ['2', '1'],
    ],
    [
      'number greaterThanOrEqual',
      { quantity: { filterType: 'number', type: 'greaterThanOrEqual', filter: 3 } },
      ['3', '1'],
    ],
    [
      'date lessThan',
      { invoiceDate: { filterType: 'date', type: 'lessThan', dateFrom: '2026-02-28 00:00:00' } },
      ['1'],
    ],
    [
      'date equals',
      { invoiceDate: { filterType: 'date', type: 'equals', dateFrom: '2026-02-28 00:00:00' } },
      ['3', '2'],
    ],
    ['date blank', { endDate: { filterType: 'date', type: 'blank' } }, ['2']],
    ['set', { type: { filterType: 'set', values: ['Credit'] } }, ['2']],
    ['set none', { type: { filterType: 'set', values: [] } }, []],
  ];
  for (const [name, filterModel, expected] of cases) {
    it(name, async () => {
      expect(await ids({ filterModel })).toEqual(expected);
    });
  }

  it('an Advanced Filter with nested groups, AND the column filters', async () => {
    expect(
      await ids({
        filterModel: { productType: { filterType: 'text', type: 'equals', filter: 'pay-per-use' } },
        advancedFilterModel: {
          filterType: 'join',
          type: 'OR',
          conditions: [
            { filterType: 'number', colId: 'quantity', type: 'lessThan', filter: 2 },
            {
              filterType: 'join',
              type: 'AND',
              conditions: [
                { filterType: 'date', colId: 'startDate', type: 'equals', filter: '2026-02-01' },
                { filterType: 'set', colId: 'type', values: ['DEBIT'] },
              ],
            },
          ],
        },
      }),
    ).toEqual(['4', '3']);
  });

  it('a number filter on the scaled integer copy selects the same rows as on the numeric column', async () => {
    const values = [
      0,
      1,
      2.5,
      2.4999,
      2.50001,
      2.49999999,
      3,
      9.99995,
      10,
      10.00001,
      1e-4,
      1e-5,
      0.1 + 0.2,
      -5,
      1e15,
      1e300,
      -1e300,
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(
          'equals',
          'notEqual',
          'lessThan',
          'lessThanOrEqual',
          'greaterThan',
          'greaterThanOrEqual',
          'inRange',
          'blank',
          'notBlank',
        ),
        fc.constantFrom(...values),
        fc.constantFrom(...values),
        fc.boolean(),
        async (type, filter, filterTo, inclusive) => {
          const request = {
            sortModel: [{ colId: 'quantity', sort: 'asc' }],
            filterModel: { quantity: { filterType: 'number', type, filter, filterTo } },
          };
          const opts = { ...options, inRangeInclusive: inclusive };
          const plain = buildGridQuery(catalogue, { startRow: 0, endRow: 100, ...request }, opts);
          const scaled = buildGridQuery(scaledCatalogue, { startRow: 0, endRow: 100, ...request }, opts);
          const run = async (q: typeof plain) => {
            const { sql: text, params } = dialect.sqlToQuery(
              sql`select ${t.id} as id from ${t} where ${q.where} order by ${q.orderBy}`,
            );
            return (await db.query(text, params)).map((r) => r.id);
          };
          expect(await run(scaled)).toEqual(await run(plain));
        },
      ),
      { numRuns: 300 },
    );
  }, 60_000);

  it('any valid random request runs', async () => {
    const filterable = CUSTOMER_CHARGE_COLUMN_IDS.filter((id) => CUSTOMER_CHARGE_COLUMN_RULES[id].filterable);
    const value = fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom("'", '%', '_', '\\', '"', ';--'));
    const leaf = fc.constantFrom(...filterable).chain((colId): fc.Arbitrary<Record<string, unknown>> => {
      const { kind } = CUSTOMER_CHARGE_COLUMN_RULES[colId];
      if (kind === 'text') {
        return fc.record({
          filterType: fc.constant('text'),
          colId: fc.constant(colId),
          type: fc.constantFrom(
            'contains',
            'notContains',
            'equals',
            'notEqual',
            'startsWith',
            'endsWith',
            'blank',
            'notBlank',
          ),
          filter: value,
        });
      }
      if (kind === 'set') {
        return fc.record({
          filterType: fc.constant('set'),
          colId: fc.constant(colId),
          values: fc.subarray(['Debit', 'CREDIT', null]),
        });
      }
      const scalarOps = [
        'equals',
        'notEqual',
        'lessThan',
        'lessThanOrEqual',
        'greaterThan',
        'greaterThanOrEqual',
        'inRange',
        'blank',
        'notBlank',
      ];
      if (kind === 'number') {
        return fc.record({
          filterType: fc.constant('number'),
          colId: fc.constant(colId),
          type: fc.constantFrom(...scalarOps),
          filter: fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e12 }),
          filterTo: fc.integer(),
        });
      }
      const day = fc
        .integer({ min: 0, max: 20_000 })
        .map((n) => new Date(Date.UTC(1990, 0, 1 + n)).toISOString().slice(0, 10));
      return fc.record({
        filterType: fc.constant('date'),
        colId: fc.constant(colId),
        type: fc.constantFrom(...scalarOps),
        filter: day,
        filterTo: day,
      });
    });
    const tree = fc.letrec<{ node: unknown }>((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        leaf,
        fc.record({
          filterType: fc.constant('join'),
          type: fc.constantFrom('AND', 'OR'),
          conditions: fc.array(tie('node'), { maxLength: 3 }),
        }),
      ),
    })).node;
    await fc.assert(
      fc.asyncProperty(tree, async (advancedFilterModel) => {
        try {
          await ids({ advancedFilterModel });
        } catch (e) {
          // Too deep or too many conditions is a fair rejection; anything else is a failure.
          if (!(e instanceof GridQueryValidationError)) throw e;
        }
      }),
      { numRuns: 150 },
    );
  }, 60_000);
});
