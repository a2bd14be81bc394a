import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, FIXTURE, type TestApi } from '../../testing';

let api: TestApi;
let admin: string;
beforeAll(async () => {
  api = await createTestApi();
  admin = await api.token(FIXTURE.distributor, ['ADMIN']);
  // Two audited changes in d1 and one in d2, through the API that records them.
  for (const [org, body] of [
    [FIXTURE.distributor, { monthDefinition: '30_DAYS' }],
    [FIXTURE.distributor, { soaFilePath: 'soa/audit_100' }],
    [FIXTURE.otherDistributor, { enableTaxAggregation: true }],
  ] as const) {
    const res = await api.call('PATCH', '/api/v1/profile-options', {
      token: await api.token(org, ['ADMIN']),
      body,
    });
    expect(res.status).toBe(200);
  }
});
afterAll(() => api.close());

interface Entry {
  action: string;
  entityType: string;
  entityId: string;
  actorUserId: string | null;
  new: Record<string, unknown> | null;
  at: string;
}
type Page = { rows: Entry[]; lastRow: number };
const list = async (query = '', token = admin) =>
  (await api.call('GET', `/api/v1/audit${query}`, { token })) as {
    status: number;
    body: Page & { error?: { fields?: Record<string, string> } };
  };

describe('audit log', () => {
  it("lists the marketplace's own entries, newest first, counted", async () => {
    const res = await list();
    expect(res.status).toBe(200);
    expect(res.body.lastRow).toBe(2);
    expect(res.body.rows.map((r) => r.new)).toEqual([
      { soaFilePath: 'soa/audit_100' },
      { monthDefinition: '30_DAYS' },
    ]);
    expect(res.body.rows.every((r) => r.entityId === FIXTURE.distributor)).toBe(true);
  });

  it('pages with startRow/endRow', async () => {
    const first = await list('?startRow=0&endRow=1');
    const second = await list('?startRow=1&endRow=2');
    expect(first.body.rows).toHaveLength(1);
    expect(second.body.rows).toHaveLength(1);
    expect(first.body.rows[0]?.new).not.toEqual(second.body.rows[0]?.new);
    expect(first.body.lastRow).toBe(2);
  });

  it('searches words literally in the changed values, and filters by entity, actor and days', async () => {
    expect((await list('?q=30_DAYS')).body.rows).toHaveLength(1);
    expect((await list('?q=t_100')).body.rows).toHaveLength(1);
    expect((await list('?q=%25')).body.rows).toHaveLength(0);
    expect((await list('?q=enableTaxAggregation')).body.rows).toHaveLength(0);
    expect((await list('?entityType=profile-options')).body.lastRow).toBe(2);
    expect((await list('?entityType=invoices')).body.lastRow).toBe(0);
    const actor = (await list()).body.rows[0]?.actorUserId ?? '';
    expect((await list(`?actor=${encodeURIComponent(actor)}`)).body.lastRow).toBe(2);
    expect((await list('?actor=nobody')).body.lastRow).toBe(0);
    const today = new Date().toISOString().slice(0, 10);
    expect((await list(`?from=${today}&to=${today}`)).body.lastRow).toBe(2);
    expect((await list('?to=2000-01-01')).body.lastRow).toBe(0);
    // The calendar's ends: the day after 9999-12-31 is computed in SQL (it was a 500).
    expect((await list('?from=0001-01-01&to=9999-12-31')).body.lastRow).toBe(2);
  });

  it('names the bad field and refuses everyone but the distributor ADMIN', async () => {
    const bad = await list('?from=2026-13-01');
    expect(bad.status).toBe(400);
    expect(bad.body.error?.fields).toHaveProperty('from');
    const backwards = await list('?from=2026-02-01&to=2026-01-01');
    expect(backwards.status).toBe(400);
    expect((await list('', await api.token(FIXTURE.distributor, ['USER']))).status).toBe(403);
    expect((await list('', await api.token(FIXTURE.distributor, ['BILLING_MANAGER']))).status).toBe(403);
    expect((await list('', await api.token(FIXTURE.resellerA, ['ADMIN']))).status).toBe(403);
  });
});
