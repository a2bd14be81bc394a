import { auditLog, withSystem } from '@cascade/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, FIXTURE, type TestApi } from '../../testing';

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
});
afterAll(() => api.close());

const audits = () =>
  withSystem(api.db.db, (tx) => tx.select().from(auditLog).where(eq(auditLog.entityType, 'invoice-type')));

describe('invoice types', () => {
  it("lists the caller's own organization's types, even for a distributor who sees more", async () => {
    const res = await api.call('GET', '/api/v1/invoice-types', {
      token: await api.token(FIXTURE.distributor, ['USER']),
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      rows: [
        { code: 'CREDIT', description: 'CREDIT of d1' },
        { code: 'DEBIT', description: 'DEBIT of d1' },
      ],
      lastRow: 2,
    });
    const reseller = await api.call('GET', '/api/v1/invoice-types', {
      token: await api.token(FIXTURE.resellerB, ['USER']),
    });
    expect(reseller.body).toMatchObject({
      rows: [{ description: 'CREDIT of d1-rb' }, { description: 'DEBIT of d1-rb' }],
    });
  });

  it("lets the distributor's ADMIN change a description, audited", async () => {
    const token = await api.token(FIXTURE.distributor, ['ADMIN']);
    const res = await api.call('PATCH', '/api/v1/invoice-types/DEBIT', {
      token,
      body: { description: '  Debit invoice  ' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ code: 'DEBIT', description: 'Debit invoice' });
    const [entry] = await audits();
    expect(entry).toMatchObject({
      distributorId: 'd1',
      orgId: 'd1',
      actorUserId: 'd1-admin',
      action: 'invoice-type.update',
      entityId: 'DEBIT',
      old: { description: 'DEBIT of d1' },
      new: { description: 'Debit invoice' },
    });
    expect(entry?.requestId).toBeTruthy();
  });

  it('allows nobody else: other roles, resellers, customers (403)', async () => {
    const before = (await audits()).length;
    for (const [org, roles] of [
      [FIXTURE.distributor, ['BILLING_MANAGER', 'USER']],
      [FIXTURE.resellerA, ['ADMIN']],
      [FIXTURE.customerA, ['ADMIN']],
    ] as const) {
      const res = await api.call('PATCH', '/api/v1/invoice-types/DEBIT', {
        token: await api.token(org, [...roles]),
        body: { description: 'x' },
      });
      expect(res.status, org).toBe(403);
      expect(res.body).toMatchObject({ error: { code: 'forbidden' } });
    }
    expect((await audits()).length).toBe(before);
  });

  it('refuses to create, delete or rename with a clear 4xx', async () => {
    const token = await api.token(FIXTURE.distributor, ['ADMIN']);
    const create = await api.call('POST', '/api/v1/invoice-types', {
      token,
      body: { code: 'REFUND', description: 'x' },
    });
    expect(create.status).toBe(405);
    expect(create.headers.get('Allow')).toBe('GET');
    expect(create.body).toMatchObject({ error: { code: 'method_not_allowed' } });
    const del = await api.call('DELETE', '/api/v1/invoice-types/DEBIT', { token });
    expect(del.status).toBe(405);
    expect(del.headers.get('Allow')).toBe('PATCH');
    const rename = await api.call('PATCH', '/api/v1/invoice-types/DEBIT', {
      token,
      body: { code: 'DEBIT2', description: 'x' },
    });
    expect(rename.status).toBe(400);
    expect(rename.body).toMatchObject({
      error: { fields: { code: 'Only the description can be changed: invoice types cannot be renamed' } },
    });
    const unknown = await api.call('PATCH', '/api/v1/invoice-types/REFUND', {
      token,
      body: { description: 'x' },
    });
    expect(unknown.status).toBe(404);
  });

  it('validates the description and the body itself', async () => {
    const token = await api.token(FIXTURE.distributor, ['ADMIN']);
    const empty = await api.call('PATCH', '/api/v1/invoice-types/CREDIT', {
      token,
      body: { description: '   ' },
    });
    expect(empty.status).toBe(400);
    expect(empty.body).toMatchObject({ error: { fields: { description: 'Must not be empty' } } });
    const long = await api.call('PATCH', '/api/v1/invoice-types/CREDIT', {
      token,
      body: { description: 'x'.repeat(201) },
    });
    expect(long.body).toMatchObject({ error: { fields: { description: 'At most 200 characters' } } });
    const missing = await api.call('PATCH', '/api/v1/invoice-types/CREDIT', { token, body: {} });
    expect(missing.body).toMatchObject({ error: { fields: { description: expect.any(String) } } });
    const malformed = await api.call('PATCH', '/api/v1/invoice-types/CREDIT', {
      token,
      body: '{"description":',
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ error: { code: 'malformed_json' } });
    const notJson = await api.call('PATCH', '/api/v1/invoice-types/CREDIT', {
      token,
      body: 'description=x',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expect(notJson.status).toBe(415);
    const array = await api.call('PATCH', '/api/v1/invoice-types/CREDIT', { token, body: [1] });
    expect(array.status).toBe(400);
    expect(array.body).toMatchObject({ error: { fields: { body: expect.any(String) } } });
  });
});

describe('invoice statuses', () => {
  it('are listed and described the same way', async () => {
    const token = await api.token(FIXTURE.distributor, ['ADMIN']);
    const list = await api.call('GET', '/api/v1/invoice-statuses', { token });
    expect((list.body as { rows: { code: string }[] }).rows.map((r) => r.code)).toEqual([
      'CANCELED',
      'PAID',
      'UNPAID',
    ]);
    const res = await api.call('PATCH', '/api/v1/invoice-statuses/PAID', {
      token,
      body: { description: 'Settled' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ code: 'PAID', description: 'Settled' });
    const rows = await withSystem(api.db.db, (tx) =>
      tx.select().from(auditLog).where(eq(auditLog.entityType, 'invoice-status')),
    );
    expect(rows).toHaveLength(1);
    expect((await api.call('DELETE', '/api/v1/invoice-statuses/PAID', { token })).status).toBe(405);
    expect(
      (
        await api.call('PATCH', '/api/v1/invoice-statuses/PAID', {
          token: await api.token(FIXTURE.resellerA),
          body: { description: 'x' },
        })
      ).status,
    ).toBe(403);
  });
});
