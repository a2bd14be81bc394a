import { auditLog, paymentMethods, withSystem } from '@cascade/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../platform/auth';
import { createTestApi, FIXTURE, type TestApi } from '../../testing';
import { ACCOUNTS, type CallOptions, callAs, createBillingAccounts, key } from '../subscriptions/testing';

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
  await createBillingAccounts(api);
});
afterAll(() => api?.close());

const PATH = '/api/v1/payment-methods';
type Method = {
  id: string;
  accountId: string;
  maskedDetails: string;
  isDefault: boolean;
  usedByProfiles: number;
};

const call = <T = Method>(method: string, path: string, opts?: CallOptions) =>
  callAs<T>(api, method, path, opts);
const add = (body: Record<string, unknown>, org?: string, roles?: Role[]) =>
  call('POST', PATH, { org, roles, body: { accountId: ACCOUNTS.customerA, ...body }, headers: key() });
const card = (last4 = '4242') => ({
  kind: 'CARD',
  reference: `tok_visa_${last4}`,
  label: 'VISA',
  last4,
  expires: '08/39',
  holderName: 'Ada Lovelace',
});
const stored = () =>
  withSystem(api.db.db, (tx) =>
    tx.select().from(paymentMethods).where(eq(paymentMethods.accountId, ACCOUNTS.customerA)),
  );
const audits = () =>
  withSystem(api.db.db, (tx) => tx.select().from(auditLog).where(eq(auditLog.entityType, 'payment-method')));

describe('payment methods', () => {
  let first: Method;
  let second: Method;

  it('are added as a reference and masked details derived from the last 4; the first becomes the default', async () => {
    const res = await add(card());
    expect(res.status).toBe(201);
    first = res.body;
    expect(res.body).toMatchObject({
      accountId: ACCOUNTS.customerA,
      orgId: FIXTURE.customerA,
      kind: 'CARD',
      reference: 'tok_visa_4242',
      maskedDetails: 'VISA **** 4242',
      holderName: 'Ada Lovelace',
      expires: '08/39',
      isDefault: true,
      usedByProfiles: 0,
    });
    const bank = await add({ kind: 'BANK_ACCOUNT', reference: 'mandate_77', label: 'IBAN', last4: '1234' });
    expect(bank.status).toBe(201);
    second = bank.body;
    expect(bank.body).toMatchObject({ maskedDetails: 'IBAN **** 1234', isDefault: false, expires: null });
    const [entry] = await audits();
    expect(entry).toMatchObject({
      action: 'payment-method.create',
      orgId: FIXTURE.customerA,
      actorUserId: `${FIXTURE.customerA}-admin`,
    });
  });

  it('need an Idempotency-Key to be added, and replay the same answer for a retry', async () => {
    const none = await call('POST', PATH, { body: { accountId: ACCOUNTS.customerA, ...card('1111') } });
    expect(none.status).toBe(400);
    expect(none.body.error?.fields).toHaveProperty(['Idempotency-Key']);
    const headers = key();
    const body = {
      accountId: ACCOUNTS.customerA,
      kind: 'PAYMENT_SYSTEM',
      reference: 'ba_paypal_x',
      label: 'PayPal',
    };
    const one = await call('POST', PATH, { body, headers });
    const again = await call('POST', PATH, { body, headers });
    expect(one.status).toBe(201);
    expect(again.body.id).toBe(one.body.id);
    expect(one.body.maskedDetails).toBe('PayPal');
    expect((await stored()).filter((m) => m.reference === 'ba_paypal_x')).toHaveLength(1);
  });

  it.each([
    ['a full card number as the last 4', { ...card(), last4: '4242424242424242' }, 'last4'],
    ['a full card number as the reference', { ...card(), reference: '4242 4242 4242 4242' }, 'reference'],
    // Six digits only, but the database's check refuses 12 of digits and dashes: it was a 500.
    ['digits and dashes as the reference', { ...card(), reference: '123456------' }, 'reference'],
    [
      'an IBAN as the label',
      { kind: 'BANK_ACCOUNT', reference: 'm_1', label: 'NL91ABNA0417164300', last4: '4300' },
      'label',
    ],
    ['an account number in the holder', { ...card(), holderName: 'Ada 12345678' }, 'holderName'],
    ['a card without its last 4', { ...card(), last4: undefined }, 'last4'],
    ['a card without expiry', { ...card(), expires: undefined }, 'expires'],
    ['an expired card', { ...card(), expires: '01/20' }, 'expires'],
    ['a malformed expiry', { ...card(), expires: '13/30' }, 'expires'],
    ['an unknown kind', { ...card(), kind: 'CHEQUE' }, 'kind'],
    ['an unknown field', { ...card(), cvc: '123' }, 'cvc'],
  ])('refuse %s with a 400 naming the field, storing nothing', async (_what, body, field) => {
    const before = (await stored()).length;
    const res = await add(body);
    expect(res.status).toBe(400);
    expect(res.body.error?.fields).toHaveProperty([field]);
    expect(JSON.stringify(res.body)).not.toMatch(/4242424242424242|NL91ABNA0417164300/);
    expect((await stored()).length).toBe(before);
  });

  it('switch the default atomically: exactly one per account', async () => {
    const res = await call('POST', `${PATH}/${second.id}/default`);
    expect(res.status).toBe(200);
    expect(res.body.isDefault).toBe(true);
    const defaults = (await stored()).filter((m) => m.isDefault);
    expect(defaults.map((m) => m.id)).toEqual([second.id]);
    const list = await call<{ rows: Method[]; lastRow: number }>(
      'GET',
      `${PATH}?accountId=${ACCOUNTS.customerA}`,
    );
    expect(list.body.rows[0]?.id).toBe(second.id);
    expect(list.body.rows.filter((m) => m.isDefault)).toHaveLength(1);
  });

  it('switch the default atomically under concurrent requests: never two, never a 500', async () => {
    const ids = [first.id, second.id, (await add(card('3131'))).body.id, (await add(card('3232'))).body.id];
    const answers = await Promise.all(ids.map((id) => call('POST', `${PATH}/${id}/default`)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    const defaults = (await stored()).filter((m) => m.isDefault);
    expect(defaults).toHaveLength(1);
    // Leave the second as the default, as the tests below expect.
    expect((await call('POST', `${PATH}/${second.id}/default`)).status).toBe(200);
    for (const id of ids.slice(2)) expect((await call('DELETE', `${PATH}/${id}`)).status).toBe(200);
  });

  it('refuse to remove the default while others exist, or one a billing profile uses', async () => {
    const asDefault = await call('DELETE', `${PATH}/${second.id}`);
    expect(asDefault.status).toBe(409);
    expect(asDefault.body.error?.message).toMatch(/default/);
    const profile = await call('POST', '/api/v1/billing-profiles', {
      body: {
        accountId: ACCOUNTS.customerA,
        name: 'Head office',
        addressLine1: 'Main Street 1',
        city: 'Berlin',
        country: 'DE',
        paymentMethodId: first.id,
      },
      headers: key(),
    });
    expect(profile.status).toBe(201);
    const used = await call('DELETE', `${PATH}/${first.id}`);
    expect(used.status).toBe(409);
    expect(used.body.error?.message).toMatch(/Head office/);
    expect((await call('GET', `${PATH}/${first.id}`)).body.usedByProfiles).toBe(1);
  });

  it('remove one that is neither, audited', async () => {
    const extra = await add(card('5555'));
    const res = await call<{ removed: boolean }>('DELETE', `${PATH}/${extra.body.id}`);
    expect(res.status).toBe(200);
    expect((await stored()).some((m) => m.id === extra.body.id)).toBe(false);
    expect(
      (await audits()).some((a) => a.action === 'payment-method.delete' && a.entityId === extra.body.id),
    ).toBe(true);
  });

  it('are read by every role but changed only by ADMIN and BILLING_MANAGER (403, nothing changed)', async () => {
    for (const roles of [['USER'], ['MARKETPLACE_MANAGER']] as Role[][]) {
      expect((await call('GET', `${PATH}?accountId=${ACCOUNTS.customerA}`, { roles })).status).toBe(200);
      expect((await add(card('6666'), FIXTURE.customerA, roles)).status).toBe(403);
      expect((await call('POST', `${PATH}/${first.id}/default`, { roles })).status).toBe(403);
      expect((await call('DELETE', `${PATH}/${first.id}`, { roles })).status).toBe(403);
    }
    expect((await stored()).filter((m) => m.isDefault).map((m) => m.id)).toEqual([second.id]);
    const billing = await add(card('7777'), FIXTURE.customerA, ['BILLING_MANAGER']);
    expect(billing.status).toBe(201);
  });

  it("are the seller's to manage too, and other tenants' ids are 404", async () => {
    // The reseller (the account's seller) and the distributor see them; a sibling does not.
    const seller = await call<{ rows: Method[] }>('GET', `${PATH}?accountId=${ACCOUNTS.customerA}`, {
      org: FIXTURE.resellerA,
    });
    expect(seller.body.rows.length).toBeGreaterThan(0);
    expect((await call('GET', `${PATH}/${first.id}`, { org: FIXTURE.distributor })).status).toBe(200);
    for (const org of [FIXTURE.resellerB, FIXTURE.customerB, FIXTURE.otherReseller, FIXTURE.directCustomer]) {
      expect((await call('GET', `${PATH}/${first.id}`, { org })).status, org).toBe(404);
      expect((await call('POST', `${PATH}/${first.id}/default`, { org })).status, org).toBe(404);
      expect((await call('DELETE', `${PATH}/${first.id}`, { org })).status, org).toBe(404);
      const list = await call<{ rows: Method[] }>('GET', PATH, { org });
      expect(
        list.body.rows.filter((m) => m.accountId === ACCOUNTS.customerA),
        org,
      ).toEqual([]);
    }
    const foreign = await add(card('8888'), FIXTURE.resellerB);
    expect(foreign.status).toBe(404);
    expect(foreign.body.error?.fields).toHaveProperty(['accountId']);
  });
});
