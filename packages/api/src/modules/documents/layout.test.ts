import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type InvoiceDocument,
  invoiceTitle,
  renderInvoicePdf,
  renderStatementPdf,
  type StatementDocument,
} from './layout';

const PDFTOTEXT = '/usr/bin/pdftotext';
const work = mkdtempSync(join(tmpdir(), 'cascade-layout-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The PDF's text as pdftotext reads it (layout kept), or null when poppler is missing. */
function textOf(bytes: Uint8Array, name: string): string | null {
  if (!existsSync(PDFTOTEXT)) return null;
  const file = join(work, `${name}.pdf`);
  writeFileSync(file, bytes);
  return execFileSync(PDFTOTEXT, ['-layout', file, '-'], { encoding: 'utf8' });
}

/** Pages, counted from the page objects (pdfkit does not compress the page tree). */
const pageCount = (bytes: Uint8Array) =>
  (new TextDecoder('latin1').decode(bytes).match(/\/Type \/Page\b/g) ?? []).length;

export const invoice = (over: Partial<InvoiceDocument> = {}): InvoiceDocument => ({
  issuer: { name: 'Cascade Cloud Distribution', lines: ['12 Main Street', '1011 Amsterdam', 'NL'] },
  client: { name: 'Standard IT Partners', lines: ['Main Street 1', 'Berlin', 'DE'] },
  number: 'DST-000042',
  stage: 'ISSUED',
  type: 'DEBIT',
  status: 'UNPAID',
  invoiceDate: '2026-07-01',
  dueDate: null,
  periodStart: '2026-07-01',
  periodEnd: '2026-07-31',
  accountName: 'Standard IT Partners (EUR)',
  currency: 'EUR',
  creditedInvoiceNumber: null,
  items: [
    {
      lineNo: 1,
      description: 'Microsoft 365 Business Basic',
      periodStart: '2026-07-01',
      periodEnd: '2026-07-31',
      quantity: '1200.0000',
      unit: 'licenses',
      unitPrice: '5.100000',
      discount: '0',
      amount: '6120.00',
    },
    {
      lineNo: 2,
      description: 'Azure VM D2s v5',
      periodStart: '2026-06-01',
      periodEnd: '2026-06-30',
      quantity: '730.5000',
      unit: 'h',
      unitPrice: '0.096200',
      discount: '2.50',
      amount: '67.77',
    },
  ],
  taxes: [{ code: 'vat-recurring', type: 'VAT', percent: '21.000000', base: '6187.77', amount: '1299.43' }],
  subtotal: '6187.77',
  taxTotal: '1299.43',
  total: '7487.20',
  amountPaid: '1000.00',
  amountDue: '6487.20',
  ...over,
});

describe('invoice PDF', () => {
  it('shows issuer, client, number, dates, items, taxes and totals as formatted figures', async () => {
    const bytes = await renderInvoicePdf(invoice());
    expect(new TextDecoder().decode(bytes.slice(0, 5))).toBe('%PDF-');
    expect(pageCount(bytes)).toBe(1);
    const text = textOf(bytes, 'one');
    if (text === null) return;
    for (const expected of [
      'Cascade Cloud Distribution',
      '1011 Amsterdam',
      'INVOICE',
      'DST-000042',
      '1 Jul 2026',
      '1–31 Jul 2026',
      'Standard IT Partners',
      'Berlin',
      'Microsoft 365 Business Basic',
      '1,200',
      '730.5 h',
      '5.10',
      '0.0962',
      '2.50',
      '6,120.00',
      'vat-recurring',
      '21 %',
      '1,299.43',
      '7,487.20',
      '1,000.00',
      '6,487.20',
      'Amount due EUR',
      'Page 1 of 1',
    ]) {
      expect(text, expected).toContain(expected);
    }
    expect(text).not.toContain('DRAFT');
  });

  it('flows 200 items over several pages, the table header on each, numbered pages', async () => {
    const items = Array.from({ length: 200 }, (_, i) => ({
      ...invoice().items[0]!,
      lineNo: i + 1,
      description: `Line ${i + 1}: Microsoft 365 Business Basic for the team of department ${i + 1}`,
      amount: '6120.00',
    }));
    const bytes = await renderInvoicePdf(invoice({ items }));
    const pages = pageCount(bytes);
    expect(pages).toBeGreaterThanOrEqual(5);
    const text = textOf(bytes, 'many');
    if (text === null) return;
    expect(text).toContain(`Page ${pages} of ${pages}`);
    const itemPages = text.split('\f').filter((p) => p.includes('Line '));
    expect(itemPages.length).toBeGreaterThanOrEqual(pages - 1); // the last may hold only the totals
    for (const page of itemPages) expect(page).toContain('Unit price');
    expect(text).toContain('Line 1:');
    expect(text).toContain('Line 200:');
    expect(text).toContain('(continued)');
    // The totals come once, after the last item.
    expect(text.indexOf('Amount due EUR')).toBeGreaterThan(text.indexOf('Line 200:'));
  });

  it('marks a draft, which has no number', async () => {
    const d = invoice({ number: null, stage: 'PROFORMA', status: 'UNPAID' });
    expect(invoiceTitle(d)).toBe('Draft invoice');
    const text = textOf(await renderInvoicePdf(d), 'draft');
    if (text === null) return;
    expect(text).toContain('DRAFT INVOICE');
    expect(text).toContain('not issued yet');
    expect(text).toContain('Draft (proforma)');
  });

  it("prints amounts in the currency's minor units", async () => {
    const jpy = invoice({
      currency: 'JPY',
      items: [{ ...invoice().items[0]!, unitPrice: '510.000000', amount: '612000' }],
      taxes: [],
      subtotal: '612000',
      taxTotal: '0',
      total: '612000',
      amountPaid: '0',
      amountDue: '612000',
    });
    const text = textOf(await renderInvoicePdf(jpy), 'jpy');
    if (text === null) return;
    expect(text).toContain('612,000');
    expect(text).not.toContain('612,000.00');
    expect(text).toContain('Amount due JPY');
    const kwd = textOf(
      await renderInvoicePdf(invoice({ currency: 'KWD', total: '7487.2', amountDue: '1' })),
      'kwd',
    );
    expect(kwd).toContain('7,487.200');
    expect(kwd).toContain('1.000');
  });

  it('calls a credit invoice so, with what it credits', async () => {
    const d = invoice({
      type: 'CREDIT',
      number: 'DST-C-7',
      creditedInvoiceNumber: 'DST-000042',
      status: 'PAID',
    });
    expect(invoiceTitle(d)).toBe('Credit invoice DST-C-7');
    const text = textOf(await renderInvoicePdf(d), 'credit');
    if (text === null) return;
    expect(text).toContain('CREDIT INVOICE');
    expect(text).toContain('Credits invoice');
    expect(text).toContain('Remaining EUR');
  });
});

export const statement = (over: Partial<StatementDocument> = {}): StatementDocument => ({
  issuer: { name: 'Cascade Cloud Distribution', lines: ['12 Main Street'] },
  client: { name: 'Standard IT Partners', lines: ['Main Street 1', 'Berlin'] },
  accountId: 'acc-reseller-standard',
  accountName: 'Standard IT Partners (EUR)',
  currency: 'EUR',
  from: '2026-01-01',
  to: '2026-01-31',
  issuedOn: '2026-02-01',
  opening: { balance: '0', due: '100.00', owed: '100.00' },
  closing: { balance: '0', due: '1210.00', owed: '1210.00' },
  totalDebit: '1210.00',
  totalCredit: '100.00',
  lines: [
    {
      date: '2026-01-01',
      number: 'DST-000001',
      description: 'Invoice',
      debit: '1210.00',
      credit: null,
      balance: '1310.00',
    },
    {
      date: '2026-01-15',
      number: 'BANK-4711',
      description: 'Payment (bank transfer)',
      debit: null,
      credit: '100.00',
      balance: '1210.00',
    },
  ],
  ...over,
});

describe('statement of account PDF', () => {
  it('shows opening balance, every document with its running balance, closing balance', async () => {
    const bytes = await renderStatementPdf(statement());
    expect(pageCount(bytes)).toBe(1);
    const text = textOf(bytes, 'soa');
    if (text === null) return;
    for (const expected of [
      'STATEMENT OF ACCOUNT',
      'Standard IT Partners',
      '1–31 Jan 2026',
      'Opening balance',
      'DST-000001',
      'BANK-4711',
      '1,310.00',
      'Closing balance',
      '1,210.00',
    ]) {
      expect(text, expected).toContain(expected);
    }
    expect(text.indexOf('Opening balance', text.indexOf('Description'))).toBeLessThan(
      text.indexOf('DST-000001'),
    );
    expect(text.lastIndexOf('Closing balance')).toBeGreaterThan(text.indexOf('BANK-4711'));
  });

  it('flows a long statement over pages', async () => {
    const lines = Array.from({ length: 150 }, (_, i) => ({
      date: '2026-01-02',
      number: `DST-${String(i).padStart(6, '0')}`,
      description: 'Invoice',
      debit: '1.00',
      credit: null,
      balance: String(101 + i),
    }));
    const bytes = await renderStatementPdf(statement({ lines }));
    expect(pageCount(bytes)).toBeGreaterThanOrEqual(3);
  });
});
