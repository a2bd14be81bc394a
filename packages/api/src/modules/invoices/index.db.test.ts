import { checkLedger } from '@cascade/billing-core';
import { queryRows, taxDefinitions, taxRates, withSystem } from '@cascade/db';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, FIXTURE, type TestApi } from '../../testing';
import { loadHistory } from '../ledger/history';
import { createAccount, createCashDesk, createClient, issueInvoice } from '../ledger/testing';

const D = FIXTURE.distributor;
const RA = FIXTURE.resellerA;
const RB = FIXTURE.resellerB;

let api: TestApi;
let token: string;
let n = 0;

interface Detail {
  id: string;
  number: string | null;
  stage: string;
  status: string;
  type: string;
  subtotal: string;
  taxTotal: string;
  total: string;
  amountDue: string;
  creditable: string;
  source: string;
  items: {
    lineNo: number;
    amount: string;
    taxAmount: string;
    quantity: string;
    creditableQuantity: string;
  }[];
  taxes: { code: string; percent: string; base: string; amount: string }[];
  links: { source: string; sourceId: string | null; amount: string }[];
}
type ErrorBody = { error: { code: string; message: string; fields?: Record<string, string> } };

beforeAll(async () => {
  api = await createTestApi();
  token = await api.token(RA);
  await createCashDesk(api.db.db, D, RA, 'desk-ra');
  await withSystem(api.db.db, async (tx) => {
    await tx.insert(taxDefinitions).values([
      {
        distributorId: D,
        resellerId: null,
        orgId: D,
        id: 'vat',
        code: 'VAT',
        name: 'VAT',
        type: 'VAT',
        chargeComponent: 'RECURRING',
      },
      {
        distributorId: D,
        resellerId: null,
        orgId: D,
        id: 'eco',
        code: 'ECO',
        name: 'Eco levy',
        type: 'LEVY',
        chargeComponent: 'ONE_TIME',
      },
      {
        distributorId: 'd2',
        resellerId: null,
        orgId: 'd2',
        id: 'vat-d2',
        code: 'VAT',
        name: 'VAT',
        type: 'VAT',
        chargeComponent: 'RECURRING',
      },
    ]);
    await tx.insert(taxRates).values([
      {
        distributorId: D,
        resellerId: null,
        orgId: D,
        taxDefinitionId: 'vat',
        validFrom: '2020-01-01',
        percent: '19',
      },
      {
        distributorId: D,
        resellerId: null,
        orgId: D,
        taxDefinitionId: 'vat',
        validFrom: '2026-01-01',
        percent: '21',
      },
      {
        distributorId: D,
        resellerId: null,
        orgId: D,
        taxDefinitionId: 'eco',
        validFrom: '2026-06-01',
        percent: '2.5',
      },
      {
        distributorId: 'd2',
        resellerId: null,
        orgId: 'd2',
        taxDefinitionId: 'vat-d2',
        validFrom: '2020-01-01',
        percent: '10',
      },
    ]);
  });
});
afterAll(() => api?.close());

async function freshAccount(issuer: string = RA) {
  n += 1;
  const client = `inv-client-${n}`;
  await createClient(api.db.db, D, issuer, client);
  return createAccount(api.db.db, {
    distributorId: D,
    clientOrgId: client,
    issuerOrgId: issuer,
    id: `inv-acc-${n}`,
  });
}

const key = () => `k-${crypto.randomUUID()}`;
const post = (path: string, body: unknown, opts: { token?: string; key?: string | null } = {}) =>
  api.call('POST', path, {
    token: opts.token ?? token,
    body,
    headers: opts.key === null ? {} : { 'Idempotency-Key': opts.key ?? key() },
  });
const get = (path: string, t = token) => api.call('GET', path, { token: t });
const draft = (accountId: string, extra: Record<string, unknown> = {}, t = token) =>
  post(
    '/api/v1/invoices',
    {
      accountId,
      invoiceDate: '2026-03-10',
      lines: [{ description: 'Consulting', quantity: '3', unitPrice: '10.005', taxIds: ['vat'] }],
      ...extra,
    },
    { token: t },
  );

async function counts() {
  return withSystem(api.db.db, async (tx) => {
    const [row] = await queryRows<{ i: number; it: number; t: number; s: string }>(
      tx,
      sql`select (select count(*) from invoices)::int as i, (select count(*) from invoice_items)::int as it,
        (select count(*) from invoice_taxes)::int as t,
        (select coalesce(string_agg(org_id || ':' || last_number, ','), '') from invoice_number_sequences) as s`,
    );
    return row;
  });
}

describe('manual invoices', () => {
  it('drafts an invoice: amounts and taxes computed, no number, in no balance', async () => {
    const acc = await freshAccount();
    const res = await draft(acc, {
      lines: [
        { description: 'Consulting', quantity: '3', unitPrice: '10.005', taxIds: ['vat'] },
        { description: 'Setup', quantity: '1.5', unitPrice: '20', unit: 'Hour', taxIds: ['vat', 'eco'] },
        { description: 'Untaxed', quantity: '2', unitPrice: '0.5' },
      ],
      invoiceDate: '2026-07-01',
    });
    expect(res.status).toBe(201);
    const d = res.body as Detail;
    expect(d).toMatchObject({
      stage: 'PROFORMA',
      number: null,
      status: 'UNPAID',
      type: 'DEBIT',
      source: 'MANUAL',
    });
    // 3 × 10.005 = 30.015 → 30.02 (half away from zero); 1.5 × 20 = 30.00; 2 × 0.5 = 1.00.
    expect(d.items.map((i) => [i.amount, i.taxAmount])).toEqual([
      ['30.02', '6.30'],
      ['30.00', '7.05'],
      ['1.00', '0.00'],
    ]);
    // VAT 21 % in force on 2026-07-01 (not 19 %), ECO 2.5 % from 2026-06-01.
    expect(d.taxes.map((t) => [t.code, t.base, t.amount])).toEqual([
      ['VAT', '30.02', '6.30'],
      ['VAT', '30.00', '6.30'],
      ['ECO', '30.00', '0.75'],
    ]);
    expect(d).toMatchObject({ subtotal: '61.02', taxTotal: '13.35', total: '74.37', amountDue: '74.37' });
    expect(d.creditable).toBe('0.00');
    const summary = await get(`/api/v1/accounts/${acc}/summary`);
    expect(summary.body).toMatchObject({ due: '0.00', openInvoices: 0 });
    const listed = await get(`/api/v1/invoices?direction=issued&stage=PROFORMA&accountId=${acc}`);
    expect((listed.body as { rows: { id: string }[] }).rows.map((r) => r.id)).toEqual([d.id]);
  });

  it('refuses bad input field by field, and writes nothing', async () => {
    const acc = await freshAccount();
    const before = await counts();
    const cases: [Record<string, unknown>, string][] = [
      [{ lines: [] }, 'lines'],
      [{ lines: [{ description: ' ', quantity: '1', unitPrice: '1' }] }, 'lines.0.description'],
      [{ lines: [{ description: 'x', quantity: '-1', unitPrice: '1' }] }, 'lines.0.quantity'],
      [{ lines: [{ description: 'x', quantity: '0', unitPrice: '1' }] }, 'lines.0.quantity'],
      [{ lines: [{ description: 'x', quantity: '1000000000000', unitPrice: '1' }] }, 'lines.0.quantity'],
      [{ lines: [{ description: 'x', quantity: '1', unitPrice: '1.1234567' }] }, 'lines.0.unitPrice'],
      [{ lines: [{ description: 'x', quantity: '1', unitPrice: '1e3' }] }, 'lines.0.unitPrice'],
      [{ invoiceDate: '2026-02-30' }, 'invoiceDate'],
      [{ lines: [{ description: 'x', quantity: '1', unitPrice: '1', extra: 1 }] }, 'lines.0.extra'],
      [
        {
          lines: [
            {
              description: 'x',
              quantity: '1',
              unitPrice: '1',
              periodStart: '2026-03-02',
              periodEnd: '2026-03-01',
            },
          ],
        },
        'lines.0.periodEnd',
      ],
      [
        { lines: [{ description: 'x', quantity: '1', unitPrice: '1', taxIds: ['vat', 'vat'] }] },
        'lines.0.taxIds',
      ],
    ];
    for (const [extra, field] of cases) {
      const res = await draft(acc, extra);
      expect(res.status, field).toBe(400);
      expect((res.body as ErrorBody).error.fields, field).toHaveProperty([field]);
    }
    // Understood, but refused: a tax of another marketplace, one without a rate on the date, nothing to bill.
    const otherTax = await draft(acc, {
      lines: [{ description: 'x', quantity: '1', unitPrice: '1', taxIds: ['vat-d2'] }],
    });
    expect(otherTax.status).toBe(422);
    expect((otherTax.body as ErrorBody).error.fields).toHaveProperty(['lines.0.taxIds.0']);
    const noRate = await draft(acc, {
      lines: [{ description: 'x', quantity: '1', unitPrice: '1', taxIds: ['eco'] }],
    });
    expect(noRate.status).toBe(422);
    expect((noRate.body as ErrorBody).error.fields).toHaveProperty(['lines.0.taxIds']);
    const zero = await draft(acc, { lines: [{ description: 'x', quantity: '1', unitPrice: '0' }] });
    expect(zero.status).toBe(422);
    expect((zero.body as ErrorBody).error.fields).toHaveProperty(['lines']);
    // Each figure valid alone, together too large to store (amounts are numeric(20,4)): a 422, not a 500.
    const huge = await draft(acc, {
      lines: [
        { description: 'x', quantity: '1', unitPrice: '1' },
        { description: 'y', quantity: '999999999999', unitPrice: '99999999999999' },
      ],
    });
    expect(huge.status).toBe(422);
    expect((huge.body as ErrorBody).error.fields).toHaveProperty(['lines.1.unitPrice']);
    // A total of 10^14 has 15 integer digits: more than any amount the ledger reads back.
    const fifteenDigits = await draft(acc, {
      lines: [
        { description: 'x', quantity: '1', unitPrice: '1' },
        { description: 'y', quantity: '1', unitPrice: '99999999999999' },
      ],
    });
    expect(fifteenDigits.status).toBe(422);
    expect((fifteenDigits.body as ErrorBody).error.message).toMatch(/must stay below 100000000000000$/);
    const centuries = await draft(acc, {
      lines: [
        {
          description: 'x',
          quantity: '1',
          unitPrice: '1',
          periodStart: '0001-01-01',
          periodEnd: '9999-12-31',
        },
      ],
    });
    expect(centuries.status).toBe(400);
    expect((centuries.body as ErrorBody).error.fields).toHaveProperty(['lines.0.periodEnd']);
    // Dates that fail their own check are named there, with the others (not "date").
    const impossible = await draft(acc, {
      invoiceDate: 'garbage',
      lines: [{ description: 'x', quantity: '1', unitPrice: '1', periodEnd: '2026-02-30' }],
    });
    expect(impossible.status).toBe(400);
    expect(Object.keys((impossible.body as ErrorBody).error.fields ?? {}).sort()).toEqual([
      'invoiceDate',
      'lines.0.periodEnd',
    ]);
    const unknownAccount = await draft('no-such-account');
    expect(unknownAccount.status).toBe(404);
    expect((unknownAccount.body as ErrorBody).error.fields).toHaveProperty(['accountId']);
    expect(await counts()).toEqual(before);
  });

  it('lets only a seller’s ADMIN or BILLING_MANAGER draft, and only to its own clients', async () => {
    const acc = await freshAccount();
    const before = await counts();
    const user = await draft(acc, {}, await api.token(RA, ['USER']));
    expect(user.status).toBe(403);
    const marketplace = await draft(acc, {}, await api.token(RA, ['MARKETPLACE_MANAGER']));
    expect(marketplace.status).toBe(403);
    const customer = await draft(acc, {}, await api.token(FIXTURE.customerA, ['ADMIN']));
    expect(customer.status).toBe(403);
    // The distributor sees the account but does not bill that client: its reseller does.
    const distributor = await draft(acc, {}, await api.token(D, ['ADMIN']));
    expect(distributor.status).toBe(403);
    expect((distributor.body as ErrorBody).error.fields).toHaveProperty(['accountId']);
    // Another reseller cannot even see it.
    const other = await draft(acc, {}, await api.token(RB, ['ADMIN']));
    expect(other.status).toBe(404);
    expect(await counts()).toEqual(before);
    const billing = await draft(acc, {}, await api.token(RA, ['BILLING_MANAGER']));
    expect(billing.status).toBe(201);
  });

  it('issues a draft: numbered gaplessly, into the balance, settled from money already there; idempotent', async () => {
    const acc = await freshAccount();
    const first = (await draft(acc)).body as Detail;
    const second = (await draft(acc, { invoiceDate: '2026-03-11' })).body as Detail;
    expect(first.total).toBe('36.32');
    const noKey = await post(`/api/v1/invoices/${first.id}/issue`, {}, { key: null });
    expect(noKey.status).toBe(400);
    const issued = await post(`/api/v1/invoices/${first.id}/issue`, {});

    expect(issued.status).toBe(200);
    const a = issued.body as Detail;
    expect(a).toMatchObject({ stage: 'ISSUED', status: 'UNPAID', amountDue: '36.32', creditable: '36.32' });
    expect(a.number).toMatch(/^\d+$/);
    let summary = await get(`/api/v1/accounts/${acc}/summary`);
    expect(summary.body).toMatchObject({ due: '36.32', openInvoices: 1 });
    // Again (a new request, not a replay): nothing changes, same number.
    const again = await post(`/api/v1/invoices/${first.id}/issue`, {});
    expect(again.status).toBe(200);
    expect((again.body as Detail).number).toBe(a.number);
    summary = await get(`/api/v1/accounts/${acc}/summary`);
    expect(summary.body).toMatchObject({ due: '36.32', openInvoices: 1 });
    // Money on the balance settles the next one at once; its number follows without a gap.
    const pay = await post(`/api/v1/accounts/${acc}/payments`, {
      amount: '100.00',
      currency: 'EUR',
      cashDeskId: 'desk-ra',
      method: 'BANK_TRANSFER',
      date: '2026-03-12',
    });
    expect(pay.status).toBe(201);
    const b = (await post(`/api/v1/invoices/${second.id}/issue`, {})).body as Detail;
    expect(Number(b.number)).toBe(Number(a.number) + 1);
    expect(b).toMatchObject({ stage: 'ISSUED', status: 'PAID', amountDue: '0.00' });
    const h = await withSystem(api.db.db, (tx) => loadHistory(tx, D, [acc]));
    expect(checkLedger(h, h.stored)).toEqual([]);
    expect(h.stored[acc]).toBe('27.3600');
  });

  it('two concurrent issues of one draft number it once', async () => {
    const acc = await freshAccount();
    const d = (await draft(acc)).body as Detail;
    const seq = async () =>
      (
        await withSystem(api.db.db, (tx) =>
          queryRows<{ n: number }>(
            tx,
            sql`select last_number::int as n from invoice_number_sequences where org_id = ${RA}`,
          ),
        )
      )[0]?.n ?? 0;
    const before = await seq();
    const [a, b] = await Promise.all([
      post(`/api/v1/invoices/${d.id}/issue`, {}),
      post(`/api/v1/invoices/${d.id}/issue`, {}),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect((a.body as Detail).number).toBe((b.body as Detail).number);
    expect(await seq()).toBe(before + 1);
    const summary = await get(`/api/v1/accounts/${acc}/summary`);
    expect(summary.body).toMatchObject({ due: '36.32', openInvoices: 1 });
  });

  it('refuses to issue for anyone but the issuer’s money roles, and what is not a draft of theirs', async () => {
    const acc = await freshAccount();
    const d = (await draft(acc)).body as Detail;
    const before = await counts();
    for (const t of [
      await api.token(RA, ['USER']),
      await api.token(FIXTURE.customerA, ['ADMIN']),
      await api.token(D, ['ADMIN']),
    ]) {
      const res = await post(`/api/v1/invoices/${d.id}/issue`, {}, { token: t });
      expect(res.status).toBe(403);
    }
    const other = await post(`/api/v1/invoices/${d.id}/issue`, {}, { token: await api.token(RB, ['ADMIN']) });
    expect(other.status).toBe(404);
    const missing = await post('/api/v1/invoices/nope/issue', {});
    expect(missing.status).toBe(404);
    expect((missing.body as ErrorBody).error.fields).toHaveProperty(['id']);
    expect(await counts()).toEqual(before);
    const detail = await get(`/api/v1/invoices/${d.id}`);
    expect(detail.body).toMatchObject({ stage: 'PROFORMA', number: null });
  });

  it('shows a draft to its seller only; its client sees it once issued', async () => {
    const acc = await freshAccount();
    const client = `inv-client-${n}`;
    const d = (await draft(acc)).body as Detail;
    const clientToken = await api.token(client, ['ADMIN']);
    const listed = async () =>
      (
        (await get('/api/v1/invoices?direction=all', clientToken)).body as { rows: { id: string }[] }
      ).rows.map((r) => r.id);
    expect(await listed()).toEqual([]);
    expect((await get(`/api/v1/invoices/${d.id}`, clientToken)).status).toBe(404);
    await post(`/api/v1/invoices/${d.id}/issue`, {});
    expect(await listed()).toEqual([d.id]);
    // A customer names its seller (an organization that bills it), in the detail and in the list.
    expect((await get(`/api/v1/invoices/${d.id}`, clientToken)).body).toMatchObject({
      direction: 'RECEIVED',
      clientName: `Client ${client}`,
      issuerName: 'Reseller A',
    });
    expect(
      ((await get('/api/v1/invoices?direction=all', clientToken)).body as { rows: unknown[] }).rows,
    ).toMatchObject([{ id: d.id, issuerName: 'Reseller A', clientName: `Client ${client}` }]);
    expect((await get(`/api/v1/invoices/${d.id}`)).body).toMatchObject({
      direction: 'ISSUED',
      clientName: `Client ${client}`,
      issuerName: 'Reseller A',
    });
  });

  it('offers the marketplace’s taxes to sellers only', async () => {
    const res = await get('/api/v1/invoices/taxes');
    expect(res.status).toBe(200);
    const rows = (res.body as { rows: { id: string; percent: string | null }[] }).rows;
    expect(rows.map((r) => r.id).sort()).toEqual(['eco', 'vat']);
    expect(rows.find((r) => r.id === 'vat')?.percent).toBe('21');
    const user = await get('/api/v1/invoices/taxes', await api.token(RA, ['USER']));
    expect(user.status).toBe(403);
  });
});

describe('invoice list, detail and links', () => {
  it('pages, sorts and filters on the server in the one pagination style', async () => {
    const acc = await freshAccount();
    const ids: string[] = [];
    for (const [total, date] of [
      ['10.00', '2026-04-03'],
      ['30.00', '2026-04-01'],
      ['20.00', '2026-04-02'],
    ] as const) {
      ids.push(await issueInvoice(api.db.db, { accountId: acc, total, date }));
    }
    const list = async (q: string) => {
      const res = await get(`/api/v1/invoices?accountId=${acc}&${q}`);
      expect(res.status).toBe(200);
      return res.body as { rows: { id: string; total: string; direction: string }[]; lastRow: number };
    };
    expect((await list('sort=total:asc')).rows.map((r) => r.total)).toEqual(['10.00', '20.00', '30.00']);
    expect((await list('sort=invoiceDate:asc')).rows.map((r) => r.id)).toEqual([ids[1], ids[2], ids[0]]);
    const page = await list('sort=total:desc&startRow=1&endRow=2');
    expect(page).toMatchObject({ lastRow: 3, rows: [{ total: '20.00' }] });
    expect((await list('dateFrom=2026-04-02&dateTo=2026-04-02')).rows.map((r) => r.id)).toEqual([ids[2]]);
    expect((await list('direction=received')).rows).toEqual([]);
    expect((await list('direction=issued')).rows.every((r) => r.direction === 'ISSUED')).toBe(true);
    const bad = await get(`/api/v1/invoices?sort=nope`);
    expect(bad.status).toBe(400);
    expect((bad.body as ErrorBody).error.fields).toHaveProperty(['sort']);
    const badWindow = await get(`/api/v1/invoices?startRow=5&endRow=2`);
    expect(badWindow.status).toBe(400);
  });

  it('shows what remains creditable, per invoice and per line', async () => {
    const acc = await freshAccount();
    const d = (
      await draft(acc, {
        lines: [
          { description: 'A', quantity: '4', unitPrice: '10' },
          { description: 'B', quantity: '1', unitPrice: '50' },
        ],
      })
    ).body as Detail;
    await post(`/api/v1/invoices/${d.id}/issue`, {});
    const c1 = await post(`/api/v1/invoices/${d.id}/credit-notes`, { items: [{ lineNo: 1, quantity: '1' }] });
    expect(c1.status, JSON.stringify(c1.body)).toBe(201);
    const c2 = await post(`/api/v1/invoices/${d.id}/credit-notes`, { amount: '5.00', reason: 'discount' });
    expect(c2.status).toBe(201);
    const detail = (await get(`/api/v1/invoices/${d.id}`)).body as Detail;
    expect(detail.creditable).toBe('75.00');
    // The amount credit takes nothing from line 1's quantity.
    expect(detail.items.map((i) => i.creditableQuantity)).toEqual(['3', '1']);
    const rest = await post(`/api/v1/invoices/${d.id}/credit-notes`, {
      items: [{ lineNo: 1, quantity: '3' }],
    });
    expect(rest.status).toBe(201);
    const after = (await get(`/api/v1/invoices/${d.id}`)).body as Detail;
    expect(after.creditable).toBe('45.00');
    expect(after.items.map((i) => i.creditableQuantity)).toEqual(['0', '1']);
    // Each credit note names the invoice it credits by its number.
    const credits = (
      (await get(`/api/v1/invoices?type=CREDIT&accountId=${acc}`)).body as {
        rows: { creditedInvoiceId: string; creditedInvoiceNumber: string | null }[];
      }
    ).rows;
    expect(credits).toHaveLength(3);
    for (const c of credits)
      expect(c).toMatchObject({ creditedInvoiceId: d.id, creditedInvoiceNumber: after.number });
    expect(after.number).toMatch(/\d/);
  });

  it('lists payments and credit invoices with money left to link, then links one in part', async () => {
    const acc = await freshAccount();
    const pay = await post(`/api/v1/accounts/${acc}/payments`, {
      amount: '50.00',
      currency: 'EUR',
      cashDeskId: 'desk-ra',
      method: 'BANK_TRANSFER',
      reference: 'REF-1',
      date: '2026-05-01',
    });
    const paymentId = (pay.body as { id: string }).id;
    const inv = await issueInvoice(api.db.db, { accountId: acc, total: '80.00', date: '2026-05-02' });
    const sources = await get(`/api/v1/invoices/${inv}/link-sources`);
    expect(sources.status).toBe(200);
    expect(sources.body).toMatchObject({
      balance: '50.00',
      currency: 'EUR',
      rows: [
        { id: paymentId, kind: 'PAYMENT', label: 'Bank transfer REF-1', remaining: '50.00', usable: '50.00' },
      ],
    });
    const link = await post(`/api/v1/invoices/${inv}/links`, { sourceId: paymentId, amount: '20.00' });
    expect(link.status).toBe(201);
    const after = await get(`/api/v1/invoices/${inv}/link-sources`);
    expect(after.body).toMatchObject({
      balance: '30.00',
      rows: [{ id: paymentId, remaining: '30.00', usable: '30.00' }],
    });
    const detail = (await get(`/api/v1/invoices/${inv}`)).body as Detail;
    expect(detail).toMatchObject({ status: 'UNPAID', amountDue: '60.00' });
    expect(detail.links).toEqual([
      expect.objectContaining({ source: 'PAYMENT', sourceId: paymentId, amount: '20.00' }),
    ]);
    const user = await get(`/api/v1/invoices/${inv}/link-sources`, await api.token(RA, ['USER']));
    expect(user.status).toBe(403);
  });
});
