import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, FIXTURE, type TestApi } from '../testing';
import { routes } from '.';

// The admin routes are the ones only a distributor may call. Taken from the route table, so an
// admin route added later is covered without touching this file.
const adminRoutes = routes.filter(
  (r) => r.auth !== 'public' && r.auth.orgKinds?.length === 1 && r.auth.orgKinds[0] === 'DISTRIBUTOR',
);

/** The route's path with a placeholder in every parameter. */
const concrete = (path: string) => path.replace(/:(\w+)/g, 'x-$1');

let api: TestApi;
let distributorAdmin: string;
const resellerAdmins: [string, string][] = [];
beforeAll(async () => {
  api = await createTestApi();
  distributorAdmin = await api.token(FIXTURE.distributor, ['ADMIN']);
  resellerAdmins.push(
    ['Standard reseller', await api.token(FIXTURE.resellerA, ['ADMIN'])],
    ['Light reseller', await api.token(FIXTURE.resellerB, ['ADMIN'])],
  );
});
afterAll(() => api.close());

describe("a reseller's token on the admin routes", () => {
  it('covers every admin screen’s routes', () => {
    const table = adminRoutes.map((r) => `${r.method} ${r.path}`);
    expect(table).toEqual(
      expect.arrayContaining([
        'PATCH /api/v1/invoice-types/:code',
        'PATCH /api/v1/invoice-statuses/:code',
        'PATCH /api/v1/profile-options',
        'POST /api/v1/billing-runs',
        'GET /api/v1/billing-runs',
        'POST /api/v1/billing/preview',
        'GET /api/v1/audit',
        'GET /api/v1/customer-charges/schedule',
        'POST /api/v1/customer-charges/sync-runs',
      ]),
    );
  });

  it('gets 403 with the one error shape from every admin route, and changes nothing', async () => {
    const answers: string[] = [];
    for (const route of adminRoutes) {
      const path = concrete(route.path);
      const body = route.method === 'GET' ? undefined : {};
      for (const [who, token] of resellerAdmins) {
        const res = await api.call(route.method, path, { token, body });
        answers.push(`${who} ${route.method} ${route.path}: ${res.status}`);
        expect(res.body, `${who} ${route.method} ${route.path}`).toEqual({
          error: { code: 'forbidden', message: expect.stringMatching(/distributor/i) },
        });
      }
    }
    expect(answers.filter((a) => !a.endsWith(': 403'))).toEqual([]);
    const audit = await api.call('GET', '/api/v1/audit', { token: distributorAdmin });
    expect(audit.body).toMatchObject({ lastRow: 0 });
  });

  it("lets the distributor's admin past the same check (the 403 is the org kind's, not the request's)", async () => {
    const answers: string[] = [];
    for (const route of adminRoutes) {
      const body = route.method === 'GET' ? undefined : {};
      const res = await api.call(route.method, concrete(route.path), { token: distributorAdmin, body });
      answers.push(`${route.method} ${route.path}: ${res.status}`);
    }
    expect(answers.filter((a) => / (401|403)$/.test(a))).toEqual([]);
  });
});
