import { chmodSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { auditLog, withSystem } from '@cascade/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, FIXTURE, type TestApi } from '../../testing';

let api: TestApi;
let admin: string;
beforeAll(async () => {
  api = await createTestApi();
  admin = await api.token(FIXTURE.distributor, ['ADMIN']);
});
afterAll(() => api.close());

const PATH = '/api/v1/profile-options';
const audits = () =>
  withSystem(api.db.db, (tx) => tx.select().from(auditLog).where(eq(auditLog.entityType, 'profile-options')));
type Options = Record<string, unknown>;
const get = async (org: string, roles: ('ADMIN' | 'USER' | 'BILLING_MANAGER')[] = ['USER']) =>
  (await api.call('GET', PATH, { token: await api.token(org, roles) })) as {
    status: number;
    body: { distributorId: string; options: Options; defaults: Options; definitions: { key: string }[] };
  };
const patch = (body: unknown, token = admin) =>
  api.call('PATCH', PATH, { token, body }) as Promise<{
    status: number;
    body: { options: Options; error?: { code: string; fields?: Record<string, string> } };
  }>;

describe('billing profile options', () => {
  it('start at their defaults, each described for the admin SPA', async () => {
    const res = await get(FIXTURE.distributor);
    expect(res.status).toBe(200);
    expect(res.body.options).toMatchObject({
      accountTransferDisconnectionCreditRule: 'NO_DISCONNECTION_CREDIT',
      exactDisconnectionCreditOnAdHocPriceChange: true,
      monthDefinition: 'CALDAYS',
      invoiceGenerationRule: 'BILLING_PERIOD_WISE',
      regenerateCancelledInvoice: true,
      revenueRecognitionInterval: 'MONTH',
      minimumVacationDays: 1,
      maximumVacationDays: 365,
      customBillNumberTemplate: null,
    });
    expect(res.body.options).toEqual(res.body.defaults);
    expect(res.body.definitions).toHaveLength(23);
    expect(res.body.definitions.find((d) => d.key === 'monthDefinition')).toEqual({
      key: 'monthDefinition',
      kind: 'choice',
      values: ['CALDAYS', '30_DAYS'],
      default: 'CALDAYS',
    });
  });

  it("change only by the distributor's ADMIN, partially, audited with old and new", async () => {
    const res = await patch({
      monthDefinition: '30_DAYS',
      minimumVacationDays: 5,
      enableTaxAggregation: false,
    });
    expect(res.status).toBe(200);
    expect(res.body.options).toMatchObject({
      monthDefinition: '30_DAYS',
      minimumVacationDays: 5,
      prorataInclusive: false,
    });
    const [entry, ...rest] = await audits();
    expect(rest).toHaveLength(0);
    // enableTaxAggregation was sent unchanged: not part of the change.
    expect(entry).toMatchObject({
      orgId: FIXTURE.distributor,
      actorUserId: 'd1-admin',
      action: 'profile-options.update',
      old: { monthDefinition: 'CALDAYS', minimumVacationDays: 1 },
      new: { monthDefinition: '30_DAYS', minimumVacationDays: 5 },
    });
    const history = await api.call('GET', `${PATH}/history`, { token: admin });
    expect(history.body).toMatchObject({
      rows: [{ actorUserId: 'd1-admin', new: { minimumVacationDays: 5 } }],
      lastRow: 1,
    });
  });

  it("are read by every organization of the marketplace, and only its own distributor's", async () => {
    for (const org of [FIXTURE.resellerA, FIXTURE.resellerB, FIXTURE.customerA, FIXTURE.directCustomer]) {
      const res = await get(org);
      expect(res.status, org).toBe(200);
      expect(res.body.distributorId).toBe('d1');
      expect(res.body.options.monthDefinition, org).toBe('30_DAYS');
    }
    const other = await get(FIXTURE.otherReseller);
    expect(other.body).toMatchObject({ distributorId: 'd2', options: { monthDefinition: 'CALDAYS' } });
  });

  it('refuse anyone else (403) and change nothing', async () => {
    const before = (await audits()).length;
    for (const [org, roles] of [
      [FIXTURE.distributor, ['BILLING_MANAGER', 'USER', 'MARKETPLACE_MANAGER']],
      [FIXTURE.resellerA, ['ADMIN']],
      [FIXTURE.customerA, ['ADMIN']],
    ] as const) {
      const res = await patch({ prorataInclusive: true }, await api.token(org, [...roles]));
      expect(res.status, org).toBe(403);
    }
    expect((await audits()).length).toBe(before);
    expect((await get(FIXTURE.distributor)).body.options.prorataInclusive).toBe(false);
    expect(
      (await api.call('GET', `${PATH}/history`, { token: await api.token(FIXTURE.resellerA) })).status,
    ).toBe(403);
  });

  it.each([
    ['an unknown value', { monthDefinition: 'WEEKS' }, 'monthDefinition'],
    ['a string for a yes/no', { amountIncludesTax: 'Yes' }, 'amountIncludesTax'],
    ['a fraction of a day', { maximumVacationDays: 2.5 }, 'maximumVacationDays'],
    ['negative days', { minimumVacationDays: -1 }, 'minimumVacationDays'],
    [
      'min above max in one request',
      { minimumVacationDays: 9, maximumVacationDays: 3 },
      'minimumVacationDays',
    ],
    ['an unknown option', { roundUp: true }, 'roundUp'],
    ['a path leaving its root', { invoicePdfFilePath: '../etc' }, 'invoicePdfFilePath'],
    ['an absolute path', { soaFilePath: '/var/soa' }, 'soaFilePath'],
    [
      'a percent above 100',
      { accountTransferCustomCreditPercent: '101' },
      'accountTransferCustomCreditPercent',
    ],
    ['a template without {SEQ}', { customBillNumberTemplate: '{ORG}-{YYYY}' }, 'customBillNumberTemplate'],
    ['nothing at all', {}, 'body'],
  ])('refuse %s with a 400 naming the field', async (_what, body, field) => {
    const res = await patch(body);
    expect(res.status).toBe(400);
    expect(res.body.error?.fields).toHaveProperty([field]);
  });

  it('refuse, with a 422, what conflicts with the stored options', async () => {
    const res = await patch({ maximumVacationDays: 4 });
    expect(res.status).toBe(422);
    expect(res.body.error?.fields).toHaveProperty(['maximumVacationDays']);
    const noTemplate = await patch({ requiresCustomBillNumber: true });
    expect(noTemplate.status).toBe(422);
    expect(noTemplate.body.error?.fields).toHaveProperty(['customBillNumberTemplate']);
    const ok = await patch({
      requiresCustomBillNumber: true,
      customBillNumberTemplate: '{ORG}-{YYYY}{MM}-{SEQ:6}',
      accountTransferCustomCreditPercent: '12.50',
      invoicePdfFilePath: 'billing/invoices',
    });
    expect(ok.status).toBe(200);
    expect(ok.body.options).toMatchObject({
      requiresCustomBillNumber: true,
      customBillNumberTemplate: '{ORG}-{YYYY}{MM}-{SEQ:6}',
      accountTransferCustomCreditPercent: '12.5',
      invoicePdfFilePath: 'billing/invoices',
    });
    // Clearing the template while it is required is refused.
    expect((await patch({ customBillNumberTemplate: null })).status).toBe(422);
  });
});

describe('storage locations (Invoice PDF File Path, SOA File Path)', () => {
  const dir = () => api.storageDir!;

  it('are created when changed, and must be writable', async () => {
    const ok = await patch({ invoicePdfFilePath: 'pdf/invoices', soaFilePath: 'pdf/statements' });
    expect(ok.status).toBe(200);
    expect(statSync(join(dir(), 'pdf/invoices')).isDirectory()).toBe(true);
    expect(readdirSync(join(dir(), 'pdf/statements'))).toEqual([]); // the probe is gone
  });

  it('refuse a location where a file is in the way with a 422 naming the option; nothing saved', async () => {
    writeFileSync(join(dir(), 'a-file'), 'not a folder');
    const auditsBefore = (await audits()).length;
    const before = (await get(FIXTURE.distributor)).body.options;
    const res = await patch({ invoicePdfFilePath: 'a-file', prorataInclusive: !before.prorataInclusive });
    expect(res.status).toBe(422);
    expect(res.body.error?.fields).toEqual({
      invoicePdfFilePath: 'Invoice PDF File Path cannot be written: a file is in the way of that folder',
    });
    const soa = await patch({ soaFilePath: 'a-file/statements' });
    expect(soa.status).toBe(422);
    expect(soa.body.error?.fields).toHaveProperty(['soaFilePath']);
    expect((await get(FIXTURE.distributor)).body.options).toEqual(before);
    expect((await audits()).length).toBe(auditsBefore);
  });

  it.skipIf(process.getuid?.() === 0)('refuse a folder the server may not write', async () => {
    mkdirSync(join(dir(), 'locked'));
    chmodSync(join(dir(), 'locked'), 0o500);
    const res = await patch({ soaFilePath: 'locked/soa' });
    chmodSync(join(dir(), 'locked'), 0o755);
    expect(res.status).toBe(422);
    expect(res.body.error?.fields?.soaFilePath).toMatch(/permission denied/);
  });

  it('cannot be changed on a server without document storage (the edge)', async () => {
    const edge = api.variant({ storage: null });
    const res = (await edge.call('PATCH', PATH, { token: admin, body: { soaFilePath: 'elsewhere' } })) as {
      status: number;
      body: { error?: { fields?: Record<string, string> } };
    };
    expect(res.status).toBe(503);
    expect(res.body.error?.fields).toHaveProperty(['soaFilePath']);
    // Other options still change there.
    const other = await edge.call('PATCH', PATH, { token: admin, body: { generateZeroValueCharge: true } });
    expect(other.status).toBe(200);
  });
});
