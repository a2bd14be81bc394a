import { auditLog, billingProfiles, withSystem } from '@cascade/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../platform/auth';
import { createTestApi, FIXTURE, type TestApi } from '../../testing';
import { ACCOUNTS, type CallOptions, callAs, createBillingAccounts, key } from '../subscriptions/testing';

let api: TestApi;
let cardId: string;
let otherAccountsCard: string;
beforeAll(async () => {
  api = await createTestApi();
  await createBillingAccounts(api);
  const addCard = async (accountId: string, org: string) => {
    const res = await api.call('POST', '/api/v1/payment-methods', {
      token: await api.token(org),
      headers: key(),
      body: { accountId, kind: 'CARD', reference: 'tok_x', label: 'VISA', last4: '4242', expires: '12/39' },
    });
    return (res.body as { id: string }).id;
  };
  cardId = await addCard(ACCOUNTS.customerA, FIXTURE.customerA);
  otherAccountsCard = await addCard(ACCOUNTS.resellerA, FIXTURE.resellerA);
});
afterAll(() => api?.close());

const PATH = '/api/v1/billing-profiles';
type Profile = Record<string, unknown> & { id: string; isDefault: boolean; accountId: string };

const call = <T = Profile>(method: string, path: string, opts?: CallOptions) =>
  callAs<T>(api, method, path, opts);
const address = {
  addressLine1: 'Friedrichstraße 10',
  city: 'Berlin',
  postalCode: '10117',
  country: 'DE',
  region: 'DE-BE',
  contactName: 'Accounts payable',
  contactEmail: 'ap@acme.example',
  contactPhone: '+49 30 1234567',
};
const create = (body: Record<string, unknown>, org?: string, roles?: Role[]) =>
  call('POST', PATH, { org, roles, body: { accountId: ACCOUNTS.customerA, ...body }, headers: key() });
const stored = () =>
  withSystem(api.db.db, (tx) =>
    tx.select().from(billingProfiles).where(eq(billingProfiles.accountId, ACCOUNTS.customerA)),
  );

describe('billing profiles', () => {
  let main: Profile;
  let branch: Profile;

  it('hold an address, contacts and a payment method of the same account; the first is the default', async () => {
    const res = await create({ name: 'Head office', ...address, paymentMethodId: cardId });
    expect(res.status).toBe(201);
    main = res.body;
    expect(res.body).toMatchObject({
      accountId: ACCOUNTS.customerA,
      orgId: FIXTURE.customerA,
      name: 'Head office',
      isDefault: true,
      paymentMethodId: cardId,
      paymentMethodDetails: 'VISA **** 4242',
      city: 'Berlin',
      country: 'DE',
      region: 'DE-BE',
      addressLine2: null,
      contactEmail: 'ap@acme.example',
    });
    const second = await create({ name: 'Branch', ...address, region: null, city: 'Hamburg' });
    expect(second.status).toBe(201);
    branch = second.body;
    expect(second.body).toMatchObject({ isDefault: false, paymentMethodId: null, region: null });
  });

  it.each([
    ['a bad e-mail', { contactEmail: 'not-an-email' }, 'contactEmail'],
    ['a country name instead of a code', { country: 'Germany' }, 'country'],
    ['a state of another country', { region: 'US-NY' }, 'region'],
    ['no street', { addressLine1: '' }, 'addressLine1'],
    ['letters in the phone', { contactPhone: 'call me' }, 'contactPhone'],
    ['no name', { name: ' ' }, 'name'],
    ['an unknown field', { vatNumber: 'DE123' }, 'vatNumber'],
  ])('refuse %s with a 400 naming the field, saving nothing', async (_what, bad, field) => {
    const before = (await stored()).length;
    const res = await create({ name: 'Bad', ...address, ...bad });
    expect(res.status).toBe(400);
    expect(res.body.error?.fields).toHaveProperty([field]);
    expect((await stored()).length).toBe(before);
  });

  it("refuse another account's payment method (422) and one not visible (404), saving nothing", async () => {
    const before = (await stored()).length;
    // Reseller A sees both accounts, but the card is on its own account, not its customer's.
    const other = await create(
      { name: 'X', ...address, paymentMethodId: otherAccountsCard },
      FIXTURE.resellerA,
    );
    expect(other.status).toBe(422);
    expect(other.body.error?.fields).toHaveProperty(['paymentMethodId']);
    const hidden = await create({ name: 'X', ...address, paymentMethodId: otherAccountsCard });
    expect(hidden.status).toBe(404);
    expect(hidden.body.error?.fields).toHaveProperty(['paymentMethodId']);
    const patch = await call('PATCH', `${PATH}/${branch.id}`, {
      org: FIXTURE.resellerA,
      body: { paymentMethodId: otherAccountsCard, city: 'Munich' },
    });
    expect(patch.status).toBe(422);
    expect((await stored()).length).toBe(before);
    expect((await stored()).find((p) => p.id === branch.id)?.city).toBe('Hamburg');
  });

  it('change in part, audited with old and new; the default switches and cannot be unset', async () => {
    const res = await call('PATCH', `${PATH}/${branch.id}`, {
      body: { city: 'Munich', region: 'DE-BY', paymentMethodId: cardId, isDefault: true },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      city: 'Munich',
      region: 'DE-BY',
      isDefault: true,
      paymentMethodId: cardId,
    });
    expect((await stored()).filter((p) => p.isDefault).map((p) => p.id)).toEqual([branch.id]);
    const [entry] = await withSystem(api.db.db, (tx) =>
      tx.select().from(auditLog).where(eq(auditLog.action, 'billing-profile.update')),
    );
    expect(entry).toMatchObject({
      entityId: branch.id,
      old: { city: 'Hamburg', isDefault: false, paymentMethodId: null },
      new: { city: 'Munich', isDefault: true, paymentMethodId: cardId },
    });
    const unset = await call('PATCH', `${PATH}/${branch.id}`, { body: { isDefault: false } });
    expect(unset.status).toBe(422);
    expect(unset.body.error?.fields).toHaveProperty(['isDefault']);
    const badRegion = await call('PATCH', `${PATH}/${main.id}`, { body: { region: 'DE-XX' } });
    expect(badRegion.status).toBe(400);
    expect(badRegion.body.error?.fields).toHaveProperty(['region']);
    const empty = await call('PATCH', `${PATH}/${main.id}`, { body: {} });
    expect(empty.status).toBe(400);
  });

  it('are read by every role, changed only by ADMIN and BILLING_MANAGER', async () => {
    for (const roles of [['USER'], ['MARKETPLACE_MANAGER']] as Role[][]) {
      expect((await call('GET', `${PATH}/${main.id}`, { roles })).status).toBe(200);
      expect((await create({ name: 'No', ...address }, FIXTURE.customerA, roles)).status).toBe(403);
      expect((await call('PATCH', `${PATH}/${main.id}`, { roles, body: { city: 'X' } })).status).toBe(403);
    }
    const ok = await call('PATCH', `${PATH}/${main.id}`, {
      roles: ['BILLING_MANAGER'],
      body: { city: 'Potsdam' },
    });
    expect(ok.status).toBe(200);
  });

  it("are 404 to other tenants, and listed to the account's seller and distributor", async () => {
    for (const org of [FIXTURE.resellerB, FIXTURE.customerB, FIXTURE.otherReseller]) {
      expect((await call('GET', `${PATH}/${main.id}`, { org })).status, org).toBe(404);
      expect((await call('PATCH', `${PATH}/${main.id}`, { org, body: { city: 'X' } })).status, org).toBe(404);
      const list = await call<{ rows: Profile[] }>('GET', PATH, { org });
      expect(list.body.rows.filter((p) => p.accountId === ACCOUNTS.customerA)).toEqual([]);
    }
    for (const org of [FIXTURE.resellerA, FIXTURE.distributor]) {
      const list = await call<{ rows: Profile[]; lastRow: number }>(
        'GET',
        `${PATH}?accountId=${ACCOUNTS.customerA}`,
        {
          org,
        },
      );
      expect(list.body.rows.map((p) => p.id).sort()).toEqual([main.id, branch.id].sort());
      expect(list.body.rows[0]?.isDefault).toBe(true);
    }
  });
});
