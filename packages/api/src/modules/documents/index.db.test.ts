import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedDemo } from '@cascade/db/seed';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, type TestApi } from '../../testing';
import { amountText } from './format';

/**
 * Invoice and statement PDFs of the demo marketplace, through the API: rendered to PNG with
 * poppler's pdftoppm and read back with pdftotext, on PGlite and on PostgreSQL.
 */
const POPPLER = existsSync('/usr/bin/pdftoppm') && existsSync('/usr/bin/pdftotext');

let api: TestApi;
let work: string;
const tokens: Record<string, string> = {};
const token = async (org: string) => {
  tokens[org] ??= await api.token(org, ['ADMIN'], { sub: `${org}-admin` });
  return tokens[org]!;
};

beforeAll(async () => {
  api = await createTestApi();
  await seedDemo(api.db.db, { embedKey: false });
  work = mkdtempSync(join(tmpdir(), 'cascade-pdf-'));
}, 120_000);
afterAll(async () => {
  rmSync(work, { recursive: true, force: true });
  await api?.close();
});

interface Invoice {
  id: string;
  number: string | null;
  stage: string;
  status: string;
  type: string;
  total: string;
  amountDue: string;
  currency: string;
  issuerOrgId: string;
  clientOrgId: string;
}

async function invoicesOf(org: string, query: string): Promise<Invoice[]> {
  const res = await api.call('GET', `/api/v1/invoices?${query}&startRow=0&endRow=1000`, {
    token: await token(org),
  });
  expect(res.status).toBe(200);
  return (res.body as { rows: Invoice[] }).rows;
}

/** GET as raw bytes. */
async function download(path: string, org?: string) {
  const headers: Record<string, string> = {};
  if (org) headers.Authorization = `Bearer ${await token(org)}`;
  const res = await api.app.request(path, { headers });
  return { res, bytes: new Uint8Array(await res.arrayBuffer()) };
}

/** The PDF rendered to PNG at 60 dpi (first page) and its text, through poppler. */
function poppler(
  bytes: Uint8Array,
  name: string,
): { png: string; width: number; height: number; text: string } {
  const pdf = join(work, `${name}.pdf`);
  writeFileSync(pdf, bytes);
  execFileSync('/usr/bin/pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', pdf, join(work, name)]);
  const png = [join(work, `${name}-1.png`), join(work, `${name}-01.png`)].find(existsSync)!;
  const head = readFileSync(png);
  expect(head.subarray(1, 4).toString('latin1')).toBe('PNG');
  const text = execFileSync('/usr/bin/pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
  return { png, width: head.readUInt32BE(16), height: head.readUInt32BE(20), text };
}

describe.skipIf(!POPPLER)('invoice PDF', () => {
  let invoice: Invoice;

  beforeAll(async () => {
    const received = await invoicesOf('reseller-standard', 'direction=received&stage=ISSUED&type=DEBIT');
    invoice = received.find((i) => i.issuerOrgId === 'distributor' && i.status === 'UNPAID') ?? received[0]!;
    expect(invoice?.number).toBeTruthy();
  });

  it('is a real document: PNG renders at A4 size, text shows number, client, total and amount due', async () => {
    const { res, bytes } = await download(`/api/v1/invoices/${invoice.id}/pdf`, 'reseller-standard');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="Invoice ${invoice.number}.pdf"; filename*=UTF-8''${encodeURIComponent(`Invoice ${invoice.number}.pdf`)}`,
    );
    expect(new TextDecoder().decode(bytes.subarray(0, 5))).toBe('%PDF-');
    const { png, width, height, text } = poppler(bytes, 'invoice');
    // A4 at 60 dpi: 8.27 × 11.69 in.
    expect(width).toBeGreaterThanOrEqual(490);
    expect(width).toBeLessThanOrEqual(500);
    expect(height).toBeGreaterThanOrEqual(695);
    expect(height).toBeLessThanOrEqual(705);
    expect(statSync(png).size).toBeGreaterThan(10_000);
    expect(text).toContain(invoice.number!);
    expect(text).toContain('Cascade Cloud Distribution');
    expect(text).toContain('Standard IT Partners');
    expect(text).toContain(amountText(invoice.total, invoice.currency));
    expect(text).toMatch(
      new RegExp(
        `Amount due ${invoice.currency}\\s+${amountText(invoice.amountDue, invoice.currency).replace('.', '\\.')}`,
      ),
    );
    expect(text).toContain('Unpaid');
  });

  it('lands in the storage at <Invoice PDF File Path>/<issuer>/<number>.pdf and is served from there while unchanged', async () => {
    const file = join(api.storageDir!, 'invoices/pdf/distributor', `${invoice.number}.pdf`);
    expect(existsSync(file)).toBe(true);
    const again = await download(`/api/v1/invoices/${invoice.id}/pdf`, 'distributor');
    expect(again.res.status).toBe(200);
    expect(again.res.headers.get('x-document-source')).toBe('stored');
    expect(again.bytes).toEqual(new Uint8Array(readFileSync(file)));
  });

  it('is generated anew when the invoice changed (canceled: status and amount due)', async () => {
    const cancel = await api.call('POST', `/api/v1/invoices/${invoice.id}/cancel`, {
      token: await token('distributor'),
      body: {},
      headers: { 'Idempotency-Key': `cancel-${invoice.id}` },
    });
    expect(cancel.status).toBe(201);
    const { res, bytes } = await download(`/api/v1/invoices/${invoice.id}/pdf`, 'reseller-standard');
    expect(res.headers.get('x-document-source')).toBe('generated');
    const { text } = poppler(bytes, 'canceled');
    expect(text).toContain('Canceled');
    expect(text).toMatch(
      new RegExp(
        `Amount due ${invoice.currency}\\s+${amountText('0', invoice.currency).replace('.', '\\.')}`,
      ),
    );
  });

  it('may be downloaded by exactly who may read the invoice', async () => {
    for (const org of ['customer-acme', 'reseller-light', 'reseller-upgraded']) {
      const detail = await api.call('GET', `/api/v1/invoices/${invoice.id}`, { token: await token(org) });
      const { res } = await download(`/api/v1/invoices/${invoice.id}/pdf`, org);
      expect(res.status, org).toBe(detail.status);
      expect(res.status, org).toBe(404);
    }
    expect((await download(`/api/v1/invoices/${invoice.id}/pdf`)).res.status).toBe(401);
    expect((await download('/api/v1/invoices/no-such-invoice/pdf', 'distributor')).res.status).toBe(404);
  });

  it("shows the seller's name and address to its end customer", async () => {
    const [own] = (await invoicesOf('customer-acme', 'direction=received&stage=ISSUED')).filter(
      (i) => i.issuerOrgId === 'reseller-standard',
    );
    expect(own).toBeDefined();
    const { res, bytes } = await download(`/api/v1/invoices/${own!.id}/pdf`, 'customer-acme');
    expect(res.status).toBe(200);
    const { text } = poppler(bytes, 'acme');
    expect(text).toContain('Standard IT Partners');
    expect(text).toContain('Acme');
    expect(text).toContain(own!.number!);
  });

  it('marks a draft DRAFT and names it by its id', async () => {
    const [draft] = await invoicesOf('reseller-standard', 'direction=issued&stage=PROFORMA');
    expect(draft).toBeDefined();
    const { res, bytes } = await download(`/api/v1/invoices/${draft!.id}/pdf`, 'reseller-standard');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain(`filename="Invoice draft ${draft!.id}.pdf"`);
    // Its client does not see a seller's draft, so may not download it either.
    const client = await download(`/api/v1/invoices/${draft!.id}/pdf`, draft!.clientOrgId);
    expect(client.res.status).toBe(404);
    const { text } = poppler(bytes, 'draft');
    expect(text).toContain('DRAFT INVOICE');
    expect(text).toContain('not issued yet');
    expect(
      existsSync(join(api.storageDir!, 'invoices/pdf/reseller-standard', `draft-${draft!.id}.pdf`)),
    ).toBe(true);
  });
});

describe.skipIf(!POPPLER)('statement of account PDF', () => {
  const account = 'acc-reseller-standard';
  const from = '2026-01-01';
  const to = '2026-03-31';

  it('holds the figures of the statement endpoint: opening, documents, running and closing balance', async () => {
    const json = await api.call('GET', `/api/v1/accounts/${account}/statement?from=${from}&to=${to}`, {
      token: await token('reseller-standard'),
    });
    expect(json.status).toBe(200);
    const st = json.body as {
      currency: string;
      opening: { balance: string; due: string };
      closing: { balance: string; due: string };
      rows: { documentId: string; kind: string }[];
    };
    expect(st.rows.length).toBeGreaterThan(0);
    const owed = (p: { balance: string; due: string }) => (Number(p.due) - Number(p.balance)).toFixed(2);

    const { res, bytes } = await download(
      `/api/v1/accounts/${account}/statement/pdf?from=${from}&to=${to}`,
      'reseller-standard',
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const disposition = res.headers.get('content-disposition')!;
    expect(disposition).toMatch(
      /^attachment; filename="Statement .+ 2026-01-01-2026-03-31\.pdf"; filename\*=UTF-8''Statement%20.+2026-01-01%E2%80%932026-03-31\.pdf$/,
    );
    const { width, text } = poppler(bytes, 'statement');
    expect(width).toBeGreaterThanOrEqual(490);
    expect(text).toContain('STATEMENT OF ACCOUNT');
    expect(text).toContain('Standard IT Partners');
    expect(text).toContain('Opening balance');
    expect(text).toContain('Closing balance');
    expect(text).toContain(amountText(owed(st.opening), st.currency));
    expect(text).toContain(amountText(owed(st.closing), st.currency));
    // Every invoice of the period is listed by its number.
    const numbers = (
      await invoicesOf(
        'reseller-standard',
        `direction=received&stage=ISSUED&dateFrom=${from}&dateTo=${to}&accountId=${account}`,
      )
    ).map((i) => i.number!);
    expect(numbers.length).toBeGreaterThan(0);
    for (const n of numbers) expect(text).toContain(n);
    // The endpoint names the same documents the same way: each invoice row by its number.
    const rows = (json.body as { rows: { kind: string; number: string | null; label: string }[] }).rows;
    const invoiceRows = rows.filter((r) => r.kind === 'DEBIT_INVOICE');
    expect(invoiceRows.map((r) => r.number).sort()).toEqual([...numbers].sort());
    for (const r of invoiceRows) expect(r.label).toBe('Invoice');
    for (const r of rows) expect(text).toContain(r.label.slice(0, 20));
    expect(existsSync(join(api.storageDir!, 'soa/pdf/distributor', account, `${from}_${to}.pdf`))).toBe(true);
  });

  it('is refused as the statement endpoint refuses', async () => {
    const q = `from=${from}&to=${to}`;
    expect(
      (await download(`/api/v1/accounts/${account}/statement/pdf?${q}`, 'reseller-light')).res.status,
    ).toBe(404);
    expect(
      (await download(`/api/v1/accounts/${account}/statement/pdf?${q}`, 'customer-acme')).res.status,
    ).toBe(404);
    expect((await download(`/api/v1/accounts/${account}/statement/pdf?${q}`)).res.status).toBe(401);
    const swapped = await api.call('GET', `/api/v1/accounts/${account}/statement/pdf?from=${to}&to=${from}`, {
      token: await token('reseller-standard'),
    });
    expect(swapped.status).toBe(400);
    expect((swapped.body as { error: { fields: Record<string, string> } }).error.fields).toHaveProperty([
      'from',
    ]);
    const bad = await api.call('GET', `/api/v1/accounts/${account}/statement/pdf?from=2026-02-30&to=${to}`, {
      token: await token('reseller-standard'),
    });
    expect(bad.status).toBe(400);
    expect((bad.body as { error: { fields: Record<string, string> } }).error.fields).toHaveProperty(['from']);
  });
});

describe.skipIf(!POPPLER)('without document storage (the edge)', () => {
  it('still serves the PDF, generated each time', async () => {
    const edge = api.variant({ storage: null });
    const [any] = await invoicesOf('distributor', 'direction=issued&stage=ISSUED');
    const res = await edge.app.request(`/api/v1/invoices/${any!.id}/pdf`, {
      headers: { Authorization: `Bearer ${await token('distributor')}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-document-source')).toBe('generated');
  });
});
