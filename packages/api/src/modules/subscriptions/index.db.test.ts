import { auditLog, subscriptionLines, subscriptions, withSystem } from '@cascade/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../platform/auth';
import { createTestApi, FIXTURE, type TestApi } from '../../testing';
import { ACCOUNTS, type CallOptions, callAs, createBillingAccounts, key } from './testing';

let api: TestApi;
let profileA: string;
let profileOfReseller: string;
beforeAll(async () => {
  api = await createTestApi();
  await createBillingAccounts(api);
  const profile = async (accountId: string, org: string) => {
    const res = await api.call('POST', '/api/v1/billing-profiles', {
      token: await api.token(org),
      headers: key(),
      body: {
        accountId,
        name: `Profile ${accountId}`,
        addressLine1: 'Main St 1',
        city: 'Austin',
        country: 'US',
      },
    });
    return (res.body as { id: string }).id;
  };
  profileA = await profile(ACCOUNTS.customerA, FIXTURE.customerA);
  profileOfReseller = await profile(ACCOUNTS.resellerA, FIXTURE.resellerA);
});
afterAll(() => api?.close());

const PATH = '/api/v1/subscriptions';
type Sub = Record<string, unknown> & { id: string; isDefault: boolean; accountId: string };
type Line = Record<string, unknown> & { id: string; quantity: string };

const call = <T = Sub>(method: string, path: string, opts?: CallOptions) =>
  callAs<T>(api, method, path, opts);
const create = (body: Record<string, unknown>, org?: string, roles?: Role[]) =>
  call('POST', PATH, { org, roles, body: { accountId: ACCOUNTS.customerA, ...body }, headers: key() });
const stored = () =>
  withSystem(api.db.db, (tx) =>
    tx.select().from(subscriptions).where(eq(subscriptions.accountId, ACCOUNTS.customerA)),
  );

describe('regions', () => {
  it('list US states, Canadian provinces, Australian states and EU countries with their regions or none', async () => {
    const res = await call<{
      rows: { code: string; stateRequired: boolean; states: { code: string; name: string }[] }[];
      lastRow: number;
    }>('GET', '/api/v1/regions?startRow=0&endRow=1000', { roles: ['USER'] });
    expect(res.status).toBe(200);
    const by = new Map(res.body.rows.map((r) => [r.code, r]));
    expect(by.get('US')?.states).toHaveLength(51);
    expect(by.get('US')?.states).toContainEqual({ code: 'US-NY', name: 'New York' });
    expect(by.get('CA')?.states).toHaveLength(13);
    expect(by.get('AU')?.states).toHaveLength(8);
    expect(by.get('DE')?.states).toHaveLength(16);
    expect(by.get('IE')).toMatchObject({ states: [], stateRequired: false });
    const eu = res.body.rows.filter((r) => (r as unknown as { group: string }).group === 'European Union');
    expect(eu).toHaveLength(27);
    expect(res.body.lastRow).toBe(res.body.rows.length);
  });
});

describe('subscriptions', () => {
  let first: Sub;
  let second: Sub;

  it("are created with a region's state, the account's default profile; the first is the default", async () => {
    const res = await create({
      name: 'Head office',
      region: 'US',
      stateProvince: 'US-NY',
      startDate: '2026-01-01',
    });
    expect(res.status).toBe(201);
    first = res.body;
    expect(res.body).toMatchObject({
      accountId: ACCOUNTS.customerA,
      orgId: FIXTURE.customerA,
      name: 'Head office',
      region: 'US',
      stateProvince: 'US-NY',
      billingProfileId: profileA,
      billingProfileName: `Profile ${ACCOUNTS.customerA}`,
      isDefault: true,
      channel: 'RESELLER_STOREFRONT',
      state: 'ACTIVE',
      startDate: '2026-01-01',
      lineCount: 0,
    });
    const eu = await create({ name: 'Dublin', region: 'IE', stateProvince: null, isDefault: true });
    expect(eu.status).toBe(201);
    second = eu.body;
    expect(eu.body.isDefault).toBe(true);
    expect((await stored()).filter((s) => s.isDefault).map((s) => s.id)).toEqual([second.id]);
    const [entry] = await withSystem(api.db.db, (tx) =>
      tx.select().from(auditLog).where(eq(auditLog.action, 'subscription.create')),
    );
    expect(entry).toMatchObject({ entityId: first.id, orgId: FIXTURE.customerA });
  });

  it('make exactly one of concurrent first subscriptions of an account its default', async () => {
    const answers = await Promise.all(
      ['One', 'Two', 'Three'].map((name) =>
        call('POST', PATH, {
          org: FIXTURE.distributor,
          headers: key(),
          body: { accountId: ACCOUNTS.direct, name },
        }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201]);
    expect(answers.filter((a) => a.body.isDefault)).toHaveLength(1);
    expect(answers.every((a) => a.body.channel === 'DISTRIBUTOR_STOREFRONT')).toBe(true);
  });

  it('are created by the seller for its client, and by a reseller for its own use', async () => {
    const seller = await create(
      { name: 'Sold by A', region: 'DE', stateProvince: 'DE-BE' },
      FIXTURE.resellerA,
    );
    expect(seller.status).toBe(201);
    expect(seller.body).toMatchObject({
      orgId: FIXTURE.customerA,
      isDefault: false,
      channel: 'RESELLER_STOREFRONT',
    });
    const own = await call('POST', PATH, {
      org: FIXTURE.resellerA,
      headers: key(),
      body: { accountId: ACCOUNTS.resellerA, name: 'Internal', region: 'AU', stateProvince: 'AU-VIC' },
    });
    expect(own.status).toBe(201);
    expect(own.body).toMatchObject({
      channel: 'PERSONAL_USE',
      isDefault: true,
      billingProfileId: profileOfReseller,
    });
  });

  it.each([
    ['a state of another region', { region: 'US', stateProvince: 'CA-ON' }, 'stateProvince'],
    ['a region that requires a state, without one', { region: 'CA' }, 'stateProvince'],
    ['a state for a region without states', { region: 'IE', stateProvince: 'IE-D' }, 'stateProvince'],
    ['a state without a region', { stateProvince: 'US-NY' }, 'stateProvince'],
    ['an unknown region', { region: 'XX' }, 'region'],
    ['no name', { name: '' }, 'name'],
    ['a bad start date', { startDate: '2026-02-30' }, 'startDate'],
    ['an unknown field', { channel: 'BSS' }, 'channel'],
  ])('refuse %s with a 400 naming the field, saving nothing', async (_what, bad, field) => {
    const before = (await stored()).length;
    const res = await create({ name: 'Bad', ...bad });
    expect(res.status).toBe(400);
    expect(res.body.error?.fields).toHaveProperty([field]);
    expect((await stored()).length).toBe(before);
  });

  it('need an Idempotency-Key to be created', async () => {
    const res = await call('POST', PATH, { body: { accountId: ACCOUNTS.customerA, name: 'No key' } });
    expect(res.status).toBe(400);
    expect(res.body.error?.fields).toHaveProperty(['Idempotency-Key']);
  });

  it("refuse another account's billing profile (422) and change nothing", async () => {
    const res = await create({ name: 'X', billingProfileId: profileOfReseller }, FIXTURE.resellerA);
    expect(res.status).toBe(422);
    expect(res.body.error?.fields).toHaveProperty(['billingProfileId']);
    const patch = await call('PATCH', `${PATH}/${first.id}`, {
      org: FIXTURE.resellerA,
      body: { name: 'Renamed', billingProfileId: profileOfReseller },
    });
    expect(patch.status).toBe(422);
    expect((await stored()).find((s) => s.id === first.id)?.name).toBe('Head office');
  });

  it('change in part: region and state checked together, audited; the default switches and cannot be unset', async () => {
    const wrong = await call('PATCH', `${PATH}/${first.id}`, { body: { stateProvince: 'AU-VIC' } });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error?.fields).toHaveProperty(['stateProvince']);
    // A new region drops the old region's state; Canada needs one.
    const noState = await call('PATCH', `${PATH}/${first.id}`, { body: { region: 'CA' } });
    expect(noState.status).toBe(400);
    expect(noState.body.error?.fields).toHaveProperty(['stateProvince']);
    const res = await call('PATCH', `${PATH}/${first.id}`, {
      body: { name: 'Toronto office', region: 'CA', stateProvince: 'CA-ON', isDefault: true },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      name: 'Toronto office',
      region: 'CA',
      stateProvince: 'CA-ON',
      isDefault: true,
    });
    expect((await stored()).filter((s) => s.isDefault).map((s) => s.id)).toEqual([first.id]);
    const toEu = await call('PATCH', `${PATH}/${first.id}`, { body: { region: 'FR' } });
    expect(toEu.body).toMatchObject({ region: 'FR', stateProvince: null });
    const unset = await call('PATCH', `${PATH}/${first.id}`, { body: { isDefault: false } });
    expect(unset.status).toBe(422);
    const audits = await withSystem(api.db.db, (tx) =>
      tx.select().from(auditLog).where(eq(auditLog.action, 'subscription.update')),
    );
    expect(audits[0]).toMatchObject({
      entityId: first.id,
      old: { name: 'Head office', region: 'US', stateProvince: 'US-NY', isDefault: false },
      new: { name: 'Toronto office', region: 'CA', stateProvince: 'CA-ON', isDefault: true },
    });
  });

  it("offer the marketplace's active products for lines", async () => {
    const res = await call<{ rows: { id: string; term: string }[]; lastRow: number }>(
      'GET',
      '/api/v1/subscriptions/products',
      { roles: ['USER'] },
    );
    expect(res.body.rows.map((p) => [p.id, p.term])).toEqual([
      ['p-usage', 'USAGE'],
      ['p-monthly', 'MONTH'],
    ]);
    const other = await call<{ rows: unknown[] }>('GET', '/api/v1/subscriptions/products', {
      org: FIXTURE.otherReseller,
    });
    expect(other.body.rows).toEqual([]);
  });

  it('have lines: add, list, change the quantity; bad input refused', async () => {
    const add = await call<Line>('POST', `${PATH}/${first.id}/lines`, {
      headers: key(),
      body: { productId: 'p-monthly', quantity: '10', startDate: '2026-02-01' },
    });
    expect(add.status).toBe(201);
    expect(add.body).toMatchObject({
      productId: 'p-monthly',
      productName: 'Business Basic',
      quantity: '10',
      term: 'MONTH',
      billingFrequencyMonths: 1,
      flatDiscount: '0',
      state: 'ACTIVE',
    });
    const edit = await call<Line>('PATCH', `${PATH}/${first.id}/lines/${add.body.id}`, {
      body: { quantity: '12' },
    });
    expect(edit.status).toBe(200);
    expect(edit.body.quantity).toBe('12');
    for (const [body, field] of [
      [{ quantity: '-1' }, 'quantity'],
      [{ quantity: 'ten' }, 'quantity'],
      [{ quantity: '1.23456' }, 'quantity'],
    ] as const) {
      const res = await call('PATCH', `${PATH}/${first.id}/lines/${add.body.id}`, { body });
      expect(res.status).toBe(400);
      expect(res.body.error?.fields).toHaveProperty([field]);
    }
    const usageYearly = await call('POST', `${PATH}/${first.id}/lines`, {
      headers: key(),
      body: { productId: 'p-usage', quantity: '0', term: 'YEAR' },
    });
    expect(usageYearly.status).toBe(400);
    expect(usageYearly.body.error?.fields).toHaveProperty(['term']);
    const early = await call('POST', `${PATH}/${first.id}/lines`, {
      headers: key(),
      body: { productId: 'p-monthly', quantity: '1', startDate: '2025-12-01' },
    });
    expect(early.status).toBe(400);
    expect(early.body.error?.fields).toHaveProperty(['startDate']);
    const unknown = await call('POST', `${PATH}/${first.id}/lines`, {
      headers: key(),
      body: { productId: 'nope', quantity: '1' },
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error?.fields).toHaveProperty(['productId']);
    const lines = await call<{ rows: Line[]; lastRow: number }>('GET', `${PATH}/${first.id}/lines`, {
      roles: ['USER'],
    });
    expect(lines.body.rows.map((l) => l.quantity)).toEqual(['12']);
    expect((await call('GET', `${PATH}/${first.id}`)).body.lineCount).toBe(1);
    const rows = await withSystem(api.db.db, (tx) =>
      tx.select().from(subscriptionLines).where(eq(subscriptionLines.subscriptionId, first.id)),
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ orgId: FIXTURE.customerA, resellerId: FIXTURE.resellerA });
  });

  it('are read by every role, changed only by ADMIN and BILLING_MANAGER', async () => {
    for (const roles of [['USER'], ['MARKETPLACE_MANAGER']] as Role[][]) {
      expect((await call('GET', `${PATH}/${first.id}`, { roles })).status).toBe(200);
      expect((await create({ name: 'No' }, FIXTURE.customerA, roles)).status).toBe(403);
      expect((await call('PATCH', `${PATH}/${first.id}`, { roles, body: { name: 'No' } })).status).toBe(403);
      const line = await call('POST', `${PATH}/${first.id}/lines`, {
        roles,
        headers: key(),
        body: { productId: 'p-monthly', quantity: '1' },
      });
      expect(line.status).toBe(403);
    }
    const ok = await call('PATCH', `${PATH}/${first.id}`, {
      roles: ['BILLING_MANAGER'],
      body: { name: 'Paris office' },
    });
    expect(ok.status).toBe(200);
  });

  it('are 404 to other tenants (ids, lines, lists)', async () => {
    for (const org of [FIXTURE.resellerB, FIXTURE.customerB, FIXTURE.directCustomer, FIXTURE.otherReseller]) {
      expect((await call('GET', `${PATH}/${first.id}`, { org })).status, org).toBe(404);
      expect((await call('GET', `${PATH}/${first.id}/lines`, { org })).status, org).toBe(404);
      expect((await call('PATCH', `${PATH}/${first.id}`, { org, body: { name: 'X' } })).status, org).toBe(
        404,
      );
      const list = await call<{ rows: Sub[] }>('GET', PATH, { org });
      expect(
        list.body.rows.filter((s) => s.accountId === ACCOUNTS.customerA),
        org,
      ).toEqual([]);
      const foreign = await create({ name: 'X' }, org);
      expect(foreign.status, org).toBe(404);
    }
    const search = await call<{ rows: Sub[]; lastRow: number }>('GET', `${PATH}?search=paris`, {
      org: FIXTURE.distributor,
    });
    expect(search.body.rows.map((s) => s.id)).toEqual([first.id]);
  });
});
