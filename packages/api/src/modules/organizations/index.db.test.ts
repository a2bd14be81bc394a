import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, FIXTURE, type TestApi } from '../../testing';

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
});
afterAll(() => api.close());

type Page = { rows: { id: string }[]; lastRow: number };
const ids = (body: unknown) => (body as Page).rows.map((r) => r.id).sort();

describe('GET /api/v1/organizations', () => {
  it('shows a distributor its whole marketplace and nothing of another', async () => {
    const res = await api.call('GET', '/api/v1/organizations', {
      token: await api.token(FIXTURE.distributor, ['USER']),
    });
    expect(res.status).toBe(200);
    expect(ids(res.body)).toEqual(['d1', 'd1-c1', 'd1-ra', 'd1-ra-c1', 'd1-rb', 'd1-rb-c1']);
    expect((res.body as Page).lastRow).toBe(6);
  });

  it('shows a reseller itself and its customers only', async () => {
    const res = await api.call('GET', '/api/v1/organizations', { token: await api.token(FIXTURE.resellerA) });
    expect(ids(res.body)).toEqual(['d1-ra', 'd1-ra-c1']);
  });

  it('shows an end customer itself only', async () => {
    const res = await api.call('GET', '/api/v1/organizations', { token: await api.token(FIXTURE.customerB) });
    expect(ids(res.body)).toEqual(['d1-rb-c1']);
  });

  it('filters and pages', async () => {
    const token = await api.token(FIXTURE.distributor);
    const resellers = await api.call('GET', '/api/v1/organizations?kind=RESELLER', { token });
    expect(ids(resellers.body)).toEqual(['d1-ra', 'd1-rb']);
    const page = await api.call('GET', '/api/v1/organizations?startRow=1&endRow=3', { token });
    expect((page.body as Page).rows).toHaveLength(2);
    expect((page.body as Page).lastRow).toBe(6);
    const tooWide = await api.call('GET', '/api/v1/organizations?startRow=0&endRow=5000', { token });
    expect(tooWide.status).toBe(400);
    expect(tooWide.body).toMatchObject({ error: { fields: { endRow: expect.stringMatching(/1000/) } } });
    const badKind = await api.call('GET', '/api/v1/organizations?kind=ALIEN', { token });
    expect(badKind.status).toBe(400);
    expect(badKind.body).toMatchObject({ error: { fields: { kind: expect.any(String) } } });
  });
});

describe('GET /api/v1/organizations/:id: tenant isolation', () => {
  it("lets a reseller read itself and its customer, never another reseller's data", async () => {
    const token = await api.token(FIXTURE.resellerA);
    expect((await api.call('GET', `/api/v1/organizations/${FIXTURE.customerA}`, { token })).status).toBe(200);
    for (const other of [
      FIXTURE.resellerB,
      FIXTURE.customerB,
      FIXTURE.distributor,
      FIXTURE.directCustomer,
      FIXTURE.otherReseller,
    ]) {
      const res = await api.call('GET', `/api/v1/organizations/${other}`, { token });
      expect(res.status, other).toBe(404);
      expect(res.body).toMatchObject({ error: { code: 'not_found' } });
    }
  });

  it('keeps marketplaces apart', async () => {
    const token = await api.token(FIXTURE.otherDistributor);
    expect((await api.call('GET', `/api/v1/organizations/${FIXTURE.resellerA}`, { token })).status).toBe(404);
    const list = await api.call('GET', '/api/v1/organizations', { token });
    expect(ids(list.body)).toEqual(['d2', 'd2-ra']);
  });
});
