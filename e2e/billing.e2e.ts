// The Billing module end to end (seed 000, SPEC §1, §3–§5): a distributor, a reseller and an end
// customer each sign in to the demo, open Billing from their own menu and do the main tasks of
// Invoices, Credit Notes and the balance on top; a USER is offered none of the actions.
import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Download, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, type DemoUser, screenshot, signInAs } from './support/browser';
import { useBrowserHarness } from './support/harness';

const run = promisify(execFile);

const harness = useBrowserHarness({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
const newPage = (): Promise<Page> => harness.newPage();

function user(id: string): DemoUser {
  const found = harness.users.find((u) => u.id === id);
  if (!found) throw new Error(`No demo user ${id}; demo users: ${harness.users.map((u) => u.id).join(', ')}`);
  return found;
}

/**
 * A modal dialog as the user sees it: the viewport (a full-page shot would show the backdrop, which
 * covers the viewport, as a band across the page).
 */
async function dialogShot(page: Page, name: string): Promise<void> {
  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
}

/** The statement names its documents by number (`prefix…`), never by internal id. */
async function expectStatementByNumber(page: Page, prefix: string): Promise<void> {
  const docs = await page.getByTestId('statement').locator('tbody td.cx-balance__doc').allTextContents();
  expect(docs.length).toBeGreaterThan(0);
  expect(
    docs.some((d) => d.startsWith(prefix)),
    docs.join(', '),
  ).toBe(true);
  expect(docs.filter((d) => /^(inv|pay|refund|tr)-/.test(d))).toEqual([]);
}

/** Signs in and opens Billing from the user's own menu, as the seed describes. */
async function openBilling(page: Page, who: DemoUser): Promise<void> {
  await signInAs(page, `${harness.product.baseUrl}/sign-in`, who);
  if (who.orgKind === 'DISTRIBUTOR') {
    // Main menu → Billing
    await page.locator('a[data-route="distributor-billing"]').click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/billing');
  } else {
    // My profile → My Account → Billing
    await page.locator('a[data-route="my-account"]').click();
    await page.locator('a[data-route="account-billing"]').first().click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/my-account/billing');
  }
  await page.locator('[data-widget="billing"]').waitFor();
  await page.getByTestId('billing-balance').waitFor();
  await page.getByTestId('billing-balance').locator('.cx-async').waitFor({ state: 'detached' });
}

/** Waits for the invoice grid to show rows; returns the count text. */
async function gridRows(page: Page, scope = page.getByTestId('invoices')) {
  await expect
    .poll(async () => scope.getByTestId('invoice-count').textContent(), { timeout: 20_000 })
    .toMatch(/^[1-9][\d,]* /);
  await expect
    .poll(async () => scope.locator('.ag-row[row-index="0"] [col-id="number"]').textContent(), {
      timeout: 20_000,
    })
    .toMatch(/\S/);
  return scope.getByTestId('invoice-count').textContent();
}

/** A PDF saved by the browser: starts with %PDF and pdftotext reads `expected` in it. */
async function checkPdf(download: Download, name: string, expected: string[]) {
  await mkdir(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.pdf`);
  await download.saveAs(path);
  const bytes = await readFile(path);
  expect(bytes.subarray(0, 4).toString('latin1')).toBe('%PDF');
  const { stdout } = await run('pdftotext', ['-layout', path, '-']);
  await writeFile(join(ARTIFACTS, `${name}.txt`), stdout);
  for (const text of expected) expect(stdout).toContain(text);
}

async function apiAs(who: DemoUser) {
  const res = await fetch(`${harness.product.baseUrl}/api/v1/auth/demo-sign-in`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ userId: who.id }),
  });
  const { token } = (await res.json()) as { token: string };
  return async (method: string, path: string, body?: unknown) => {
    const r = await fetch(`${harness.product.baseUrl}/api${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        'Content-Type': 'application/json',
        'Idempotency-Key': crypto.randomUUID(),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: r.status, body: (await r.json()) as Record<string, unknown> };
  };
}

describe('Billing', () => {
  it('a distributor: issued invoices, open one, its PDF, and a manual invoice from draft to issued', async () => {
    const page = await newPage();
    await openBilling(page, user('distributor-billing'));
    await page.getByTestId('balance-none').waitFor();
    // A seller reads its clients' balances and statements.
    await page.getByTestId('balance-client').selectOption('acc-reseller-standard');
    await page.getByTestId('balance-account-acc-reseller-standard').waitFor();
    await page.getByTestId('statement-show').click();
    await page.getByTestId('statement').waitFor();
    await expectStatementByNumber(page, 'DST-');
    await screenshot(page, 'billing-distributor-client-statement');
    // The distributor starts on what it issued.
    expect(await page.getByTestId('direction-issued').getAttribute('aria-pressed')).toBe('true');
    await gridRows(page);
    await screenshot(page, 'billing-distributor-invoices');

    // Open the first issued invoice and download its PDF.
    await page.getByTestId('filter-stage').selectOption('ISSUED');
    await gridRows(page);
    await page.locator('.ag-row[row-index="0"] .ag-cell').first().click();
    await page.getByTestId('invoice-detail').waitFor();
    const title = (await page.getByTestId('invoice-title').textContent()) ?? '';
    const number = title.replace(/^(Invoice|Credit note) /, '');
    await page.getByTestId('invoice-items').waitFor();
    await screenshot(page, 'billing-distributor-invoice');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('invoice-pdf').click(),
    ]);
    await checkPdf(download, 'billing-distributor-invoice', [number]);

    // A manual invoice to a reseller: draft first (field errors from the API), then issue.
    await page.getByTestId('invoice-back').click();
    await page.getByTestId('invoice-new').click();
    await page.getByTestId('manual-invoice').waitFor();
    await page.getByTestId('manual-account').selectOption({ value: 'acc-reseller-standard' });
    await page.getByTestId('manual-line-0-description').fill('Onboarding workshop');
    await page.getByTestId('manual-line-0-quantity').fill('-2');
    await page.getByTestId('manual-line-0-price').fill('150.00');
    await page.getByTestId('manual-save').click();
    await page.locator('#cx-manual-1-quantity, [id^="cx-manual-"][id$="-quantity"]').first().waitFor();
    await screenshot(page, 'billing-distributor-manual-invoice-errors');
    await page.getByTestId('manual-line-0-quantity').fill('2');
    // The field's error goes once the field is edited.
    expect(await page.getByTestId('manual-line-0').locator('.cx-field-error').count()).toBe(0);
    const vat = page.locator('[data-testid^="manual-line-0-tax-"]').first();
    if (await vat.count()) await vat.check();
    await page.getByTestId('manual-add-line').click();
    await page.getByTestId('manual-line-1-description').fill('Travel');
    await page.getByTestId('manual-line-1-quantity').fill('1');
    await page.getByTestId('manual-line-1-price').fill('80');
    await screenshot(page, 'billing-distributor-manual-invoice');
    await page.getByTestId('manual-save').click();
    await page.getByTestId('invoice-detail').waitFor();
    await expect.poll(() => page.getByTestId('invoice-state').textContent()).toBe('Proforma');
    expect(await page.getByTestId('invoice-title').textContent()).toMatch(/^Draft invoice/);
    await page.getByTestId('invoice-issue').click();
    await expect.poll(() => page.getByTestId('invoice-title').textContent()).toMatch(/^Invoice \S+/);
    expect(await page.getByTestId('invoice-state').textContent()).not.toBe('Proforma');
    await screenshot(page, 'billing-distributor-manual-invoice-issued');

    // Cancel it (unpaid): confirmed first; afterwards the page says why it cannot be canceled again.
    await page.getByTestId('invoice-cancel').click();
    await page.getByTestId('cancel-dialog').waitFor();
    await dialogShot(page, 'billing-distributor-cancel-confirm');
    await page.getByTestId('cancel-confirm').click();
    await expect.poll(() => page.getByTestId('invoice-state').textContent()).toBe('Canceled');
    expect(await page.getByTestId('cancel-refusal').textContent()).toMatch(/already canceled/);
    expect(await page.getByTestId('invoice-cancel').count()).toBe(0);
    expect(await page.getByTestId('invoice-due').textContent()).toMatch(/0\.00/);
  });

  it('a reseller: balance and statement, received and issued invoices, link a payment, issue a credit note', async () => {
    const reseller = user('reseller-standard-billing');
    // A small payment by Globex that cannot settle its oldest open invoice stays on the balance.
    const api = await apiAs(reseller);
    const pay = await api('POST', '/v1/accounts/acc-customer-globex/payments', {
      amount: '1.00',
      currency: 'EUR',
      cashDeskId: 'reseller-standard-bank',
      method: 'BANK_TRANSFER',
      reference: 'E2E-LINK',
    });
    expect(pay.status).toBe(201);

    const page = await newPage();
    await openBilling(page, reseller);
    await page.getByTestId('balance-account-acc-reseller-standard').waitFor();
    await page.getByTestId('statement-from').fill('2026-01-01');
    await page.getByTestId('statement-to').fill('2026-11-30');
    await page.getByTestId('statement-show').click();
    await page.getByTestId('statement').waitFor();
    await expectStatementByNumber(page, 'DST-');
    await screenshot(page, 'billing-reseller-statement');
    const [statementPdf] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('statement-pdf').click(),
    ]);
    await checkPdf(statementPdf, 'billing-reseller-statement', [
      'STATEMENT OF ACCOUNT',
      'Standard IT Partners',
      'DST-',
    ]);

    // Received (from the distributor), then Issued (to its customers).
    expect(await page.getByTestId('direction-received').getAttribute('aria-pressed')).toBe('true');
    await gridRows(page);
    await page.getByTestId('direction-issued').click();
    await page.getByTestId('filter-status').selectOption('UNPAID');
    await page.getByTestId('filter-stage').selectOption('ISSUED');
    await gridRows(page);
    await screenshot(page, 'billing-reseller-issued');

    // Globex's open invoice: link the payment to it.
    const globex = await api(
      'GET',
      '/v1/invoices?direction=issued&status=UNPAID&stage=ISSUED&accountId=acc-customer-globex&sort=invoiceDate:desc',
    );
    const open = (globex.body.rows as { id: string; number: string }[])[0];
    expect(open).toBeDefined();
    await page.getByTestId('filter-number').fill(open!.number);
    await page.getByTestId('filter-number').press('Enter');
    await expect.poll(() => page.getByTestId('invoice-count').textContent()).toMatch(/^1 invoice$/);
    await page.locator('.ag-row[row-index="0"] .ag-cell').first().click();
    await page.getByTestId('invoice-detail').waitFor();
    await page.getByTestId('invoice-link').click();
    await page.getByTestId('link-dialog').waitFor();
    const source = page.locator('[data-testid^="link-source-"]').filter({ hasText: 'E2E-LINK' });
    await source.locator('input').check();
    await dialogShot(page, 'billing-reseller-link');
    await page.getByTestId('link-submit').click();
    await expect.poll(() => page.getByTestId('invoice-notice').textContent()).toMatch(/Linked/);
    // The payment is named by its reference, not its id.
    await page.getByTestId('invoice-links').getByText('E2E-LINK').waitFor();
    expect(await page.getByTestId('invoice-links').textContent()).not.toContain(
      (pay.body as { id: string }).id,
    );

    // A credit note for one item: the remainder shown, an impossible quantity refused beside the field.
    const before = (await page.getByTestId('invoice-creditable').textContent()) ?? '';
    await page.getByTestId('invoice-credit').click();
    await page.getByTestId('credit-dialog').waitFor();
    expect(await page.getByTestId('credit-remainder').textContent()).toBe(before);
    await page.getByTestId('credit-reason-CORRECTION').check();
    await page.getByTestId('credit-line-1-on').check();
    await page.getByTestId('credit-line-1-quantity').fill('100000');
    await page.getByTestId('credit-submit').click();
    await page.locator('#cx-credit-line-1-error').waitFor();
    await dialogShot(page, 'billing-reseller-credit-note-error');
    await page.getByTestId('credit-line-1-quantity').fill('1');
    await page.getByTestId('credit-submit').click();
    await expect
      .poll(() => page.getByTestId('invoice-notice').textContent())
      .toMatch(/Credit note of .* issued/);
    await page.getByTestId('invoice-credit-notes').waitFor();
    expect(await page.getByTestId('invoice-creditable').textContent()).not.toBe(before);
    await screenshot(page, 'billing-reseller-invoice-after-credit');

    // The Credit Notes tab lists it; open it.
    await page.getByTestId('billing-tab-credit-notes').click();
    const credits = page.getByTestId('credit-notes');
    await credits.getByTestId('direction-issued').click();
    await gridRows(page, credits);
    // Each credit note names the invoice it credits by its number.
    expect(
      await credits.locator('.ag-row[row-index="0"] [col-id="creditedInvoiceId"]').textContent(),
    ).toMatch(/^RST-\d+$/);
    await screenshot(page, 'billing-reseller-credit-notes');
    await credits.locator('.ag-row[row-index="0"] .ag-cell').first().click();
    await credits.getByTestId('invoice-detail').waitFor();
    expect(await credits.getByTestId('invoice-title').textContent()).toMatch(/^Credit note /);
  });

  it('an end customer: its balance, statement and received invoices, a PDF, and no seller actions', async () => {
    const page = await newPage();
    await openBilling(page, user('customer-acme-admin'));
    await page.getByTestId('balance-account-acc-customer-acme').waitFor();
    await page.getByTestId('statement-show').click();
    await page.getByTestId('statement').waitFor();
    await expectStatementByNumber(page, 'RST-');
    expect(await page.getByTestId('direction-issued').count()).toBe(0);
    expect(await page.getByTestId('invoice-new').count()).toBe(0);
    await gridRows(page);
    // The customer reads its seller's name (not its id) in the list and on the invoice.
    expect(await page.locator('.ag-row[row-index="0"] [col-id="issuerOrgId"]').textContent()).toBe(
      'Standard IT Partners',
    );
    await screenshot(page, 'billing-customer');
    await page.locator('.ag-row[row-index="0"] .ag-cell').first().click();
    await page.getByTestId('invoice-detail').waitFor();
    const title = (await page.getByTestId('invoice-title').textContent()) ?? '';
    expect(await page.getByTestId('invoice-detail').textContent()).toMatch(
      /from Standard IT Partners to Acme Corporation · account Acme Corporation/,
    );
    for (const action of ['invoice-issue', 'invoice-cancel', 'invoice-link', 'invoice-credit']) {
      expect(await page.getByTestId(action).count(), action).toBe(0);
    }
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('invoice-pdf').click(),
    ]);
    await checkPdf(download, 'billing-customer-invoice', [title.replace(/^(Invoice|Credit note) /, '')]);
    await screenshot(page, 'billing-customer-invoice');

    // The sub-modules are tabs: arrow keys move between them.
    await page.getByTestId('billing-tab-invoices').focus();
    await page.keyboard.press('ArrowRight');
    await expect
      .poll(() => page.getByTestId('billing-tab-credit-notes').getAttribute('aria-selected'))
      .toBe('true');
    await page.getByTestId('credit-notes').waitFor();
    await gridRows(page, page.getByTestId('credit-notes'));
    expect(
      await page
        .getByTestId('credit-notes')
        .locator('.ag-row[row-index="0"] [col-id="creditedInvoiceId"]')
        .textContent(),
    ).toMatch(/^RST-\d+$/);
    await screenshot(page, 'billing-customer-credit-notes');
  });

  it('a USER of a reseller sees its invoices but is offered none of the actions (and the API refuses them)', async () => {
    const who = user('reseller-standard-user');
    const page = await newPage();
    await openBilling(page, who);
    expect(await page.getByTestId('invoice-new').count()).toBe(0);
    await page.getByTestId('direction-issued').click();
    await page.getByTestId('filter-status').selectOption('UNPAID');
    await page.getByTestId('filter-stage').selectOption('ISSUED');
    await gridRows(page);
    await page.locator('.ag-row[row-index="0"] .ag-cell').first().click();
    await page.getByTestId('invoice-detail').waitFor();
    await page.getByTestId('invoice-items').waitFor();
    for (const action of ['invoice-issue', 'invoice-cancel', 'invoice-link', 'invoice-credit']) {
      expect(await page.getByTestId(action).count(), action).toBe(0);
    }
    await screenshot(page, 'billing-reseller-user-invoice');
    const api = await apiAs(who);
    const listed = await api('GET', '/v1/invoices?direction=issued&status=UNPAID&stage=ISSUED');
    const id = (listed.body.rows as { id: string }[])[0]!.id;
    expect((await api('POST', `/v1/invoices/${id}/cancel`, {})).status).toBe(403);
    expect((await api('POST', `/v1/invoices/${id}/credit-notes`, { amount: '1.00' })).status).toBe(403);
    expect((await api('POST', '/v1/invoices', { accountId: 'acc-customer-acme', lines: [] })).status).toBe(
      403,
    );
  });

  it('shows amounts with tax in one column when the distributor sets Amount Includes Tax', async () => {
    const admin = await apiAs(user('distributor-admin'));
    expect((await admin('PATCH', '/v1/profile-options', { amountIncludesTax: true })).status).toBe(200);
    try {
      const page = await newPage();
      await openBilling(page, user('customer-acme-admin'));
      await gridRows(page);
      const headers = await page.locator('.ag-header-cell-text').allTextContents();
      expect(headers).toContain('Amount (incl. tax)');
      expect(headers).not.toContain('Tax');
      await screenshot(page, 'billing-customer-amount-includes-tax');
      await page.locator('.ag-row[row-index="0"] .ag-cell').first().click();
      await page.getByTestId('invoice-items').getByText('Amount (incl. tax)').waitFor();
    } finally {
      expect((await admin('PATCH', '/v1/profile-options', { amountIncludesTax: false })).status).toBe(200);
    }
  });
});
