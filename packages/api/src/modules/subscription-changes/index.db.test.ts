import { Decimal } from '@cascade/billing-core';
import { auditLog, subscriptionEvents, subscriptions, withSystem } from '@cascade/db';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, FIXTURE, type TestApi } from '../../testing';
import { addSubscription, bill, fingerprint, itemsOf, seedChanges, setOptions } from './testing';

let api: TestApi;
let admin: string;
let billing: string;
beforeAll(async () => {
  api = await createTestApi();
  await seedChanges(api.db.db);
  admin = await api.token(FIXTURE.distributor, ['ADMIN']);
  billing = await api.token(FIXTURE.distributor, ['BILLING_MANAGER']);
});
afterAll(() => api.close());

let keyNo = 0;
const post = (path: string, body: unknown, opts: { token?: string; key?: string | null } = {}) =>
  api.call('POST', path, {
    token: opts.token ?? billing,
    body,
    headers: opts.key === null ? {} : { 'Idempotency-Key': opts.key ?? `change-${++keyNo}` },
  });

type Outcome = {
  event: { id: string; kind: string; details: Record<string, unknown>; documentIds: string[] };
  documents: {
    id: string;
    type: string;
    stage: string;
    number: string | null;
    creditedInvoiceId: string | null;
    total: string;
    accountId: string;
  }[];
};
/** Disconnects a subscription on a date and returns what it issued. */
const disconnect = async (id: string, date: string) =>
  (await post(`/api/v1/subscriptions/${id}/disconnection`, { date })).body as Outcome;
/** What the items billed in all: charges less credits. */
const netOf = (items: { type: string; amount: string }[]) =>
  items.reduce(
    (s, i) => s.plus(i.type === 'CREDIT' ? new Decimal(i.amount).neg() : i.amount),
    new Decimal(0),
  );

/** The net charge of every day of a subscription per account: no day is billed (net) to two accounts. */
async function netDays(subscriptionId: string) {
  const rows = await itemsOf(api.db.db, subscriptionId);
  const perDay = new Map<string, Map<string, Decimal>>();
  for (const r of rows) {
    const days = (Date.parse(r.periodEnd) - Date.parse(r.periodStart)) / 86_400_000 + 1;
    const perDayAmount = new Decimal(r.amount).div(days).times(r.type === 'CREDIT' ? -1 : 1);
    for (let d = 0; d < days; d++) {
      const day = new Date(Date.parse(r.periodStart) + d * 86_400_000).toISOString().slice(0, 10);
      const m = perDay.get(day) ?? new Map<string, Decimal>();
      m.set(r.accountId, (m.get(r.accountId) ?? new Decimal(0)).plus(perDayAmount));
      perDay.set(day, m);
    }
  }
  return perDay;
}

describe('disconnection', () => {
  it('credits the unused days (EXACT, DAILY), linked to the original; a later run bills nothing after it', async () => {
    await addSubscription(api.db.db, 'sd', '2026-07-01');
    await bill(api, admin, '2026-07-01');
    const [july] = await itemsOf(api.db.db, 'sd');
    expect(july).toMatchObject({ type: 'DEBIT', amount: '310.0000', periodEnd: '2026-07-31' });

    const before = await fingerprint(api.db.db);
    const bad = await post('/api/v1/subscriptions/sd/disconnection', { date: '2026-07-32' });
    expect(bad.status).toBe(400);
    expect((bad.body as { error: { fields: Record<string, string> } }).error.fields).toHaveProperty('date');
    const noKey = await post('/api/v1/subscriptions/sd/disconnection', { date: '2026-07-15' }, { key: null });
    expect(noKey.status).toBe(400);
    const early = await post('/api/v1/subscriptions/sd/disconnection', { date: '2026-06-30' });
    expect(early.status).toBe(422);
    const user = await post(
      '/api/v1/subscriptions/sd/disconnection',
      { date: '2026-07-15' },
      {
        token: await api.token(FIXTURE.distributor, ['USER']),
      },
    );
    expect(user.status).toBe(403);
    const otherSeller = await post(
      '/api/v1/subscriptions/sd/disconnection',
      { date: '2026-07-15' },
      {
        token: await api.token(FIXTURE.resellerA, ['ADMIN']),
      },
    );
    expect(otherSeller.status).toBe(404);
    expect(await fingerprint(api.db.db)).toBe(before);

    const res = await post(
      '/api/v1/subscriptions/sd/disconnection',
      { date: '2026-07-15' },
      { key: 'disconnect-sd' },
    );
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const out = res.body as Outcome;
    // 16 unused days of 31 at 10.00 a day: 160.00 + VAT 33.60.
    expect(out.documents).toEqual([
      expect.objectContaining({
        type: 'CREDIT',
        stage: 'ISSUED',
        creditedInvoiceId: july!.invoiceId,
        total: '193.60',
      }),
    ]);
    expect(out.documents[0]!.number).toMatch(/\d/);
    expect(out.event.details.lines).toEqual([
      expect.objectContaining({
        kept: '150.00',
        credit: '160.00',
        creditedRange: { start: '2026-07-16', end: '2026-07-31' },
      }),
    ]);
    // Replayed with the same key: the same answer, nothing new.
    const after = await fingerprint(api.db.db);
    const replay = await post(
      '/api/v1/subscriptions/sd/disconnection',
      { date: '2026-07-15' },
      { key: 'disconnect-sd' },
    );
    expect(replay.status).toBe(201);
    expect(replay.body).toEqual(out);
    expect(await fingerprint(api.db.db)).toBe(after);
    const again = await post('/api/v1/subscriptions/sd/disconnection', { date: '2026-07-20' });
    expect(again.status).toBe(422);

    await bill(api, admin, '2026-08-01');
    const items = await itemsOf(api.db.db, 'sd');
    expect(items.map((i) => [i.type, i.periodStart, i.periodEnd, i.amount])).toEqual([
      ['DEBIT', '2026-07-01', '2026-07-31', '310.0000'],
      ['CREDIT', '2026-07-16', '2026-07-31', '160.0000'],
    ]);
    const [row] = await withSystem(api.db.db, (tx) =>
      tx
        .select()
        .from(subscriptions)
        .where(and(eq(subscriptions.distributorId, 'd1'), eq(subscriptions.id, 'sd'))),
    );
    expect(row).toMatchObject({ state: 'DISCONNECTED', disconnectionDate: '2026-07-15' });
    const audit = await withSystem(api.db.db, (tx) =>
      tx
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.entityType, 'subscription'), eq(auditLog.entityId, 'sd'))),
    );
    expect(audit.map((a) => a.action)).toEqual(['subscription.disconnection']);
    const list = await api.call('GET', '/api/v1/subscriptions/sd/disconnection', { token: billing });
    expect(list.body).toMatchObject({ rows: [{ id: out.event.id, kind: 'DISCONNECTION' }], lastRow: 1 });
  });

  it('NODC + FULL_MONTH: the remaining whole months, unless Generate Full Month Charge … NODC is Yes', async () => {
    await addSubscription(api.db.db, 'sq1', '2026-07-01', {
      frequency: 3,
      prorataRule: 'FULL_MONTH',
      creditRule: 'NODC',
    });
    await addSubscription(api.db.db, 'sq2', '2026-07-01', {
      frequency: 3,
      prorataRule: 'FULL_MONTH',
      creditRule: 'NODC',
    });
    await bill(api, admin, '2026-07-02');
    await setOptions(api.db.db, { generateFullMonthChargeEvenAfterDisconnectionOfNodc: false });
    const no = await disconnect('sq1', '2026-08-10');
    // 31 × 10.00 a month: September comes back.
    expect(no.documents.map((d) => d.total)).toEqual(['375.10']);
    await setOptions(api.db.db, { generateFullMonthChargeEvenAfterDisconnectionOfNodc: true });
    const yes = await disconnect('sq2', '2026-08-10');
    expect(yes.documents).toEqual([]);
    await setOptions(api.db.db, { generateFullMonthChargeEvenAfterDisconnectionOfNodc: false });
  });

  it('Exact Disconnection Credit on Ad Hoc Price Change: exact from the ad hoc price, or none', async () => {
    await addSubscription(api.db.db, 'sa1', '2026-07-01', { adHocPrice: '20.00' });
    await addSubscription(api.db.db, 'sa2', '2026-07-01', { adHocPrice: '20.00' });
    await bill(api, admin, '2026-07-03');
    await setOptions(api.db.db, { exactDisconnectionCreditOnAdHocPriceChange: true });
    const yes = await disconnect('sa1', '2026-07-21');
    // 10 days of 31 × 20.00 a month: 200.00 + VAT 42.00.
    expect(yes.documents.map((d) => d.total)).toEqual(['242.00']);
    await setOptions(api.db.db, { exactDisconnectionCreditOnAdHocPriceChange: false });
    const no = await disconnect('sa2', '2026-07-21');
    expect(no.documents).toEqual([]);
    await setOptions(api.db.db, { exactDisconnectionCreditOnAdHocPriceChange: true });
  });
});

describe('account transfer', () => {
  it('refuses another organization or currency; changes nothing', async () => {
    await addSubscription(api.db.db, 'st0', '2026-07-01');
    await bill(api, admin, '2026-07-04');
    const before = await fingerprint(api.db.db);
    const other = await post('/api/v1/subscriptions/st0/transfer', {
      toAccountId: 'acc-ra',
      date: '2026-07-16',
    });
    expect(other.status).toBe(422);
    expect((other.body as { error: { fields: Record<string, string> } }).error.fields).toHaveProperty(
      'toAccountId',
    );
    const usd = await post('/api/v1/subscriptions/st0/transfer', {
      toAccountId: 'acc-c1-usd',
      date: '2026-07-16',
    });
    expect(usd.status).toBe(422);
    const outside = await post('/api/v1/subscriptions/st0/transfer', {
      toAccountId: 'acc-c1-b',
      date: '2026-09-16',
    });
    expect(outside.status).toBe(422);
    const unknown = await post('/api/v1/subscriptions/st0/transfer', {
      toAccountId: 'nope',
      date: '2026-07-16',
    });
    expect(unknown.status).toBe(404);
    expect(await fingerprint(api.db.db)).toBe(before);
  });

  it('per Account Transfer – Disconnection Credit Rule; the new account is billed from the date, no day on both', async () => {
    const credits: Record<string, string[]> = {};
    for (const sub of ['st1', 'st2', 'st3']) {
      await addSubscription(api.db.db, sub, '2026-07-01');
    }
    await bill(api, admin, '2026-07-05');
    for (const [sub, rule, percent] of [
      ['st1', 'NO_DISCONNECTION_CREDIT', '0'],
      ['st2', 'EXACT_USAGE', '0'],
      ['st3', 'CUSTOM_RULE', '50'],
    ] as const) {
      await setOptions(api.db.db, {
        accountTransferDisconnectionCreditRule: rule,
        accountTransferCustomCreditPercent: percent,
      });
      const res = await post(`/api/v1/subscriptions/${sub}/transfer`, {
        toAccountId: 'acc-c1-b',
        date: '2026-07-16',
      });
      expect(res.status).toBe(201);
      const out = res.body as Outcome;
      credits[sub] = out.documents.map((d) => `${d.type}:${d.accountId}:${d.total}`);
    }
    await setOptions(api.db.db, {
      accountTransferDisconnectionCreditRule: 'NO_DISCONNECTION_CREDIT',
      accountTransferCustomCreditPercent: '0',
    });
    // 16 days from the 16th at 10.00 a day = 160.00 (+21 %) charged to the new account in every case.
    expect(credits).toEqual({
      st1: ['DEBIT:acc-c1-b:193.60'],
      st2: ['CREDIT:acc-c1:193.60', 'DEBIT:acc-c1-b:193.60'],
      st3: ['CREDIT:acc-c1:96.80', 'DEBIT:acc-c1-b:193.60'],
    });
    await bill(api, admin, '2026-08-01');
    const items = await itemsOf(api.db.db, 'st2');
    expect(items.map((i) => [i.type, i.accountId, i.periodStart, i.periodEnd, i.amount])).toEqual([
      ['DEBIT', 'acc-c1', '2026-07-01', '2026-07-31', '310.0000'],
      ['CREDIT', 'acc-c1', '2026-07-16', '2026-07-31', '160.0000'],
      ['DEBIT', 'acc-c1-b', '2026-07-16', '2026-07-31', '160.0000'],
      ['DEBIT', 'acc-c1-b', '2026-08-01', '2026-08-31', '310.0000'],
    ]);
    // With EXACT_USAGE, every day is billed (net) to exactly one account.
    for (const [day, perAccount] of await netDays('st2')) {
      const charged = [...perAccount.entries()].filter(([, v]) => v.abs().greaterThan('0.01'));
      expect(charged.length, day).toBe(1);
    }
    const list = await api.call('GET', '/api/v1/subscriptions/st2/transfer', { token: billing });
    expect(list.body).toMatchObject({
      rows: [{ kind: 'TRANSFER', fromAccountId: 'acc-c1', toAccountId: 'acc-c1-b' }],
    });
  });
});

describe('change orders', () => {
  it('Bill Till End of Current Payterm Yes: credit the old, charge the new now; No: from the next period', async () => {
    await addSubscription(api.db.db, 'sc1', '2026-07-01');
    await addSubscription(api.db.db, 'sc2', '2026-07-01');
    await bill(api, admin, '2026-07-06');
    const before = await fingerprint(api.db.db);
    const empty = await post('/api/v1/subscriptions/sc1/change-orders', {
      lineId: 'sc1-1',
      date: '2026-07-22',
    });
    expect(empty.status).toBe(400);
    const zero = await post('/api/v1/subscriptions/sc1/change-orders', {
      lineId: 'sc1-1',
      date: '2026-07-22',
      quantity: '0',
    });
    expect(zero.status).toBe(400);
    // At most 12 digits before the point, as a subscription's (invoice items keep quantities below 10^14).
    const huge = await post('/api/v1/subscriptions/sc1/change-orders', {
      lineId: 'sc1-1',
      date: '2026-07-22',
      quantity: '1000000000000',
    });
    expect(huge.status).toBe(400);
    expect((huge.body as { error: { fields: Record<string, string> } }).error.fields).toHaveProperty(
      'quantity',
    );
    const otherLine = await post('/api/v1/subscriptions/sc1/change-orders', {
      lineId: 'sc2-1',
      date: '2026-07-22',
      quantity: '62',
    });
    expect(otherLine.status).toBe(422);
    const outside = await post('/api/v1/subscriptions/sc1/change-orders', {
      lineId: 'sc1-1',
      date: '2026-08-02',
      quantity: '62',
    });
    expect(outside.status).toBe(422);
    expect(await fingerprint(api.db.db)).toBe(before);

    await setOptions(api.db.db, { billTillEndOfCurrentPaytermForChangeOrder: true });
    // Charged now: each figure valid alone, the charge more than an invoice may hold (amounts
    // are numeric(20,4)): a 422, and nothing changes.
    const untouched = await fingerprint(api.db.db);
    const tooMuch = await post('/api/v1/subscriptions/sc1/change-orders', {
      lineId: 'sc1-1',
      date: '2026-07-22',
      quantity: '999999999999',
      unitPrice: '999999999999',
    });
    expect(tooMuch.status).toBe(422);
    expect(JSON.stringify(tooMuch.body)).toMatch(/more than an invoice may hold/);
    expect(await fingerprint(api.db.db)).toBe(untouched);
    const now = (
      await post('/api/v1/subscriptions/sc1/change-orders', {
        lineId: 'sc1-1',
        date: '2026-07-22',
        quantity: '62',
      })
    ).body as Outcome;
    // 10 days: the old 31 licenses (100.00) credited, the new 62 (200.00) charged, each + 21 %.
    expect(now.documents.map((d) => `${d.type}:${d.total}`)).toEqual(['CREDIT:121.00', 'DEBIT:242.00']);
    await setOptions(api.db.db, { billTillEndOfCurrentPaytermForChangeOrder: false });
    const next = (
      await post('/api/v1/subscriptions/sc2/change-orders', {
        lineId: 'sc2-1',
        date: '2026-07-22',
        quantity: '62',
      })
    ).body as Outcome;
    expect(next.documents).toEqual([]);
    expect(next.event.details).toMatchObject({ mode: 'NEXT_PERIOD', effectiveFrom: '2026-08-01' });

    await bill(api, admin, '2026-08-02');
    for (const sub of ['sc1', 'sc2']) {
      const items = await itemsOf(api.db.db, sub);
      const august = items.filter((i) => i.periodStart === '2026-08-01');
      expect(
        august.map((i) => [i.quantity, i.amount]),
        sub,
      ).toEqual([['62.0000', '620.0000']]);
      // July: nothing billed twice.
      expect(items.filter((i) => i.periodStart.startsWith('2026-07')).length, sub).toBe(
        sub === 'sc1' ? 3 : 1,
      );
    }
  });

  it('a plan change charges the new product from the date', async () => {
    await addSubscription(api.db.db, 'sc3', '2026-07-01', { quantity: '1' });
    await bill(api, admin, '2026-07-07');
    await setOptions(api.db.db, { billTillEndOfCurrentPaytermForChangeOrder: true });
    const res = await post('/api/v1/subscriptions/sc3/change-orders', {
      lineId: 'sc3-1',
      date: '2026-07-01',
      productId: 'p-premium',
    });
    await setOptions(api.db.db, { billTillEndOfCurrentPaytermForChangeOrder: false });
    expect(res.status).toBe(201);
    // The whole of July: 10.00 credited, 20.00 charged (+ 21 %).
    expect((res.body as Outcome).documents.map((d) => `${d.type}:${d.total}`)).toEqual([
      'CREDIT:12.10',
      'DEBIT:24.20',
    ]);
    const bad = await post('/api/v1/subscriptions/sc3/change-orders', {
      lineId: 'sc3-1',
      date: '2026-07-02',
      productId: 'nope',
    });
    expect(bad.status).toBe(422);
  });
});

describe('vacations', () => {
  it('between Minimum and Maximum Vacation Days; billed days credited, later days never charged', async () => {
    await addSubscription(api.db.db, 'sv', '2026-07-01');
    await bill(api, admin, '2026-07-08');
    await setOptions(api.db.db, { minimumVacationDays: 7, maximumVacationDays: 30 });
    const before = await fingerprint(api.db.db);
    const short = await post('/api/v1/subscriptions/sv/vacations', {
      start: '2026-07-25',
      end: '2026-07-29',
    });
    expect(short.status).toBe(422);
    expect((short.body as { error: { message: string } }).error.message).toMatch(/at least 7 days/);
    const long = await post('/api/v1/subscriptions/sv/vacations', { start: '2026-07-01', end: '2026-08-31' });
    expect(long.status).toBe(422);
    expect((long.body as { error: { message: string } }).error.message).toMatch(/at most 30 days/);
    const reversed = await post('/api/v1/subscriptions/sv/vacations', {
      start: '2026-07-25',
      end: '2026-07-20',
    });
    expect(reversed.status).toBe(422);
    expect(await fingerprint(api.db.db)).toBe(before);

    const res = await post('/api/v1/subscriptions/sv/vacations', { start: '2026-07-25', end: '2026-08-10' });
    expect(res.status).toBe(201);
    // 25–31 July: 7 days at 10.00 = 70.00 (+ 21 %).
    expect((res.body as Outcome).documents.map((d) => `${d.type}:${d.total}`)).toEqual(['CREDIT:84.70']);
    const overlap = await post('/api/v1/subscriptions/sv/vacations', {
      start: '2026-08-05',
      end: '2026-08-20',
    });
    expect(overlap.status).toBe(422);

    await bill(api, admin, '2026-08-03');
    const items = await itemsOf(api.db.db, 'sv');
    expect(items.map((i) => [i.type, i.periodStart, i.periodEnd, i.amount])).toEqual([
      ['DEBIT', '2026-07-01', '2026-07-31', '310.0000'],
      ['CREDIT', '2026-07-25', '2026-07-31', '70.0000'],
      // 1–10 August suspended: 21 days of 31.
      ['DEBIT', '2026-08-11', '2026-08-31', '210.0000'],
    ]);
    await bill(api, admin, '2026-08-04');
    expect(await itemsOf(api.db.db, 'sv')).toHaveLength(3);
    for (const [, perAccount] of await netDays('sv'))
      for (const v of perAccount.values()) expect(v.isNegative() && v.abs().greaterThan('0.01')).toBe(false);
    const events = await withSystem(api.db.db, (tx) =>
      tx.select().from(subscriptionEvents).where(eq(subscriptionEvents.subscriptionId, 'sv')),
    );
    expect(events.map((e) => [e.kind, e.eventDate, e.endDate])).toEqual([
      ['VACATION', '2026-07-25', '2026-08-10'],
    ]);
    await setOptions(api.db.db, { minimumVacationDays: 1, maximumVacationDays: 365 });
  });
});

describe('events in one paid period', () => {
  it('never credit a day twice: vacation then disconnection, change order then disconnection', async () => {
    await addSubscription(api.db.db, 'sm1', '2026-07-01');
    await addSubscription(api.db.db, 'sm2', '2026-07-01');
    await bill(api, admin, '2026-07-09');
    const vacation = (
      await post('/api/v1/subscriptions/sm1/vacations', { start: '2026-07-25', end: '2026-07-31' })
    ).body as Outcome;
    expect(vacation.documents.map((d) => d.total)).toEqual(['84.70']);
    // Disconnected on the 20th: 21–31 July unused, of which 25–31 already credited: 21–24 (40.00 + 21 %).
    const disc = await disconnect('sm1', '2026-07-20');
    expect(disc.documents.map((d) => d.total)).toEqual(['48.40']);
    const sm1 = await itemsOf(api.db.db, 'sm1');
    const net = netOf(sm1);
    expect(net.toFixed(2)).toBe('200.00'); // 1–20 July used

    await setOptions(api.db.db, { billTillEndOfCurrentPaytermForChangeOrder: true });
    await post('/api/v1/subscriptions/sm2/change-orders', {
      lineId: 'sm2-1',
      date: '2026-07-22',
      quantity: '62',
    });
    await setOptions(api.db.db, { billTillEndOfCurrentPaytermForChangeOrder: false });
    const early = await post('/api/v1/subscriptions/sm2/disconnection', { date: '2026-07-20' });
    expect(early.status).toBe(422);
    expect((early.body as { error: { message: string } }).error.message).toMatch(/changed on 2026-07-22/);
    // On the 25th: 26–31 July of the new configuration (62 licenses: 120.00 + 21 %); the old one's days were credited by the change.
    const late = await disconnect('sm2', '2026-07-25');
    expect(late.documents.map((d) => d.total)).toEqual(['145.20']);
    const sm2 = await itemsOf(api.db.db, 'sm2');
    const net2 = netOf(sm2);
    // 1–21 July at 10.00 a day + 22–25 July at 20.00 a day.
    expect(net2.toFixed(2)).toBe('290.00');
  });
});

describe('revenue recognition report', () => {
  it('recognized + before + deferred = invoiced, credits negative, per month', async () => {
    const res = await api.call('GET', '/api/v1/revenue-recognition?from=2026-07-01&to=2026-07-31', {
      token: billing,
    });
    expect(res.status).toBe(200);
    const report = res.body as {
      interval: string;
      currencies: {
        currency: string;
        invoiced: string;
        recognizedBefore: string;
        recognized: string;
        deferred: string;
        periods: { start: string; recognized: string }[];
      }[];
    };
    expect(report.interval).toBe('MONTH');
    const eur = report.currencies.find((c) => c.currency === 'EUR')!;
    expect(new Decimal(eur.recognizedBefore).plus(eur.recognized).plus(eur.deferred).toFixed(2)).toBe(
      new Decimal(eur.invoiced).toFixed(2),
    );
    expect(eur.periods.map((p) => p.start)).toEqual(['2026-07-01']);
    expect(eur.recognized).toBe(eur.periods[0]!.recognized);
    expect(new Decimal(eur.deferred).greaterThan(0)).toBe(true);
    const bad = await api.call('GET', '/api/v1/revenue-recognition?from=2026-08-01&to=2026-07-31', {
      token: billing,
    });
    expect(bad.status).toBe(400);
    const user = await api.call('GET', '/api/v1/revenue-recognition?from=2026-07-01&to=2026-07-31', {
      token: await api.token(FIXTURE.distributor, ['USER']),
    });
    expect(user.status).toBe(403);
  });

  it('per accounting period once the distributor has them', async () => {
    await setOptions(api.db.db, { revenueRecognitionInterval: 'ACCOUNTING_PERIOD' });
    const missing = await api.call('GET', '/api/v1/revenue-recognition?from=2026-07-01&to=2026-07-31', {
      token: billing,
    });
    expect(missing.status).toBe(422);
    const gap = await api.call('PUT', '/api/v1/accounting-periods', {
      token: admin,
      body: {
        periods: [
          { startDate: '2026-06-26', endDate: '2026-07-25', name: 'P7' },
          { startDate: '2026-07-27', endDate: '2026-08-25', name: 'P8' },
        ],
      },
    });
    expect(gap.status).toBe(400);
    // Overlapping the calendar's last day: named on the period, as any overlap (there is no day after it).
    const pastTheEnd = await api.call('PUT', '/api/v1/accounting-periods', {
      token: admin,
      body: {
        periods: [
          { startDate: '9999-01-01', endDate: '9999-12-31', name: 'P1' },
          { startDate: '9999-06-01', endDate: '9999-12-31', name: 'P2' },
        ],
      },
    });
    expect(pastTheEnd.status).toBe(400);
    expect((pastTheEnd.body as { error: { fields: object } }).error.fields).toHaveProperty([
      'periods.1.startDate',
    ]);
    const periods = [];
    for (let m = 1; m <= 12; m++) {
      const start = `2026-${String(m).padStart(2, '0')}-01`;
      const end = new Date(Date.UTC(2026, m, 0)).toISOString().slice(0, 10);
      periods.push({ startDate: start, endDate: end, name: `FY26-${m}` });
    }
    periods[6] = { startDate: '2026-07-01', endDate: '2026-07-15', name: 'FY26-7a' };
    periods.splice(7, 0, { startDate: '2026-07-16', endDate: '2026-07-31', name: 'FY26-7b' });
    const put = await api.call('PUT', '/api/v1/accounting-periods', { token: admin, body: { periods } });
    expect(put.status).toBe(200);
    const res = await api.call('GET', '/api/v1/revenue-recognition?from=2026-07-01&to=2026-07-31', {
      token: billing,
    });
    expect(res.status).toBe(200);
    const eur = (
      res.body as {
        currencies: {
          currency: string;
          invoiced: string;
          recognizedBefore: string;
          recognized: string;
          deferred: string;
          periods: { start: string; recognized: string }[];
        }[];
      }
    ).currencies[0]!;
    expect(eur.periods.map((p) => p.start)).toEqual(['2026-07-01', '2026-07-16']);
    expect(
      new Decimal(eur.recognizedBefore).plus(eur.recognized).plus(eur.deferred).equals(eur.invoiced),
    ).toBe(true);
    await setOptions(api.db.db, { revenueRecognitionInterval: 'MONTH' });
  });
});
