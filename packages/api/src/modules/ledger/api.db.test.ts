import { cashDeskReport, checkLedger } from '@cascade/billing-core';
import { queryRows, withSystem, withTenant } from '@cascade/db';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, FIXTURE, type TestApi } from '../../testing';
import { settleAccounts } from './command';
import { loadHistory } from './history';
import { createAccount, createCashDesk, createClient, issueInvoice, systemSession } from './testing';

const D = FIXTURE.distributor;
const RA = FIXTURE.resellerA;

let api: TestApi;
let token: string;
let n = 0;

beforeAll(async () => {
  api = await createTestApi();
  token = await api.token(RA);
  await createCashDesk(api.db.db, D, RA, 'desk-ra');
  await createCashDesk(api.db.db, D, FIXTURE.resellerB, 'desk-rb');
});
afterAll(() => api?.close());

async function freshAccount(opts: { issuer?: string; currency?: string; parentAccountId?: string } = {}) {
  n += 1;
  const issuer = opts.issuer ?? RA;
  const client = `api-client-${n}`;
  await createClient(api.db.db, D, issuer, client);
  return createAccount(api.db.db, {
    distributorId: D,
    clientOrgId: client,
    issuerOrgId: issuer,
    id: `api-acc-${n}`,
    currency: opts.currency,
    parentAccountId: opts.parentAccountId,
  });
}

const key = () => `k-${crypto.randomUUID()}`;
const post = (path: string, body: unknown, opts: { token?: string; key?: string | null } = {}) =>
  api.call('POST', path, {
    token: opts.token ?? token,
    body,
    headers: opts.key === null ? {} : { 'Idempotency-Key': opts.key ?? key() },
  });
const pay = (accountId: string, amount: string, extra: Record<string, unknown> = {}) =>
  post(`/api/v1/accounts/${accountId}/payments`, {
    amount,
    currency: 'EUR',
    cashDeskId: 'desk-ra',
    method: 'BANK_TRANSFER',
    date: '2026-03-01',
    ...extra,
  });

async function snapshot() {
  return withSystem(api.db.db, async (tx) => {
    const counts = await queryRows<Record<string, number>>(
      tx,
      sql`select (select count(*) from payments)::int as p, (select count(*) from allocations)::int as a,
        (select count(*) from refunds)::int as r, (select count(*) from transfers)::int as t,
        (select count(*) from write_offs)::int as w, (select count(*) from ledger_entries)::int as e,
        (select count(*) from invoices)::int as i, (select count(*) from idempotency_keys)::int as k,
        (select coalesce(sum(balance), 0)::text from accounts) as b,
        (select string_agg(id || status || amount_due, ',' order by id) from invoices) as s`,
    );
    return counts[0];
  });
}

async function ledgerOf(accountIds: string[]) {
  const h = await withSystem(api.db.db, (tx) => loadHistory(tx, D, accountIds));
  return { state: h, stored: h.stored };
}

describe('ledger API', () => {
  it('records a payment that settles open invoices oldest first, stopping at the first it cannot cover', async () => {
    const acc = await freshAccount();
    const i1 = await issueInvoice(api.db.db, { accountId: acc, total: '30.00', date: '2026-01-01' });
    const i2 = await issueInvoice(api.db.db, { accountId: acc, total: '50.00', date: '2026-01-02' });
    const i3 = await issueInvoice(api.db.db, { accountId: acc, total: '10.00', date: '2026-01-03' });
    const res = await pay(acc, '70.00');
    expect(res.status).toBe(201);
    const body = res.body as {
      links: { invoiceId: string; amount: string }[];
      balances: Record<string, string>;
    };
    expect(body.links.map((l) => [l.invoiceId, l.amount])).toEqual([[i1, '30.00']]);
    expect(body.balances[acc]).toBe('40.00');
    const second = await pay(acc, '20.00');
    expect((second.body as typeof body).links.map((l) => [l.invoiceId, l.amount])).toEqual([
      [i2, '50.00'],
      [i3, '10.00'],
    ]);
    expect((second.body as typeof body).balances[acc]).toBe('0.00');
    const { state, stored } = await ledgerOf([acc]);
    expect(checkLedger(state, stored)).toEqual([]);
  });

  it('settles across the pages it reads open invoices in (4, then 32 at a time), oldest first', async () => {
    const acc = await freshAccount();
    // 45 invoices of 1.00, dated out of id order within a day (the rule's order: date, then id).
    const ids: string[] = [];
    for (let i = 0; i < 45; i++) {
      const day = String(1 + Math.floor(i / 3)).padStart(2, '0');
      ids.push(await issueInvoice(api.db.db, { accountId: acc, total: '1.00', date: `2026-01-${day}` }));
    }
    const res = await pay(acc, '40.50');
    expect(res.status).toBe(201);
    const body = res.body as { links: { invoiceId: string }[]; balances: Record<string, string> };
    const byRule = await withSystem(api.db.db, (tx) =>
      queryRows<{ id: string }>(
        tx,
        sql`select id from invoices where account_id = ${acc} order by invoice_date, id collate "C"`,
      ),
    );
    expect(body.links.map((l) => l.invoiceId)).toEqual(byRule.slice(0, 40).map((r) => r.id));
    expect(body.balances[acc]).toBe('0.50');
    const { state, stored } = await ledgerOf([acc]);
    expect(checkLedger(state, stored)).toEqual([]);
  });

  it('links a payment to an invoice in part, then in full: PAID exactly when covered', async () => {
    const acc = await freshAccount();
    const inv = await issueInvoice(api.db.db, { accountId: acc, total: '100.00', date: '2026-01-01' });
    const later = await issueInvoice(api.db.db, { accountId: acc, total: '5.00', date: '2026-02-01' });
    const p = await pay(acc, '60.00', { linkTo: { invoiceId: inv, amount: '40.00' } });
    expect(p.status).toBe(201);
    const pb = p.body as {
      id: string;
      links: { invoiceId: string; amount: string; sourceId: string | null }[];
    };
    // 40 linked to inv; the 20 left cannot cover the rest of inv (60): settlement stops there.
    expect(pb.links).toEqual([expect.objectContaining({ invoiceId: inv, amount: '40.00', sourceId: pb.id })]);
    let detail = await api.call('GET', `/api/v1/invoices/${inv}`, { token });
    expect(detail.body).toMatchObject({ status: 'UNPAID', amountDue: '60.00' });
    const p2 = await pay(acc, '30.00');
    const p2b = p2.body as typeof pb;
    expect(p2b.links).toEqual([]);
    const link = await post(`/api/v1/invoices/${inv}/links`, { sourceId: p2b.id });
    expect(link.status).toBe(201);
    expect((link.body as typeof pb).links).toEqual([
      expect.objectContaining({ invoiceId: inv, amount: '30.00' }),
    ]);
    const part = await post(`/api/v1/invoices/${inv}/links`, { sourceId: pb.id, amount: '10.00' });
    expect(part.status).toBe(201);
    detail = await api.call('GET', `/api/v1/invoices/${inv}`, { token });
    expect(detail.body).toMatchObject({ status: 'UNPAID', amountDue: '20.00' });
    const last = await pay(acc, '20.00', { linkTo: { invoiceId: inv } });
    expect((last.body as typeof pb).links).toEqual([
      expect.objectContaining({ invoiceId: inv, amount: '20.00' }),
      expect.objectContaining({ invoiceId: later, amount: '5.00', sourceId: null }),
    ]);
    detail = await api.call('GET', `/api/v1/invoices/${inv}`, { token });
    expect(detail.body).toMatchObject({ status: 'PAID', amountDue: '0.00' });
    expect((detail.body as { links: unknown[] }).links).toHaveLength(4);
    const { state, stored } = await ledgerOf([acc]);
    expect(checkLedger(state, stored)).toEqual([]);
    expect(stored[acc]).toBe('5.0000');
  });

  it('credit invoices: by items or amount, numbered, never beyond what is creditable', async () => {
    const acc = await freshAccount();
    const inv = await issueInvoice(api.db.db, { accountId: acc, total: '90.00', date: '2026-01-01' });
    const c1 = await post(`/api/v1/invoices/${inv}/credit-notes`, {
      items: [{ lineNo: 1, quantity: '0.5' }],
    });
    expect(c1.status).toBe(201);
    expect(c1.body).toMatchObject({ kind: 'CREDIT_INVOICE', amount: '45.00' });
    const c1id = (c1.body as { id: string }).id;
    const c1detail = await api.call('GET', `/api/v1/invoices/${c1id}`, { token });
    expect(c1detail.body).toMatchObject({ type: 'CREDIT', creditedInvoiceId: inv, total: '45.00' });
    expect((c1detail.body as { number: string }).number).toMatch(/^\d+$/);
    let detail = await api.call('GET', `/api/v1/invoices/${inv}`, { token });
    expect(detail.body).toMatchObject({ status: 'UNPAID', amountDue: '45.00' });
    const tooMuch = await post(`/api/v1/invoices/${inv}/credit-notes`, { amount: '45.01' });
    expect(tooMuch.status).toBe(422);
    // Named by the request's own field: `amount` here, `items` for a credit by items.
    expect((tooMuch.body as { error: { fields: object } }).error.fields).toHaveProperty('amount');
    const c2 = await post(`/api/v1/invoices/${inv}/credit-notes`, { items: [{ lineNo: 1 }] });
    expect(c2.status).toBe(201);
    expect(c2.body).toMatchObject({ amount: '45.00' });
    detail = await api.call('GET', `/api/v1/invoices/${inv}`, { token });
    expect(detail.body).toMatchObject({ status: 'PAID', amountDue: '0.00' });
    const none = await post(`/api/v1/invoices/${inv}/credit-notes`, { items: [{ lineNo: 1 }] });
    expect(none.status).toBe(422);
    const numbers = [c1id, (c2.body as { id: string }).id].map(async (id) => {
      const d = await api.call('GET', `/api/v1/invoices/${id}`, { token });
      return Number((d.body as { number: string }).number);
    });
    const [n1, n2] = await Promise.all(numbers);
    expect(n2).toBe(n1! + 1);
  });

  it('cancel: an unpaid invoice leaves the balance and the amount due, linked money returns', async () => {
    const acc = await freshAccount();
    const inv = await issueInvoice(api.db.db, { accountId: acc, total: '100.00', date: '2026-01-01' });
    const small = await issueInvoice(api.db.db, { accountId: acc, total: '30.00', date: '2026-01-05' });
    await pay(acc, '40.00', { linkTo: { invoiceId: inv } });
    let summary = await api.call('GET', `/api/v1/accounts/${acc}/summary`, { token });
    expect(summary.body).toMatchObject({ balance: '0.00', due: '90.00', openInvoices: 2 });
    const c = await post(`/api/v1/invoices/${inv}/cancel`, {});
    expect(c.status).toBe(201);
    // 40 came back and settled the 30 invoice.
    expect((c.body as { links: { invoiceId: string }[] }).links.map((l) => l.invoiceId)).toEqual([small]);
    summary = await api.call('GET', `/api/v1/accounts/${acc}/summary`, { token });
    expect(summary.body).toMatchObject({ balance: '10.00', due: '0.00', net: '10.00', openInvoices: 0 });
    // The client sees its own account; other tenants do not.
    const client = await api.token(`api-client-${n}`);
    expect((await api.call('GET', `/api/v1/accounts/${acc}/summary`, { token: client })).status).toBe(200);
    const stranger = await api.token(FIXTURE.customerB);
    expect((await api.call('GET', `/api/v1/accounts/${acc}/summary`, { token: stranger })).status).toBe(404);
    const again = await api.call('POST', `/api/v1/invoices/${inv}/cancel`, {
      token,
      headers: { 'Idempotency-Key': key() },
    });
    expect(again.status).toBe(422);
    // Partly credited: refused, naming the invoice; nothing changes.
    const credited = await issueInvoice(api.db.db, { accountId: acc, total: '80.00', date: '2026-01-06' });
    expect((await post(`/api/v1/invoices/${credited}/credit-notes`, { amount: '30.00' })).status).toBe(201);
    const before = await snapshot();
    const refused = await post(`/api/v1/invoices/${credited}/cancel`, {});
    expect(refused.status).toBe(422);
    expect((refused.body as { error: { fields: object } }).error.fields).toHaveProperty('id');
    expect(await snapshot()).toEqual(before);
    const paid = await post(`/api/v1/invoices/${small}/cancel`, {});
    expect(paid.status).toBe(422);
    const error = (paid.body as { error: { message: string; fields: object } }).error;
    expect(error.message).toMatch(/credit invoice/);
    expect(error.fields).toHaveProperty('id'); // the path's :id, as the request names it
    expect((again.body as { error: { fields: object } }).error.fields).toHaveProperty('id');
    const { state, stored } = await ledgerOf([acc]);
    expect(checkLedger(state, stored)).toEqual([]);
  });

  it('refunds, transfers and write-offs; statement of account computed two ways', async () => {
    const a = await freshAccount();
    const b = await freshAccount();
    const inv = await issueInvoice(api.db.db, { accountId: b, total: '25.00', date: '2026-01-01' });
    await pay(a, '100.00', { date: '2026-01-10' });
    expect(
      (
        await post(`/api/v1/accounts/${a}/refunds`, {
          amount: '10.00',
          currency: 'EUR',
          date: '2026-01-11',
          cashDeskId: 'desk-ra',
        })
      ).status,
    ).toBe(201);
    const t = await post(`/api/v1/accounts/${a}/transfers`, {
      toAccountId: b,
      amount: '30.00',
      currency: 'EUR',
      date: '2026-02-01',
    });
    expect(t.status).toBe(201);
    expect(t.body).toMatchObject({ balances: { [a]: '60.00', [b]: '5.00' } });
    expect((t.body as { links: { invoiceId: string }[] }).links.map((l) => l.invoiceId)).toEqual([inv]);
    const w = await post(`/api/v1/accounts/${a}/write-offs`, {
      amount: '20.00',
      currency: 'EUR',
      date: '2026-02-15',
      reason: 'Support hours',
    });
    expect(w.status).toBe(201);
    const st = await api.call('GET', `/api/v1/accounts/${a}/statement?from=2026-01-11&to=2026-02-28`, {
      token,
    });
    expect(st.status).toBe(200);
    const body = st.body as {
      opening: { balance: string };
      closing: { balance: string };
      rows: { kind: string; balanceChange: string }[];
    };
    expect(body.opening.balance).toBe('100.00');
    expect(body.rows.map((r) => [r.kind, r.balanceChange])).toEqual([
      ['REFUND', '-10.00'],
      ['TRANSFER', '-30.00'],
      ['WRITE_OFF', '-20.00'],
    ]);
    expect(body.closing.balance).toBe('40.00');
    // The other way: sums of the ledger entries by date, straight from SQL; and the stored balance.
    const [sums] = await withSystem(api.db.db, (tx) =>
      queryRows<{ opening: string; closing: string; balance: string }>(
        tx,
        sql`select (select coalesce(sum(amount), 0) from ledger_entries where account_id = ${a} and entry_date < '2026-01-11')::text as opening,
          (select coalesce(sum(amount), 0) from ledger_entries where account_id = ${a} and entry_date <= '2026-02-28')::text as closing,
          (select balance from accounts where id = ${a})::text as balance`,
      ),
    );
    expect(Number(sums!.opening)).toBe(100);
    expect(Number(sums!.closing)).toBe(40);
    expect(Number(sums!.balance)).toBe(40);
    const summary = await api.call('GET', `/api/v1/accounts/${a}/summary`, { token });
    expect(summary.body).toMatchObject({ balance: body.closing.balance });
    const { state, stored } = await ledgerOf([a, b]);
    expect(checkLedger(state, stored)).toEqual([]);
    const cash = await api.call('GET', '/api/v1/cash-desks/report?from=2026-01-10&to=2026-01-11', { token });
    expect(cash.status).toBe(200);
    const rows = (
      cash.body as { rows: { cashDeskId: string; date: string; received: string; paidOut: string }[] }
    ).rows;
    expect(rows).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ cashDeskId: 'desk-ra', date: '2026-01-10', received: expect.any(String) }),
        expect.objectContaining({ cashDeskId: 'desk-ra', date: '2026-01-11', paidOut: expect.any(String) }),
      ]),
    );
    // Two ways: the SQL report equals billing-core's cashDeskReport over the same documents.
    const all = await withSystem(api.db.db, async (tx) => {
      const ids = await queryRows<{ id: string }>(
        tx,
        sql`select id from accounts where distributor_id = ${D}`,
      );
      return loadHistory(
        tx,
        D,
        ids.map((x) => x.id),
      );
    });
    const pure = cashDeskReport(all).filter((r) => r.date >= '2026-01-10' && r.date <= '2026-01-11');
    expect(rows.map((r) => [r.cashDeskId, r.date, r.received, r.paidOut])).toEqual(
      pure.map((r) => [r.cashDeskId, r.date, r.received.toFixed(2), r.paidOut.toFixed(2)]),
    );
  });

  it('settleAccounts closes invoices written elsewhere (billing runs) from money already held', async () => {
    const acc = await freshAccount();
    await pay(acc, '50.00');
    // Written as a billing run writes it: UNPAID, not settled.
    const id = crypto.randomUUID();
    await withSystem(api.db.db, (tx) =>
      tx.execute(sql`insert into invoices (distributor_id, reseller_id, org_id, id, issuer_org_id, account_id, stage,
          type, status, number, invoice_date, currency, subtotal, tax_total, total, amount_due, channel, source, issued_at)
        select distributor_id, reseller_id, org_id, ${id}, issuer_org_id, id, 'ISSUED', 'DEBIT', 'UNPAID', ${id},
          '2026-01-01', 'EUR', 20, 0, 20, 20, 'BSS', 'BILLING_SERVICE', now() from accounts where id = ${acc}`),
    );
    const tenant = { orgId: RA, distributorId: D, orgKind: 'RESELLER' as const };
    const links = await withTenant(api.db.db, tenant, (tx) =>
      settleAccounts(tx, systemSession(tenant), [acc], '2026-01-02'),
    );
    expect(links.map((l) => l.kind)).toEqual(['LINK']);
    const detail = await api.call('GET', `/api/v1/invoices/${id}`, { token });
    expect(detail.body).toMatchObject({ status: 'PAID', amountDue: '0.00' });
    const { state, stored } = await ledgerOf([acc]);
    expect(checkLedger(state, stored)).toEqual([]);
    expect(stored[acc]).toBe('30.0000');
  });

  it('replays a retried payment with the same Idempotency-Key instead of applying it twice', async () => {
    const acc = await freshAccount();
    const k = key();
    const body = {
      amount: '12.00',
      currency: 'EUR',
      cashDeskId: 'desk-ra',
      method: 'CASH',
      date: '2026-03-01',
    };
    const r1 = await post(`/api/v1/accounts/${acc}/payments`, body, { key: k });
    const r2 = await post(`/api/v1/accounts/${acc}/payments`, body, { key: k });
    expect(r1.status).toBe(201);
    expect(r2.status).toBe(201);
    expect(r2.headers.get('Idempotent-Replayed')).toBe('true');
    expect(r2.body).toEqual(r1.body);
    const summary = await api.call('GET', `/api/v1/accounts/${acc}/summary`, { token });
    expect(summary.body).toMatchObject({ balance: '12.00' });
  });
});

describe('ledger API: bad input changes nothing', () => {
  it('answers each with its 4xx naming the field', async () => {
    const acc = await freshAccount();
    const usd = await freshAccount({ currency: 'USD' });
    const otherIssuer = await freshAccount({ issuer: FIXTURE.resellerB });
    const inv = await issueInvoice(api.db.db, { accountId: acc, total: '10.00', date: '2026-01-01' });
    const five = ((await pay(acc, '5.00')).body as { id: string }).id; // too little to settle inv
    const d2 = await api.token(FIXTURE.otherDistributor);
    const customer = await api.token(FIXTURE.customerA);
    const payment = { amount: '1.00', currency: 'EUR', cashDeskId: 'desk-ra', method: 'CASH' };
    const cases: [string, () => Promise<{ status: number; body: unknown }>, number, string | null][] = [
      ['too many decimals', () => pay(acc, '1.001'), 400, 'amount'],
      ['zero', () => pay(acc, '0.00'), 422, 'amount'],
      ['negative', () => pay(acc, '-5.00'), 400, 'amount'],
      ['exponent', () => pay(acc, '1e3'), 400, 'amount'],
      ['15 integer digits', () => pay(acc, '100000000000000.00'), 400, 'amount'],
      ['number, not string', () => pay(acc, 5 as unknown as string), 400, 'amount'],
      ['unknown currency', () => pay(acc, '1.00', { currency: 'XXY' }), 400, 'currency'],
      ['currency mismatch', () => pay(usd, '1.00'), 422, 'currency'],
      ['unknown account', () => pay('no-such-account', '1.00'), 404, 'accountId'],
      [
        'other tenant',
        () => post(`/api/v1/accounts/${acc}/payments`, payment, { token: d2 }),
        404,
        'accountId',
      ],
      [
        'client may not pay itself in',
        () => post(`/api/v1/accounts/${acc}/payments`, payment, { token: customer }),
        403,
        null,
      ],
      ['other seller', () => pay(otherIssuer, '1.00'), 404, 'accountId'],
      ['cash desk of another seller', () => pay(acc, '1.00', { cashDeskId: 'desk-rb' }), 422, 'cashDeskId'],
      [
        'missing Idempotency-Key',
        () => post(`/api/v1/accounts/${acc}/payments`, payment, { key: null }),
        400,
        'Idempotency-Key',
      ],
      ['unknown field', () => pay(acc, '1.00', { sneaky: true }), 400, 'sneaky'],
      ['NUL in a reference', () => pay(acc, '1.00', { reference: 'INV\u0000-1' }), 400, 'reference'],
      ['lone surrogate in a reference', () => pay(acc, '1.00', { reference: 'INV\ud800' }), 400, 'reference'],
      ['bad date', () => pay(acc, '1.00', { date: '2026-02-30' }), 400, 'date'],
      [
        'link to unknown invoice',
        () => pay(acc, '1.00', { linkTo: { invoiceId: 'nope' } }),
        404,
        'linkTo.invoiceId',
      ],
      [
        'link beyond due',
        () => pay(acc, '20.00', { linkTo: { invoiceId: inv, amount: '11.00' } }),
        422,
        'linkTo.amount',
      ],
      [
        'refund above balance',
        () => post(`/api/v1/accounts/${acc}/refunds`, { amount: '5.01', currency: 'EUR' }),
        422,
        'amount',
      ],
      [
        'refund with too many decimals',
        () => post(`/api/v1/accounts/${acc}/refunds`, { amount: '1.005', currency: 'EUR' }),
        400,
        'amount',
      ],
      [
        'transfer to another currency',
        () =>
          post(`/api/v1/accounts/${acc}/transfers`, { toAccountId: usd, amount: '1.00', currency: 'EUR' }),
        422,
        'toAccountId',
      ],
      [
        'transfer to another seller',
        () =>
          post(`/api/v1/accounts/${acc}/transfers`, {
            toAccountId: otherIssuer,
            amount: '1.00',
            currency: 'EUR',
          }),
        404,
        'toAccountId',
      ],
      [
        'transfer to itself',
        () =>
          post(`/api/v1/accounts/${acc}/transfers`, { toAccountId: acc, amount: '1.00', currency: 'EUR' }),
        422,
        'toAccountId',
      ],
      [
        'transfer above balance',
        () =>
          post(`/api/v1/accounts/${acc}/transfers`, { toAccountId: usd, amount: '9.00', currency: 'USD' }),
        422,
        'currency',
      ],
      [
        'write-off without reason',
        () => post(`/api/v1/accounts/${acc}/write-offs`, { amount: '1.00', currency: 'EUR', reason: ' ' }),
        400,
        'reason',
      ],
      [
        'write-off above balance',
        () => post(`/api/v1/accounts/${acc}/write-offs`, { amount: '6.00', currency: 'EUR', reason: 'x' }),
        422,
        'amount',
      ],
      [
        'credit note: amount and items',
        () => post(`/api/v1/invoices/${inv}/credit-notes`, { amount: '1.00', items: [{ lineNo: 1 }] }),
        400,
        'amount',
      ],
      [
        'credit note: no such line',
        () => post(`/api/v1/invoices/${inv}/credit-notes`, { items: [{ lineNo: 9 }] }),
        422,
        'items.0.lineNo',
      ],
      [
        'credit note beyond the invoice',
        () => post(`/api/v1/invoices/${inv}/credit-notes`, { amount: '10.01' }),
        422,
        'amount',
      ],
      [
        'credit note with too many decimals',
        () => post(`/api/v1/invoices/${inv}/credit-notes`, { amount: '1.001' }),
        400,
        'amount',
      ],
      // Named as the links route's request names them (the rule says link.amount).
      [
        'link more than the payment holds',
        () => post(`/api/v1/invoices/${inv}/links`, { sourceId: five, amount: '6.00' }),
        422,
        'amount',
      ],
      [
        'link with too many decimals',
        () => post(`/api/v1/invoices/${inv}/links`, { sourceId: five, amount: '1.001' }),
        400,
        'amount',
      ],
      [
        'link an unknown source',
        () => post(`/api/v1/invoices/${inv}/links`, { sourceId: 'nope' }),
        422,
        'sourceId',
      ],
      ['cancel an unknown invoice', () => post('/api/v1/invoices/nope/cancel', {}), 404, 'id'],
    ];
    const before = await snapshot();
    for (const [name, run, status, field] of cases) {
      const res = await run();
      expect(res.status, `${name}: ${JSON.stringify(res.body)}`).toBe(status);
      const error = (
        res.body as { error: { code: string; message: string; fields?: Record<string, string> } }
      ).error;
      expect(error.message.length, name).toBeGreaterThan(5);
      if (field) expect(Object.keys(error.fields ?? {}), name).toContain(field);
    }
    expect(await snapshot()).toEqual(before);
  });

  it('a balance never grows beyond what can be stored: the payment or transfer is refused', async () => {
    const acc = await freshAccount();
    const other = await freshAccount();
    const largest = '99999999999999.99'; // 14 integer digits: the largest amount accepted
    for (let i = 0; i < 100; i++) expect((await pay(acc, largest)).status).toBe(201);
    expect((await pay(other, largest)).status).toBe(201);
    const before = await snapshot();
    const refused = [
      await pay(acc, largest),
      await post(`/api/v1/accounts/${other}/transfers`, {
        toAccountId: acc,
        amount: largest,
        currency: 'EUR',
      }),
    ];
    for (const res of refused) {
      expect(res.status, JSON.stringify(res.body)).toBe(422);
      const error = (res.body as { error: { message: string; fields: Record<string, string> } }).error;
      expect(error.fields.amount).toMatch(/must stay below 10000000000000000\.00/);
    }
    expect(await snapshot()).toEqual(before);
    // Money taken out makes room again.
    expect((await post(`/api/v1/accounts/${acc}/refunds`, { amount: largest, currency: 'EUR' })).status).toBe(
      201,
    );
    expect((await pay(acc, largest)).status).toBe(201);
  });

  it('payments towards a child account only when the option allows them', async () => {
    const parent = await freshAccount();
    n += 1;
    const child = await createAccount(api.db.db, {
      distributorId: D,
      clientOrgId: `api-client-${n - 1}`,
      issuerOrgId: RA,
      id: `api-child-${n}`,
      parentAccountId: parent,
    });
    const refused = await pay(child, '1.00');
    expect(refused.status).toBe(422);
    expect((refused.body as { error: { message: string } }).error.message).toMatch(
      /Allow Payments and Adjustments towards Child Account/,
    );
    await withSystem(api.db.db, (tx) =>
      tx.execute(sql`insert into billing_profile_options (distributor_id, org_id, allow_payments_and_adjustments_towards_child_account)
        values (${D}, ${D}, true) on conflict (distributor_id) do update set allow_payments_and_adjustments_towards_child_account = true`),
    );
    expect((await pay(child, '1.00')).status).toBe(201);
    await withSystem(api.db.db, (tx) =>
      tx.execute(
        sql`update billing_profile_options set allow_payments_and_adjustments_towards_child_account = false where distributor_id = ${D}`,
      ),
    );
  });

  it('the app role cannot update or delete documents or ledger entries', async () => {
    const acc = await freshAccount();
    await pay(acc, '3.00');
    const dTenant = { orgId: D, distributorId: D, orgKind: 'DISTRIBUTOR' as const };
    for (const table of [
      'payments',
      'allocations',
      'refunds',
      'transfers',
      'write_offs',
      'ledger_entries',
      'audit_log',
    ]) {
      for (const stmt of [
        sql`update ${sql.identifier(table)} set distributor_id = distributor_id`,
        sql`delete from ${sql.identifier(table)}`,
      ]) {
        const error = await withTenant(api.db.db, dTenant, (tx) => tx.execute(stmt)).then(
          () => 'no error',
          (e: Error & { cause?: Error }) => `${e.message} ${e.cause?.message ?? ''}`,
        );
        expect(error, table).toMatch(/permission denied/);
      }
    }
  });

  it('lists invoices received and issued, sorted and filtered on the server', async () => {
    const acc = await freshAccount();
    await issueInvoice(api.db.db, { accountId: acc, total: '7.00', date: '2026-05-01' });
    await issueInvoice(api.db.db, { accountId: acc, total: '9.00', date: '2026-05-02' });
    const res = await api.call('GET', `/api/v1/invoices?direction=issued&accountId=${acc}&sort=total:asc`, {
      token,
    });
    expect(res.status).toBe(200);
    const page = res.body as { rows: { total: string; direction: string }[]; lastRow: number };
    expect(page.rows.map((r) => r.total)).toEqual(['7.00', '9.00']);
    expect(page.rows.every((r) => r.direction === 'ISSUED')).toBe(true);
    expect(page.lastRow).toBe(2);
    const received = await api.call('GET', `/api/v1/invoices?direction=received&accountId=${acc}`, { token });
    expect((received.body as { rows: unknown[] }).rows).toEqual([]);
    const bad = await api.call('GET', '/api/v1/invoices?sort=secret:asc', { token });
    expect(bad.status).toBe(400);
    const other = await api.call('GET', `/api/v1/invoices?accountId=${acc}`, {
      token: await api.token(FIXTURE.resellerB),
    });
    expect((other.body as { rows: unknown[] }).rows).toEqual([]);
  });
});
