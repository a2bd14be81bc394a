import { customerChargeRows, users, withSystem, withTenant } from '@cascade/db';
import { getTableColumns, sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as XLSX from 'xlsx';
import type { Role } from '../../platform/auth';
import { createTestApi, FIXTURE, type TestApi } from '../../testing';
import { buildGridQuery, buildGridView } from './grid-query';
import { catalogue, gridOptions, openExport, queryBlock, walksTheIndex } from './query';
import { claimManualRun } from './sync/scheduler';
import { addInvoice, D, INVOICE_URL_TEMPLATE, RA, seedChargesFixture } from './testing';

let api: TestApi;
const QUERY = '/api/v1/customer-charges/query';
const EXPORT = '/api/v1/customer-charges/export';
const SYNC = '/api/v1/customer-charges/sync-runs';
const SCHEDULE = '/api/v1/customer-charges/schedule';

type Row = Record<string, string | null>;
type Page = { rows: Row[]; lastRow: number };

/**
 * Reseller A's charges, once synced: 8 rows over 4 invoices.
 *   INV-001 2026-03-01 Debit  c1 M365 ×2, Azure ×10
 *   INV-002 2026-03-15 Debit  c2 Teams ×5, c3 M365 ×1
 *   INV-003 2026-04-01 Credit c2 Teams ×5
 *   INV-004 2026-04-10 Debit  c3 Azure ×100, own use M365 ×3, c1 Teams ×7
 */
beforeAll(async () => {
  api = await createTestApi();
  await seedChargesFixture(api.db.db);
  await addInvoice(api.db.db, {
    id: 'i1',
    number: 'INV-001',
    invoiceDate: '2026-03-01',
    items: [
      {
        customer: 'd1-ra-c1',
        product: 'p-m365',
        quantity: '2',
        pricingStrategy: 'SPECIAL_PRICE',
        markupPercent: null,
      },
      { customer: 'd1-ra-c1', product: 'p-azure', quantity: '10', unitCost: '0.5' },
    ],
  });
  await addInvoice(api.db.db, {
    id: 'i2',
    number: 'INV-002',
    invoiceDate: '2026-03-15',
    items: [
      { customer: 'd1-ra-c2', product: 'p-teams', quantity: '5', periodEnd: '2026-04-14' },
      { customer: 'd1-ra-c3', product: 'p-m365', quantity: '1' },
    ],
  });
  await addInvoice(api.db.db, {
    id: 'i3',
    number: 'INV-003',
    type: 'CREDIT',
    invoiceDate: '2026-04-01',
    items: [{ customer: 'd1-ra-c2', product: 'p-teams', quantity: '5' }],
  });
  await addInvoice(api.db.db, {
    id: 'i4',
    number: 'INV-004',
    invoiceDate: '2026-04-10',
    items: [
      { customer: 'd1-ra-c3', product: 'p-azure', quantity: '100', unitCost: '0.25' },
      { customer: null, product: 'p-m365', quantity: '3' },
      { customer: 'd1-ra-c1', product: 'p-teams', quantity: '7', installmentNumber: 2 },
    ],
  });
  // Not shown: a pending invoice.
  await addInvoice(api.db.db, { id: 'i5', stage: 'PENDING', items: [{}] });
  // Users with each role in reseller A and in the distributor.
  await withSystem(api.db.db, (tx) =>
    tx.insert(users).values(
      (['MARKETPLACE_MANAGER', 'BILLING_MANAGER', 'USER'] as const).map((role) => ({
        distributorId: D,
        resellerId: RA,
        orgId: RA,
        id: `${RA}-${role}`,
        name: role,
        email: `${role}@ra.example`,
        roles: [role],
      })),
    ),
  );
  const sync = await api.call('POST', SYNC, {
    token: await api.token(D, ['ADMIN']),
    body: { resellerId: RA },
  });
  expect(sync.status, JSON.stringify(sync.body)).toBe(201);
});
afterAll(() => api.close());

const tokenA = (roles: Role[] = ['ADMIN']) => api.token(RA, roles);
const query = async (body: Record<string, unknown>, token?: string) => {
  const res = await api.call('POST', QUERY, {
    token: token ?? (await tokenA()),
    body: { startRow: 0, endRow: 100, ...body },
  });
  return res as { status: number; body: Page & { error?: { fields?: Record<string, string> } } };
};
const col = (page: Page, id: string) => page.rows.map((r) => r[id]);

/**
 * Inserts a copy of reseller A's first row with `changes` (column names as stored), as no sync
 * would: the data's version (its latest successful sync) stays. Every column but the generated.
 */
async function addRowBehindTheSync(changes: Record<string, string>) {
  const stored = sql.join(
    Object.values(getTableColumns(customerChargeRows))
      .filter((c) => !c.generated)
      .map((c) => sql.identifier(c.name)),
    sql`, `,
  );
  const row = sql`jsonb_populate_record(null::customer_charge_rows, (select to_jsonb(c) || ${JSON.stringify(changes)}::jsonb
    from customer_charge_rows c where org_id = ${RA} order by invoice_item_id limit 1))`;
  await withSystem(api.db.db, (tx) =>
    tx.execute(sql`insert into customer_charge_rows (${stored}) select ${stored} from ${row}`),
  );
}

describe('POST /api/v1/customer-charges/sync-runs and GET …/schedule (distributor)', () => {
  it('ran the sync: a recorded run with its rows; a second run adds nothing', async () => {
    const res = await api.call('POST', SYNC, {
      token: await api.token(D, ['ADMIN']),
      body: { resellerId: RA },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'SUCCEEDED', rows: 0, attempts: 2, error: null });
  });

  it('is for distributor admins only, for a Standard reseller of theirs', async () => {
    const body = { resellerId: RA };
    expect((await api.call('POST', SYNC, { token: await api.token(D, ['USER']), body })).status).toBe(403);
    expect((await api.call('POST', SYNC, { token: await tokenA(), body })).status).toBe(403);
    expect(
      (await api.call('POST', SYNC, { token: await api.token(FIXTURE.otherDistributor), body })).status,
    ).toBe(404);
    const light = await api.call('POST', SYNC, {
      token: await api.token(D),
      body: { resellerId: FIXTURE.resellerB },
    });
    expect(light.status).toBe(422);
    expect(light.body).toMatchObject({ error: { fields: { resellerId: expect.any(String) } } });
    const bad = await api.call('POST', SYNC, { token: await api.token(D), body: { reseller: RA } });
    expect(bad.status).toBe(400);
  });

  it('shows each Standard reseller with its zone, last run and next run', async () => {
    const res = await api.call('GET', SCHEDULE, { token: await api.token(D, ['USER']) });
    expect(res.status).toBe(200);
    const page = res.body as { rows: Record<string, unknown>[]; lastRow: number };
    expect(page.rows.map((r) => r.resellerId)).toEqual([RA]);
    expect(page.rows[0]).toMatchObject({
      timeZone: 'Europe/Berlin',
      timeZoneKnown: true,
      lastRun: { status: 'SUCCEEDED', rows: 0 },
    });
    // 07:00 in Berlin, or now when today's 07:00 has passed and the scheduled run has not been
    // (a manual run does not stand in for it): which one depends on the wall clock.
    const next = String(page.rows[0]?.nextRunAt);
    const atSevenBerlin = /^\d{4}-\d\d-\d\dT(05|06):00:00.000Z$/.test(next);
    expect(atSevenBerlin || Date.parse(next) <= Date.now(), next).toBe(true);
    expect((await api.call('GET', SCHEDULE, { token: await tokenA() })).status).toBe(403);
  });
});

describe('POST /api/v1/customer-charges/query: who may', () => {
  it('answers ADMIN and MARKETPLACE_MANAGER of a Standard reseller, 403 to everyone else', async () => {
    const ok = ['ADMIN', 'MARKETPLACE_MANAGER'] as const;
    for (const role of ok) expect((await query({}, await tokenA([role]))).status).toBe(200);
    const refused = [
      await tokenA(['USER']),
      await tokenA(['BILLING_MANAGER']),
      await api.token(FIXTURE.resellerB, ['ADMIN']),
      await api.token(D, ['ADMIN']),
      await api.token(FIXTURE.customerA, ['ADMIN']),
      await api.token(FIXTURE.otherReseller, ['USER']),
    ];
    for (const token of refused) {
      const res = await query({}, token);
      expect(res.status).toBe(403);
      const exp = await api.call('POST', EXPORT, { token, body: { columns: ['invoiceNumber'] } });
      expect(exp.status).toBe(403);
    }
    expect((await api.call('POST', QUERY, { body: { startRow: 0, endRow: 10 } })).status).toBe(401);
  });

  it("shows another Standard reseller none of A's rows", async () => {
    const res = await query({}, await api.token(FIXTURE.otherReseller, ['ADMIN']));
    expect(res.body).toEqual({ rows: [], lastRow: 0 });
  });
});

describe('POST /api/v1/customer-charges/query: rows, sort and filters', () => {
  it('answers the 15 columns, the currency and the invoice link, invoice number descending by default', async () => {
    const { status, body } = await query({});
    expect(status).toBe(200);
    expect(body.lastRow).toBe(8);
    expect(col(body, 'invoiceNumber')).toEqual([
      'INV-004',
      'INV-004',
      'INV-004',
      'INV-003',
      'INV-002',
      'INV-002',
      'INV-001',
      'INV-001',
    ]);
    const credit = body.rows.find((r) => r.invoiceNumber === 'INV-003');
    expect(credit).toEqual({
      id: 'i3-1',
      invoiceId: 'i3',
      invoiceNumber: 'INV-003',
      invoiceDate: '2026-04-01',
      type: 'CREDIT',
      customer: 'Zeta 2 Customer',
      description: 'Teams Essentials',
      startDate: '2026-04-01',
      endDate: '2026-04-01',
      unitCostPrice: '8',
      unitSellPrice: '8.8',
      quantity: '5',
      unit: 'Month',
      totalCostPrice: '-40.00',
      totalSellPrice: '-44.00',
      productType: 'Microsoft 365',
      productName: 'Teams Essentials',
      currency: 'EUR',
      invoiceUrl: INVOICE_URL_TEMPLATE.replace('{invoiceId}', 'i3'),
    });
    const special = body.rows.find((r) => r.id === 'i1-1');
    expect([special?.unitSellPrice, special?.totalSellPrice]).toEqual(['9.5', '19.00']);
    expect(body.rows.find((r) => r.id === 'i4-3')?.description).toBe('Teams Essentials (installment 2)');
    expect(body.rows.find((r) => r.id === 'i4-2')?.customer).toBe('Reseller A');
  });

  it('pages: lastRow is -1 until the block reaches the end', async () => {
    const first = await query({ startRow: 0, endRow: 3 });
    expect([first.body.rows.length, first.body.lastRow]).toEqual([3, -1]);
    const last = await query({ startRow: 6, endRow: 9 });
    expect([col(last.body, 'id'), last.body.lastRow]).toEqual([['i1-2', 'i1-1'], 8]);
    // A block ending exactly at the end: the row after it is missing, so the end is known.
    const exact = await query({ startRow: 4, endRow: 8 });
    expect(exact.body.lastRow).toBe(8);
    const beyond = await query({ startRow: 20, endRow: 30 });
    expect(beyond.body).toEqual({ rows: [], lastRow: 20 });
  });

  it('sorts by any sortable column, each way, the item id breaking ties', async () => {
    const byQty = await query({ sortModel: [{ colId: 'quantity', sort: 'asc' }] });
    expect(col(byQty.body, 'quantity')).toEqual(['1', '2', '3', '5', '5', '7', '10', '100']);
    const byCustomer = await query({
      sortModel: [
        { colId: 'customer', sort: 'desc' },
        { colId: 'invoiceDate', sort: 'asc' },
      ],
    });
    expect(col(byCustomer.body, 'id')).toEqual([
      'i2-2',
      'i4-1',
      'i2-1',
      'i3-1',
      'i4-2',
      'i1-1',
      'i1-2',
      'i4-3',
    ]);
  });

  it('sorts by product type, then by product name within a type, each way', async () => {
    const cmp = (a: Row, b: Row) => {
      for (const k of ['productType', 'productName', 'id']) {
        const [x, y] = [a[k] ?? '', b[k] ?? ''];
        if (x !== y) return x < y ? -1 : 1;
      }
      return 0;
    };
    for (const sort of ['asc', 'desc'] as const) {
      const { rows } = (await query({ sortModel: [{ colId: 'productType', sort }] })).body;
      const expected = [...rows].sort((a, b) => (sort === 'asc' ? cmp(a, b) : cmp(b, a)));
      expect(rows.map((r) => r.id)).toEqual(expected.map((r) => r.id));
      // Not the order of the item id within a type: the fixture tells the two apart.
      const byId = [...rows].sort((a, b) =>
        (a.productType ?? '') === (b.productType ?? '')
          ? ((a.id ?? '') < (b.id ?? '') ? -1 : 1) * (sort === 'asc' ? 1 : -1)
          : 0,
      );
      expect(byId.map((r) => r.id)).not.toEqual(expected.map((r) => r.id));
    }
  });

  it('filters by column filters (text, set Debit/Credit, number, date ranges, two conditions)', async () => {
    const credit = await query({ filterModel: { type: { filterType: 'set', values: ['Credit'] } } });
    expect(col(credit.body, 'id')).toEqual(['i3-1']);
    const text = await query({
      filterModel: { description: { filterType: 'text', type: 'contains', filter: 'teams' } },
      sortModel: [{ colId: 'invoiceNumber', sort: 'asc' }],
    });
    expect(col(text.body, 'id')).toEqual(['i2-1', 'i3-1', 'i4-3']);
    const two = await query({
      filterModel: {
        quantity: {
          filterType: 'number',
          operator: 'OR',
          conditions: [
            { filterType: 'number', type: 'lessThan', filter: 2 },
            { filterType: 'number', type: 'greaterThanOrEqual', filter: 10 },
          ],
        },
        invoiceDate: {
          filterType: 'date',
          type: 'inRange',
          dateFrom: '2026-03-01 00:00:00',
          dateTo: '2026-04-10 00:00:00',
        },
      },
      sortModel: [{ colId: 'quantity', sort: 'asc' }],
    });
    // inRange excludes its ends (AG Grid's default): 03-15 and 04-01 only.
    expect(col(two.body, 'id')).toEqual(['i2-2']);
  });

  it('filters by the Advanced Filter (nested AND/OR)', async () => {
    const res = await query({
      advancedFilterModel: {
        filterType: 'join',
        type: 'OR',
        conditions: [
          { filterType: 'text', colId: 'customer', type: 'equals', filter: 'zeta 3 customer' },
          {
            filterType: 'join',
            type: 'AND',
            conditions: [
              { filterType: 'text', colId: 'productType', type: 'equals', filter: 'Azure' },
              { filterType: 'date', colId: 'invoiceDate', type: 'lessThan', filter: '2026-04-01' },
            ],
          },
        ],
      },
      sortModel: [{ colId: 'invoiceNumber', sort: 'asc' }],
    });
    expect(res.status).toBe(200);
    expect(col(res.body, 'id')).toEqual(['i1-2', 'i2-2', 'i4-1']);
  });

  it('answers a bad model with a 400 naming the field, and treats injection as text', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ sortModel: [{ colId: 'unitCostPrice', sort: 'asc' }] }, 'sortModel.0.colId'],
      [{ sortModel: [{ colId: 'type', sort: 'asc' }] }, 'sortModel.0.colId'],
      [
        { filterModel: { totalSellPrice: { filterType: 'number', type: 'equals', filter: 1 } } },
        'filterModel.totalSellPrice',
      ],
      [{ filterModel: { nope: { filterType: 'text', type: 'contains', filter: 'x' } } }, 'filterModel.nope'],
      [
        { advancedFilterModel: { filterType: 'text', colId: 'customer', type: 'like', filter: 'x' } },
        'advancedFilterModel.type',
      ],
      [
        { filterModel: { invoiceDate: { filterType: 'date', type: 'equals', dateFrom: '2026-02-30' } } },
        'filterModel.invoiceDate.dateFrom',
      ],
      [{ endRow: 5000 }, 'endRow'],
    ];
    for (const [body, field] of cases) {
      const res = await query(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(Object.keys(res.body.error?.fields ?? {}), JSON.stringify(res.body)).toContain(field);
    }
    const injection = await query({
      filterModel: {
        customer: { filterType: 'text', type: 'contains', filter: "'; drop table invoices; --" },
      },
    });
    expect(injection.body).toEqual({ rows: [], lastRow: 0 });
  });
});

describe('POST /api/v1/customer-charges/export', () => {
  const download = async (body: Record<string, unknown>) => {
    const res = await api.app.request(EXPORT, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${await tokenA(['MARKETPLACE_MANAGER'])}`,
        'Content-Type': 'application/json',
      },
      body: JSON.stringify(body),
    });
    return { res, bytes: new Uint8Array(await res.arrayBuffer()) };
  };

  it('answers Customer Charges.xlsx with the columns in their order, a Currency column, the rows of the view', async () => {
    const { res, bytes } = await download({
      columns: ['customer', 'invoiceNumber', 'type', 'totalSellPrice', 'invoiceDate', 'quantity'],
      sortModel: [{ colId: 'quantity', sort: 'desc' }],
      filterModel: { type: { filterType: 'set', values: ['Debit', 'Credit'] } },
      advancedFilterModel: {
        filterType: 'join',
        type: 'AND',
        conditions: [{ filterType: 'number', colId: 'quantity', type: 'greaterThan', filter: 2 }],
      },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('spreadsheetml');
    expect(res.headers.get('content-disposition')).toContain('filename="Customer Charges.xlsx"');
    const book = XLSX.read(bytes, { type: 'array', cellDates: false });
    const sheet = book.Sheets[book.SheetNames[0]!]!;
    const table = XLSX.utils.sheet_to_json<unknown[]>(sheet, { header: 1, raw: true });
    expect(table[0]).toEqual([
      'Customer',
      'Invoice',
      'Type',
      'Total sell price',
      'Invoice date',
      'Quantity',
      'Currency',
    ]);
    expect(table.slice(1).map((r) => [r[0], r[1], r[2], r[3], r[5], r[6]])).toEqual([
      ['Zeta 3 Customer', 'INV-004', 'Debit', 27.5, 100, 'EUR'],
      ['Customer of A', 'INV-001', 'Debit', 5.5, 10, 'EUR'],
      ['Customer of A', 'INV-004', 'Debit', 61.6, 7, 'EUR'],
      ['Zeta 2 Customer', 'INV-003', 'Credit', -44, 5, 'EUR'],
      ['Zeta 2 Customer', 'INV-002', 'Debit', 44, 5, 'EUR'],
      ['Reseller A', 'INV-004', 'Debit', 26.4, 3, 'EUR'],
    ]);
    // Dates are Excel dates.
    expect(XLSX.SSF.format('yyyy-mm-dd', table[1]![4] as number)).toBe('2026-04-10');
  });

  it('leaves Currency out when no price column is exported; CSV on request', async () => {
    const { res, bytes } = await download({ columns: ['invoiceNumber', 'description'], format: 'csv' });
    expect(res.headers.get('content-disposition')).toContain('filename="Customer Charges.csv"');
    const lines = new TextDecoder()
      .decode(bytes)
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe('Invoice,Description');
    expect(lines).toHaveLength(9);
    expect(lines[1]).toBe('INV-004,Teams Essentials (installment 2)');
  });

  it('answers bad requests with 400s naming the field', async () => {
    for (const [body, field] of [
      [{ columns: [] }, 'columns'],
      [{ columns: ['invoiceNumber', 'nope'] }, 'columns.1'],
      [{ columns: ['invoiceNumber'], format: 'pdf' }, 'format'],
      [
        { columns: ['invoiceNumber'], sortModel: [{ colId: 'unitSellPrice', sort: 'asc' }] },
        'sortModel.0.colId',
      ],
    ] as const) {
      const { res, bytes } = await download(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      const error = JSON.parse(new TextDecoder().decode(bytes)) as {
        error: { fields: Record<string, string> };
      };
      expect(Object.keys(error.error.fields)).toContain(field);
    }
  });
});

describe('openExport', () => {
  const tenant = { distributorId: D, orgId: RA, orgKind: 'RESELLER' as const };
  const open = (maxRows: number, plan?: 'walk' | 'sort', request: Record<string, unknown> = {}) =>
    openExport(
      api.db.db,
      api.db.kind,
      tenant,
      buildGridView(catalogue, request, gridOptions),
      maxRows,
      ['invoiceNumber', 'quantity', 'customer', 'invoiceDate'],
      plan,
    );
  const rowsOf = async (opened: Awaited<ReturnType<typeof open>>) => {
    if (opened.tooMany) throw new Error('the view fits');
    const rows: unknown[][] = [];
    for await (const batch of opened.batches) rows.push(...batch.map((r) => r.slice(0, 4)));
    return rows;
  };

  it('walking the index and sorting give the same rows in the same order, and both know the limit', async () => {
    const views: Record<string, unknown>[] = [
      {},
      { filterModel: { quantity: { filterType: 'number', type: 'lessThanOrEqual', filter: 5 } } },
      { sortModel: [{ colId: 'customer', sort: 'asc' }] },
      {
        sortModel: [{ colId: 'quantity', sort: 'desc' }],
        filterModel: { customer: { filterType: 'text', type: 'contains', filter: 'customer' } },
      },
      { sortModel: [{ colId: 'invoiceDate', sort: 'asc' }] },
    ];
    for (const view of views) {
      const sorted = await rowsOf(await open(100, 'sort', view));
      expect(sorted.length).toBeGreaterThan(0);
      expect(await rowsOf(await open(100, 'walk', view))).toEqual(sorted);
    }
    expect(await open(7, 'sort')).toEqual({ tooMany: true });
    // The walk is counted while its rows flow (when the partition may not fit, as a small one
    // that was never analyzed may not).
    const walked = await open(7, 'walk');
    if (api.db.kind !== 'postgres') expect(walked).toEqual({ tooMany: true });
    else {
      if (walked.tooMany) throw new Error('the walk answers through exceeds');
      expect(await walked.exceeds).toBe(true);
      await walked.batches.return?.();
    }
    const fits = await open(8, 'walk');
    if (fits.tooMany) throw new Error('8 rows fit');
    expect(await fits.exceeds).not.toBe(true);
    await fits.batches.return?.();
  });

  it('walks only a view that holds enough of a large partition, more of it when its order does not follow the pages', () => {
    expect(walksTheIndex({ sampled: 500, matched: 500, correlation: 1 })).toBe(false);
    expect(walksTheIndex({ sampled: 10_000, matched: 1000, correlation: -0.99 })).toBe(true);
    expect(walksTheIndex({ sampled: 10_000, matched: 400, correlation: -0.99 })).toBe(false);
    expect(walksTheIndex({ sampled: 10_000, matched: 1000, correlation: 0.02 })).toBe(false);
    expect(walksTheIndex({ sampled: 10_000, matched: 4000, correlation: 0.02 })).toBe(true);
  });

  it('knows before anything is streamed whether the view fits in the file', async () => {
    expect(await open(7)).toEqual({ tooMany: true });
    const opened = await open(8);
    if (opened.tooMany) throw new Error('8 rows fit');
    const rows: unknown[][] = [];
    for await (const batch of opened.batches) rows.push(...batch.map((r) => r.slice(0, 2)));
    expect(rows.map((r) => r[0])).toEqual([
      'INV-004',
      'INV-004',
      'INV-004',
      'INV-003',
      'INV-002',
      'INV-002',
      'INV-001',
      'INV-001',
    ]);
    expect(rows.map((r) => Number(r[1])).sort((a, b) => a - b)).toEqual([1, 2, 3, 5, 5, 7, 10, 100]);
  });

  it('a download that ends before its first row ends the read, and its transaction', async () => {
    for (let i = 0; i < 12; i++) {
      const opened = await open(100);
      if (opened.tooMany) throw new Error('8 rows fit');
      await opened.batches.return?.();
    }
    // More than the pool's connections were opened and ended: none is left held.
    expect((await query({})).body.rows).toHaveLength(8);
  });
});

describe('the rows stay the reseller’s own', () => {
  it('RLS and the query agree: rows of A are A’s only', async () => {
    const rows = await withSystem(api.db.db, (tx) =>
      tx.execute(sql`select distinct org_id from customer_charge_rows`),
    );
    const list = Array.isArray(rows) ? rows : (rows as { rows: unknown[] }).rows;
    expect(list).toEqual([{ org_id: RA }]);
  });
});

describe('a block whose sort column is filtered (the walk starts at the first value that passes)', () => {
  const tenant = { distributorId: D, orgId: RA, orgKind: 'RESELLER' as const };
  const block = (
    request: Record<string, unknown>,
    bounded: boolean,
    steps?: number,
    deferredFrom?: number,
  ) => {
    const q = buildGridQuery(catalogue, request, gridOptions);
    return withTenant(api.db.db, tenant, async (tx) => {
      const page = await queryBlock(tx, tenant, bounded ? q : { ...q, sortColumnFilter: undefined }, true, {
        ...(steps === undefined ? {} : { boundSteps: steps }),
        ...(deferredFrom === undefined ? {} : { deferredFrom }),
      });
      return { ids: page.rows.map((r) => r.id), lastRow: page.lastRow };
    });
  };
  const text = fc.constantFrom(
    'Zeta',
    'customer',
    'a',
    'Reseller A',
    'zzz',
    '3',
    ' ',
    'Customer of A',
    'Azure',
  );
  const textLeaf = (colId: string) =>
    fc.record({
      filterType: fc.constant('text'),
      colId: fc.constant(colId),
      type: fc.constantFrom('contains', 'notContains', 'equals', 'notEqual', 'startsWith', 'endsWith'),
      filter: text,
    });
  const dateLeaf = (colId: string) =>
    fc.record({
      filterType: fc.constant('date'),
      colId: fc.constant(colId),
      type: fc.constantFrom('equals', 'notEqual', 'lessThan', 'greaterThan', 'inRange'),
      filter: fc.constantFrom('2026-03-01', '2026-03-15', '2026-04-01', '2026-04-10', '2026-05-01'),
      filterTo: fc.constantFrom('2026-03-20', '2026-04-30'),
    });
  const leafOn = (colId: string): fc.Arbitrary<Record<string, unknown>> =>
    colId === 'customer' || colId === 'productName' || colId === 'invoiceNumber' || colId === 'productType'
      ? textLeaf(colId)
      : dateLeaf(colId);
  const request = fc
    // productType: sorted by product name within a type too, two keys to continue after.
    .constantFrom('customer', 'productName', 'invoiceNumber', 'invoiceDate', 'startDate', 'productType')
    .chain((colId) =>
      fc.record({
        startRow: fc.constantFrom(0, 1, 3),
        sortModel: fc.constantFrom('asc', 'desc').map((sort) => [{ colId, sort }]),
        advancedFilterModel: fc.record({
          filterType: fc.constant('join'),
          type: fc.constantFrom('AND', 'OR'),
          conditions: fc.array(
            fc.oneof(
              leafOn(colId),
              fc.record({
                filterType: fc.constant('join'),
                type: fc.constantFrom('AND', 'OR'),
                conditions: fc.array(leafOn(colId), { minLength: 1, maxLength: 2 }),
              }),
              fc.record({
                filterType: fc.constant('number'),
                colId: fc.constant('quantity'),
                type: fc.constant('greaterThan'),
                filter: fc.constantFrom(1, 4),
              }),
            ),
            { minLength: 1, maxLength: 3 },
          ),
        }),
      }),
    )
    .map((r) => ({ ...r, endRow: r.startRow + 3 }));

  it('answers the same rows and lastRow as without the bounds, however few values it may look at, ids first or not', async () => {
    await fc.assert(
      fc.asyncProperty(
        request,
        fc.constantFrom(1, 2, 256),
        fc.constantFrom(0, 2, 1000),
        async (r, steps, from) => {
          // Also with the ids found first (from that offset on), against the plain query.
          expect(await block(r, true, steps, from)).toEqual(await block(r, false, undefined, 1000));
        },
      ),
      { numRuns: 120 },
    );
  }, 60_000);

  it('blocks asked in order continue where the last one ended, with the same rows as by offset', async () => {
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        for (let startRow = 0; startRow < 9; startRow += 2) {
          const next = { ...r, startRow, endRow: startRow + 2 };
          expect(await block(next, true, undefined, 0)).toEqual(await block(next, false, undefined, 1000));
        }
      }),
      { numRuns: 40 },
    );
  }, 60_000);

  it('a continuation is used only while no sync has added rows since', async () => {
    const r = { sortModel: [{ colId: 'invoiceNumber', sort: 'asc' }], filterModel: {} };
    const at = (startRow: number, deferredFrom: number) =>
      block({ ...r, startRow, endRow: startRow + 3 }, true, undefined, deferredFrom);
    const before = await at(3, 1000);
    // A row that sorts first, added behind the sync's back (the data's version stays): the next
    // block continues after the last row it answered, so it is the one from before the row.
    try {
      await at(0, 0);
      await addRowBehindTheSync({ invoice_item_id: 'extra-row', invoice_number: 'INV-000' });
      expect(await at(3, 0)).toEqual(before);
      // A sync recorded since: the offset, on the rows as they are now.
      await at(0, 0);
      await withSystem(api.db.db, (tx) =>
        tx.execute(sql`insert into job_runs (distributor_id, reseller_id, org_id, id, job_name,
          scheduled_local_date, status, finished_at)
          values (${D}, ${RA}, ${RA}, 'version-test', 'version-test', '2099-01-01', 'SUCCEEDED',
            clock_timestamp() + interval '1 day')`),
      );
      const now = await at(3, 0);
      expect(now).toEqual(await at(3, 1000));
      expect(now).not.toEqual(before);
    } finally {
      await withSystem(api.db.db, async (tx) => {
        await tx.execute(sql`delete from customer_charge_rows where invoice_item_id = 'extra-row'`);
        await tx.execute(sql`delete from job_runs where id = 'version-test'`);
      });
    }
  });

  it('a continuation is not used after a run that added rows is claimed again the same day', async () => {
    const r = { sortModel: [{ colId: 'invoiceNumber', sort: 'asc' }], filterModel: {} };
    const at = (startRow: number, deferredFrom: number) =>
      block({ ...r, startRow, endRow: startRow + 3 }, true, undefined, deferredFrom);
    const target = { distributorId: D, resellerId: RA };
    const day = new Date(Date.UTC(2099, 0, 2));
    const before = await at(3, 1000);
    let run: string | null = null;
    try {
      await at(0, 0);
      // A manual run adds a row that sorts first and succeeds; then "run now" again the same day
      // takes the same job run back (RUNNING, no finished_at) before it commits anything.
      run = await claimManualRun(api.db.db, target, 'UTC', day);
      await addRowBehindTheSync({ invoice_item_id: 'extra-row-again', invoice_number: 'INV-000' });
      await withSystem(api.db.db, (tx) =>
        tx.execute(
          sql`update job_runs set status = 'SUCCEEDED', finished_at = clock_timestamp() where id = ${run}`,
        ),
      );
      expect(await claimManualRun(api.db.db, target, 'UTC', day)).toBe(run);
      const now = await at(3, 0);
      expect(now).toEqual(await at(3, 1000));
      expect(now).not.toEqual(before);
    } finally {
      await withSystem(api.db.db, async (tx) => {
        await tx.execute(sql`delete from customer_charge_rows where invoice_item_id = 'extra-row-again'`);
        if (run) await tx.execute(sql`delete from job_runs where id = ${run}`);
      });
    }
  });

  it('an empty block when no value of the column passes', async () => {
    const r = {
      startRow: 0,
      endRow: 10,
      sortModel: [{ colId: 'customer', sort: 'asc' }],
      filterModel: { customer: { filterType: 'text', type: 'contains', filter: 'nobody' } },
    };
    expect(await block(r, true)).toEqual({ ids: [], lastRow: 0 });
  });
});

describe('a block sorted by description or product name with the product type filtered (its exact values first)', () => {
  const tenant = { distributorId: D, orgId: RA, orgKind: 'RESELLER' as const };
  const block = (request: Record<string, unknown>, exact: boolean, deferredFrom?: number) => {
    const q = buildGridQuery(catalogue, request, gridOptions);
    return withTenant(api.db.db, tenant, async (tx) => {
      const page = await queryBlock(
        tx,
        tenant,
        exact ? q : { ...q, columnFilters: undefined },
        true,
        deferredFrom === undefined ? {} : { deferredFrom },
      );
      return { ids: page.rows.map((r) => r.id), lastRow: page.lastRow };
    });
  };
  const typeLeaf = fc.record({
    filterType: fc.constant('text'),
    colId: fc.constant('productType'),
    type: fc.constantFrom('equals', 'equals', 'notEqual', 'contains', 'startsWith', 'blank', 'notBlank'),
    filter: fc.constantFrom(
      'Microsoft 365',
      'microsoft 365',
      'MICROSOFT 365',
      'Azure',
      'aZURE',
      'micro',
      'none',
    ),
  });
  const otherLeaf = fc.oneof(
    fc.record({
      filterType: fc.constant('number'),
      colId: fc.constant('quantity'),
      type: fc.constant('greaterThan'),
      filter: fc.constantFrom(1, 4),
    }),
    fc.record({
      filterType: fc.constant('text'),
      colId: fc.constantFrom('description', 'productName'),
      type: fc.constantFrom('contains', 'notContains'),
      filter: fc.constantFrom('M365', 'azure', 'teams', 'e'),
    }),
  );
  const request = fc
    .record({
      startRow: fc.constantFrom(0, 1, 3),
      sortModel: fc
        .tuple(fc.constantFrom('description', 'productName'), fc.constantFrom('asc', 'desc'))
        .map(([colId, sort]) => [{ colId, sort }]),
      advancedFilterModel: fc.record({
        filterType: fc.constant('join'),
        type: fc.constantFrom('AND', 'OR'),
        conditions: fc.array(
          fc.oneof(
            typeLeaf,
            otherLeaf,
            fc.record({
              filterType: fc.constant('join'),
              type: fc.constantFrom('AND', 'OR'),
              conditions: fc.array(typeLeaf, { minLength: 1, maxLength: 2 }),
            }),
          ),
          { minLength: 1, maxLength: 3 },
        ),
      }),
    })
    .map((r) => ({ ...r, endRow: r.startRow + 3 }));
  const sameRows = () =>
    fc.assert(
      fc.asyncProperty(request, async (r) => {
        expect(await block(r, true)).toEqual(await block(r, false));
      }),
      { numRuns: 80 },
    );
  const byType = (filter: string, colId = 'description', sort = 'asc') => ({
    startRow: 0,
    endRow: 10,
    sortModel: [{ colId, sort }],
    filterModel: { productType: { filterType: 'text', type: 'equals', filter } },
  });

  it('answers the same rows and lastRow as the filter alone', async () => {
    await sameRows();
  }, 60_000);

  it('blocks asked in order (continuing where the last one ended) have the same rows too', async () => {
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        for (let startRow = 0; startRow < 9; startRow += 2) {
          const next = { ...r, startRow, endRow: startRow + 2 };
          expect(await block(next, true, 0)).toEqual(await block(next, false));
        }
      }),
      { numRuns: 30 },
    );
  }, 60_000);

  it('matches the stored type in any case; no stored type matching, an empty block', async () => {
    const m365 = await block(byType('Microsoft 365'), false);
    expect(m365.ids).toHaveLength(6);
    expect(await block(byType('mICROSOFT 365'), true)).toEqual(m365);
    expect(await block(byType('azure', 'productName', 'desc'), true)).toEqual(
      await block(byType('Azure', 'productName', 'desc'), false),
    );
    expect(await block(byType('Microsoft'), true)).toEqual({ ids: [], lastRow: 0 });
  });

  it('with the same type stored in two spellings, both', async () => {
    // A row whose type differs from the others' only in case, added behind the sync's back.
    try {
      await addRowBehindTheSync({
        invoice_item_id: 'extra-type-row',
        product_type: 'microsoft 365',
        description: 'A first',
      });
      const both = await block(byType('MICROSOFT 365'), true);
      expect(both.ids).toHaveLength(7);
      expect(both.ids[0]).toBe('extra-type-row');
      expect(both).toEqual(await block(byType('MICROSOFT 365'), false));
      await sameRows();
    } finally {
      await withSystem(api.db.db, (tx) =>
        tx.execute(sql`delete from customer_charge_rows where invoice_item_id = 'extra-type-row'`),
      );
    }
  }, 60_000);
});
