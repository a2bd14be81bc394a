import { withSystem } from '@cascade/db';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../platform/errors';
import { createTestApi, FIXTURE, type TestApi } from '../../testing';
import { invoiceCodes, type NumberingRule, takeInvoiceNumber } from './numbering';

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
});
afterAll(() => api.close());

const D = FIXTURE.distributor;
const PLAIN: NumberingRule = { requiresCustomBillNumber: false, template: null };
const CUSTOM: NumberingRule = { requiresCustomBillNumber: true, template: '{ORG}-{YY}{MM}-{SEQ:4}' };
const take = (issuerOrgId: string, rule = PLAIN) =>
  withSystem(api.db.db, (tx) =>
    takeInvoiceNumber(tx, { distributorId: D, issuerOrgId, invoiceDate: '2026-11-05', rule }),
  );

describe('taking an invoice number', () => {
  it('counts per issuer without gaps, and formats the custom template with the invoice code', async () => {
    const first = await take(FIXTURE.resellerB);
    const second = await take(FIXTURE.resellerB);
    expect(second.sequence).toBe(first.sequence + 1);
    expect(second.number).toBe(String(second.sequence));

    // Without an invoice code, {ORG} is the id in capitals; with one, the code.
    const byId = await take(FIXTURE.resellerB, CUSTOM);
    expect(byId.number).toBe(`D1-RB-2611-${String(second.sequence + 1).padStart(4, '0')}`);
    await withSystem(api.db.db, (tx) =>
      tx.execute(sql`update organizations set invoice_code = 'RBX' where id = ${FIXTURE.resellerB}`),
    );
    const byCode = await take(FIXTURE.resellerB, CUSTOM);
    expect(byCode.number).toBe(`RBX-2611-${String(second.sequence + 2).padStart(4, '0')}`);
    expect(
      await withSystem(api.db.db, (tx) => invoiceCodes(tx, D, [FIXTURE.resellerB, FIXTURE.resellerA])),
    ).toEqual(
      new Map([
        [FIXTURE.resellerB, 'RBX'],
        [FIXTURE.resellerA, FIXTURE.resellerA.toUpperCase()],
      ]),
    );
  });

  it('gives the number back when the transaction rolls back', async () => {
    const before = await take(FIXTURE.resellerA);
    await expect(
      withSystem(api.db.db, async (tx) => {
        await takeInvoiceNumber(tx, {
          distributorId: D,
          issuerOrgId: FIXTURE.resellerA,
          invoiceDate: '2026-11-05',
          rule: PLAIN,
        });
        throw new Error('the document could not be written');
      }),
    ).rejects.toThrow('could not be written');
    expect((await take(FIXTURE.resellerA)).sequence).toBe(before.sequence + 1);
  });

  it('refuses, naming the field, a custom rule without a template', async () => {
    const error = await take(FIXTURE.resellerA, { requiresCustomBillNumber: true, template: null }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(422);
  });
});
