import { invoices, invoiceTaxes, withSystem } from '@cascade/db';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, FIXTURE, type TestApi } from '../../testing';
import {
  addSubscription,
  bill,
  fingerprint,
  itemsOf,
  seedChanges,
  setOptions,
} from '../subscription-changes/testing';
import { startTaxService, type TaxService } from './tax-service.testing';

/** External Tax Integration Required through billing runs and the retry, against a real local HTTP server. */
let service: TaxService;
let api: TestApi;
let admin: string;
beforeAll(async () => {
  service = await startTaxService();
  api = await createTestApi({ env: { TAX_SERVICE_URL: service.url, TAX_SERVICE_TIMEOUT_MS: '300' } });
  await seedChanges(api.db.db);
  admin = await api.token(FIXTURE.distributor, ['BILLING_MANAGER']);
});
afterAll(async () => {
  await api.close();
  await service.close();
});

const invoiceOf = async (subscriptionId: string, periodStart: string) => {
  const item = (await itemsOf(api.db.db, subscriptionId)).find((i) => i.periodStart === periodStart)!;
  const [row] = await withSystem(api.db.db, (tx) =>
    tx
      .select()
      .from(invoices)
      .where(and(eq(invoices.distributorId, 'd1'), eq(invoices.id, item.invoiceId))),
  );
  return row!;
};
let keyNo = 0;
const retry = (id: string, key = `retry-taxes-${++keyNo}`, token = admin) =>
  api.call('POST', `/api/v1/invoices/${id}/retry-taxes`, { token, headers: { 'Idempotency-Key': key } });

describe('External Tax Integration Required', () => {
  it('Yes: taxes come from the tax service; No: from the tax definitions', async () => {
    await setOptions(api.db.db, { externalTaxIntegrationRequired: true });
    await addSubscription(api.db.db, 'tx1', '2026-07-01');
    service.mode = 'answer';
    const before = service.requests.length;
    await bill(api, await api.token(FIXTURE.distributor, ['ADMIN']), '2026-07-01');
    const inv = await invoiceOf('tx1', '2026-07-01');
    // 19 % from the service, not the 21 % VAT of the product.
    expect(inv).toMatchObject({
      stage: 'ISSUED',
      subtotal: '310.0000',
      taxTotal: '58.9000',
      pendingError: null,
    });
    expect(inv.number).not.toBeNull();
    const taxes = await withSystem(api.db.db, (tx) =>
      tx.select().from(invoiceTaxes).where(eq(invoiceTaxes.invoiceId, inv.id)),
    );
    expect(taxes.map((t) => [t.code, t.amount])).toEqual([['EXT19', '58.9000']]);
    expect(service.requests.length).toBe(before + 1);
    expect(service.requests.at(-1)!.lines).toEqual([
      {
        id: 'tx1/tx1-1/2026-07-01',
        amount: '310.00',
        taxes: [{ code: 'VAT21', type: 'VAT', chargeComponent: 'RECURRING' }],
      },
    ]);
    await setOptions(api.db.db, { externalTaxIntegrationRequired: false });
    await addSubscription(api.db.db, 'tx0', '2026-07-01');
    await bill(api, await api.token(FIXTURE.distributor, ['ADMIN']), '2026-07-02');
    expect(await invoiceOf('tx0', '2026-07-01')).toMatchObject({ stage: 'ISSUED', taxTotal: '65.1000' });
    expect(service.requests.length).toBe(before + 1);
  });

  it('service down: the invoice stays PENDING with the error; a retry issues it exactly once', async () => {
    await setOptions(api.db.db, { externalTaxIntegrationRequired: true });
    await addSubscription(api.db.db, 'tx2', '2026-07-01');
    service.mode = 'fail';
    await bill(api, await api.token(FIXTURE.distributor, ['ADMIN']), '2026-07-03');
    const pending = await invoiceOf('tx2', '2026-07-01');
    expect(pending).toMatchObject({
      stage: 'PENDING',
      number: null,
      pendingError: 'The tax service answered 500: tax engine down',
    });

    // Hanging: still pending, the new reason recorded.
    service.mode = 'hang';
    const hung = await retry(pending.id);
    expect(hung.status).toBe(200);
    expect(hung.body).toMatchObject({
      stage: 'PENDING',
      number: null,
      pendingError: 'The tax service did not answer within 300 ms',
    });
    expect((await invoiceOf('tx2', '2026-07-01')).pendingError).toBe(
      'The tax service did not answer within 300 ms',
    );

    // A USER may not; a run of the same date adds nothing.
    expect((await retry(pending.id, undefined, await api.token(FIXTURE.distributor, ['USER']))).status).toBe(
      403,
    );
    await bill(api, await api.token(FIXTURE.distributor, ['ADMIN']), '2026-07-03');
    expect(await itemsOf(api.db.db, 'tx2')).toHaveLength(1);

    service.mode = 'answer';
    const ok = await retry(pending.id, 'retry-taxes-issue');
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({
      stage: 'ISSUED',
      pendingError: null,
      subtotal: '310.00',
      taxTotal: '58.90',
      total: '368.90',
      amountDue: '368.90',
    });
    const number = (ok.body as { number: string }).number;
    expect(number).toMatch(/\d/);
    expect(await invoiceOf('tx2', '2026-07-01')).toMatchObject({
      stage: 'ISSUED',
      number,
      pendingError: null,
      total: '368.9000',
    });
    const [item] = await itemsOf(api.db.db, 'tx2');
    expect(item!.taxAmount).toBe('58.9000');

    // The same key replays the answer; another key finds it issued: numbered once.
    const snapshot = await fingerprint(api.db.db);
    const replay = await retry(pending.id, 'retry-taxes-issue');
    expect(replay).toMatchObject({ status: 200, body: ok.body });
    const again = await retry(pending.id);
    expect(again.status).toBe(409);
    expect(await fingerprint(api.db.db)).toBe(snapshot);
    expect((await retry('no-such-invoice')).status).toBe(404);
    await setOptions(api.db.db, { externalTaxIntegrationRequired: false });
  });

  it('a change order charge waits for the tax service too', async () => {
    await addSubscription(api.db.db, 'tx3', '2026-07-01');
    await bill(api, await api.token(FIXTURE.distributor, ['ADMIN']), '2026-07-04');
    await setOptions(api.db.db, {
      externalTaxIntegrationRequired: true,
      billTillEndOfCurrentPaytermForChangeOrder: true,
    });
    service.mode = 'fail';
    const res = await api.call('POST', '/api/v1/subscriptions/tx3/change-orders', {
      token: admin,
      body: { lineId: 'tx3-1', date: '2026-07-22', quantity: '62' },
      headers: { 'Idempotency-Key': 'change-tx3-quantity' },
    });
    expect(res.status).toBe(201);
    const docs = (
      res.body as { documents: { id: string; type: string; stage: string; pendingError: string | null }[] }
    ).documents;
    expect(docs.map((d) => [d.type, d.stage])).toEqual([
      ['CREDIT', 'ISSUED'],
      ['DEBIT', 'PENDING'],
    ]);
    service.mode = 'answer';
    const ok = await retry(docs[1]!.id);
    // 10 days of 62 licenses = 200.00, 19 % from the service.
    expect(ok.body).toMatchObject({ stage: 'ISSUED', subtotal: '200.00', taxTotal: '38.00' });
    await setOptions(api.db.db, {
      externalTaxIntegrationRequired: false,
      billTillEndOfCurrentPaytermForChangeOrder: false,
    });
  });
});
