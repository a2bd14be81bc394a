import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { pickUser, screenshot, signInAs } from './support/browser';
import { useBrowserHarness } from './support/harness';

const harness = useBrowserHarness({ viewport: { width: 1280, height: 800 } });
const newPage = () => harness.newPage();

const distributorAdmin = () =>
  pickUser(
    harness.users,
    'a distributor ADMIN',
    (u) => u.orgKind === 'DISTRIBUTOR' && u.roles.includes('ADMIN'),
  );

const row = (page: Page, code: string) => page.locator(`tr[data-code="${code}"]`);

describe('admin SPA', () => {
  it('shows a distributor ADMIN the locked invoice types and statuses, and only screens that work', async () => {
    const page = await newPage();
    await signInAs(page, `${harness.product.baseUrl}/admin/`, distributorAdmin());
    await expect.poll(() => new URL(page.url()).pathname).toBe('/admin/invoice-types');
    expect(await page.locator('nav[aria-label="Main navigation"] a').allTextContents()).toEqual([
      'Invoice types',
      'Invoice statuses',
      'Billing profile options',
      'Billing runs',
      'Customer Charges schedule',
      'Audit log',
    ]);
    await row(page, 'DEBIT').waitFor();
    expect(
      await page.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-code'))),
    ).toEqual(expect.arrayContaining(['DEBIT', 'CREDIT']));
    expect(
      await row(page, 'CREDIT')
        .getByRole('img', { name: /locked/ })
        .count(),
    ).toBe(1);
    await screenshot(page, 'admin-invoice-types');

    await page.locator('a[data-route="invoice-statuses"]').click();
    await row(page, 'PAID').waitFor();
    expect(await page.locator('tbody tr').count()).toBe(3);
    // Nothing but the description can be edited: one Edit button per row, no add or delete.
    expect(await page.getByRole('button', { name: /^Edit description of/ }).count()).toBe(3);
    expect(await page.getByRole('button', { name: /add|new|create|delete|remove/i }).count()).toBe(0);
  });

  it('edits a status description and keeps it; the API field error shows beside the field', async () => {
    const page = await newPage();
    await signInAs(page, `${harness.product.baseUrl}/admin/invoice-statuses`, distributorAdmin());
    await expect.poll(() => new URL(page.url()).pathname).toBe('/admin/invoice-statuses');
    const paid = row(page, 'PAID');
    const before = await paid.getByTestId('description').textContent();

    // An empty description: the API refuses it, naming the field; the message shows beside it.
    await paid.getByRole('button', { name: 'Edit description of Paid' }).click();
    const input = paid.getByRole('textbox', { name: 'Description of Paid' });
    await input.fill('   ');
    await input.press('Enter');
    const error = paid.locator('.cx-field-error');
    await error.waitFor();
    expect((await error.textContent())?.trim()).not.toBe('');
    expect(await input.getAttribute('aria-invalid')).toBe('true');
    await screenshot(page, 'admin-invoice-status-field-error');

    // Escape cancels; nothing changed.
    await input.press('Escape');
    expect(await paid.getByTestId('description').textContent()).toBe(before);

    const text = `Paid in full (e2e ${Date.now()})`;
    await paid.getByRole('button', { name: 'Edit description of Paid' }).click();
    await input.fill(text);
    await paid.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => paid.getByTestId('description').textContent()).toBe(text);
    await page
      .getByRole('status')
      .filter({ hasText: 'Description of Paid saved.' })
      .waitFor({ state: 'attached' });
    await screenshot(page, 'admin-invoice-status-saved');

    await page.reload();
    await expect.poll(() => row(page, 'PAID').getByTestId('description').textContent()).toBe(text);
  });

  it('shows the descriptions read-only to a distributor user who is not an ADMIN', async () => {
    const page = await newPage();
    const user = pickUser(
      harness.users,
      'a distributor user without ADMIN',
      (u) => u.orgKind === 'DISTRIBUTOR' && !u.roles.includes('ADMIN'),
    );
    await signInAs(page, `${harness.product.baseUrl}/admin/invoice-types`, user);
    await row(page, 'DEBIT').waitFor();
    await page.getByTestId('read-only-note').waitFor();
    expect(await page.getByRole('button', { name: /^Edit description of/ }).count()).toBe(0);
  });

  it('changes a billing profile option, refusing a minimum vacation above the maximum, and shows its history', async () => {
    const page = await newPage();
    await signInAs(page, `${harness.product.baseUrl}/admin/profile-options`, distributorAdmin());
    const option = (key: string) => page.locator(`[data-option="${key}"]`);
    await option('monthDefinition').waitFor();
    expect(await page.locator('section h2').allTextContents()).toEqual([
      'Invoicing',
      'Taxes',
      'Proration & periods',
      'Disconnection & transfer',
      'Payments',
      'Documents & storage',
      'Vacations',
      'Revenue',
    ]);
    // Each option has its own control, its help and its default.
    expect(await option('amountIncludesTax').getByRole('switch').count()).toBe(1);
    expect(await option('monthDefinition').getByRole('combobox').count()).toBe(1);
    expect(await option('minimumVacationDays').getByRole('spinbutton').count()).toBe(1);
    expect(await option('soaFilePath').getByRole('textbox').count()).toBe(1);
    expect(await option('monthDefinition').textContent()).toContain('Default: Calendar days of the month');

    // Minimum above maximum: refused before sending, the message beside the minimum.
    const min = page.getByLabel('Minimum Vacation Days');
    const max = page.getByLabel('Maximum Vacation Days');
    await min.fill('30');
    await max.fill('10');
    await page.getByRole('button', { name: 'Save options' }).click();
    await option('minimumVacationDays').locator('.cx-field-error').waitFor();
    expect(await min.getAttribute('aria-invalid')).toBe('true');
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.id))
      .toBe('option-minimumVacationDays');
    await option('minimumVacationDays').scrollIntoViewIfNeeded();
    await screenshot(page, 'admin-profile-options-field-error');
    await page.getByRole('button', { name: 'Discard changes' }).click();

    // Change the month definition with the keyboard, save, and see who changed it from what to what.
    const select = page.getByLabel('Month Definition');
    const before = await select.inputValue();
    const after = before === 'CALDAYS' ? '30_DAYS' : 'CALDAYS';
    await select.focus();
    await select.selectOption(after);
    await page.getByRole('button', { name: 'Save options' }).click();
    await page.getByRole('status').filter({ hasText: '1 option saved.' }).waitFor({ state: 'attached' });
    const history = option('monthDefinition').getByTestId('history');
    await history.locator('summary').click();
    const entry = history.getByTestId('history-entry').first();
    await entry.waitFor();
    expect(await entry.textContent()).toContain(distributorAdmin().name);
    expect(await entry.textContent()).toContain('→');
    await option('monthDefinition').scrollIntoViewIfNeeded();
    await screenshot(page, 'admin-profile-options-history');

    await page.reload();
    await expect.poll(() => page.getByLabel('Month Definition').inputValue()).toBe(after);
  });

  it('refuses an Invoice PDF File Path that cannot be written, the message beside the field', async () => {
    // Download an invoice PDF through the API: it lands at <Invoice PDF File Path>/distributor/<number>.pdf,
    // a file where the form is then asked to put the folder.
    const api = async (path: string, init: RequestInit = {}) => {
      const res = await fetch(`${harness.product.baseUrl}${path}`, init);
      expect(res.status, path).toBe(200);
      return res;
    };
    const { token } = (await (
      await api('/api/v1/auth/demo-sign-in', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ userId: distributorAdmin().id }),
      })
    ).json()) as { token: string };
    const auth = { headers: { Authorization: `Bearer ${token}` } };
    const { rows } = (await (
      await api('/api/v1/invoices?direction=issued&stage=ISSUED&startRow=0&endRow=1', auth)
    ).json()) as { rows: { id: string; number: string }[] };
    const pdf = await api(`/api/v1/invoices/${rows[0]!.id}/pdf`, auth);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const { options } = (await (await api('/api/v1/profile-options', auth)).json()) as {
      options: { invoicePdfFilePath: string };
    };
    const blocked = `${options.invoicePdfFilePath}/distributor/${rows[0]!.number}.pdf`;

    const page = await newPage();
    await signInAs(page, `${harness.product.baseUrl}/admin/profile-options`, distributorAdmin());
    const field = page.getByLabel('Invoice PDF File Path');
    await field.fill(blocked);
    await page.getByRole('button', { name: 'Save options' }).click();
    const error = page.locator('[data-option="invoicePdfFilePath"] .cx-field-error');
    await error.waitFor();
    expect(await error.textContent()).toContain('a file is in the way');
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    await page.locator('[data-option="invoicePdfFilePath"]').scrollIntoViewIfNeeded();
    await screenshot(page, 'admin-profile-options-storage-error');
    await page.reload();
    await expect
      .poll(() => page.getByLabel('Invoice PDF File Path').inputValue())
      .toBe(options.invoicePdfFilePath);
  });

  it('shows the billing profile options read-only to a distributor user who is not an ADMIN', async () => {
    const page = await newPage();
    const user = pickUser(
      harness.users,
      'a distributor user without ADMIN',
      (u) => u.orgKind === 'DISTRIBUTOR' && !u.roles.includes('ADMIN'),
    );
    await signInAs(page, `${harness.product.baseUrl}/admin/profile-options`, user);
    await page.getByTestId('read-only-note').waitFor();
    expect(await page.getByLabel('Month Definition').isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Save options' }).count()).toBe(0);
  });

  it("changes an option and sees the engine's preview change with it", { timeout: 180_000 }, async () => {
    const page = await newPage();
    await signInAs(page, `${harness.product.baseUrl}/admin/billing-runs`, distributorAdmin());
    const previewInvoices = async (): Promise<number> => {
      await page.getByRole('heading', { name: 'Past runs' }).waitFor();
      // Two months due (December 2026 and January 2027): two invoices per account per channel,
      // or one when consolidated.
      await page.getByLabel('Invoice date').fill('2027-01-01');
      await page.getByRole('button', { name: 'Preview' }).click();
      await page.getByTestId('preview').getByTestId('preview-row').first().waitFor({ timeout: 60_000 });
      return page.getByTestId('preview').getByTestId('preview-row').count();
    };
    const setInvoiceGenerationRule = async (value: string) => {
      await page.goto(`${harness.product.baseUrl}/admin/profile-options`);
      const select = page.getByLabel('Invoice Generation Rule');
      await select.waitFor();
      await select.selectOption(value);
      await page.getByRole('button', { name: 'Save options' }).click();
      await page.getByRole('status').filter({ hasText: '1 option saved.' }).waitFor({ state: 'attached' });
      await page.goto(`${harness.product.baseUrl}/admin/billing-runs`);
    };

    // One invoice per billing period (the default), then one invoice per account for the run.
    const perPeriod = await previewInvoices();
    await setInvoiceGenerationRule('CONSOLIDATED');
    const consolidated = await previewInvoices();
    expect(consolidated).toBeGreaterThan(0);
    expect(consolidated).toBeLessThan(perPeriod);
    await screenshot(page, 'admin-billing-run-preview-consolidated');

    await setInvoiceGenerationRule('BILLING_PERIOD_WISE');
    expect(await previewInvoices()).toBe(perPeriod);
  });

  it('previews a billing run for a date, starts it and watches it finish', { timeout: 180_000 }, async () => {
    const page = await newPage();
    await signInAs(page, `${harness.product.baseUrl}/admin/billing-runs`, distributorAdmin());
    await page.getByRole('heading', { name: 'Past runs' }).waitFor();
    // The demo year's invoices end on 2026-11-30: the next month is due.
    const date = page.getByLabel('Invoice date');
    await date.fill('2026-12-01');
    const start = page.getByRole('button', { name: 'Start billing run' });
    expect(await start.isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Preview' }).click();
    const preview = page.getByTestId('preview');
    await preview.getByTestId('preview-row').first().waitFor({ timeout: 60_000 });
    expect(await preview.getByTestId('preview-total').count()).toBeGreaterThan(0);
    await screenshot(page, 'admin-billing-run-preview');

    await start.click();
    const status = page.getByTestId('run-status');
    await expect
      .poll(() => status.textContent(), { timeout: 150_000, interval: 500 })
      .toMatch(/Completed|Failed/);
    expect(await status.textContent()).toBe('Completed');
    const issued = page.getByTestId('run-issued');
    expect(await issued.textContent()).toMatch(/[1-9]\d* invoices? issued/);
    expect(await page.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('100');
    await page.getByTestId('run-row').first().waitFor();
    expect(await page.getByTestId('run-row').first().textContent()).toContain('Completed');
    await screenshot(page, 'admin-billing-run-finished');
  });

  it('searches the audit log, and refuses a backwards day range beside the field', async () => {
    const page = await newPage();
    // Two audited option changes to find.
    await signInAs(page, `${harness.product.baseUrl}/admin/profile-options`, distributorAdmin());
    const tax = page.getByLabel('Enable Tax Aggregation');
    await tax.waitFor();
    for (let i = 0; i < 2; i++) {
      await tax.press('Space');
      await page.getByRole('button', { name: 'Save options' }).click();
      await page.getByRole('status').filter({ hasText: '1 option saved.' }).waitFor({ state: 'attached' });
    }
    await page.locator('a[data-route="audit"]').click();
    await page.getByTestId('audit-row').first().waitFor();

    const search = page.getByRole('searchbox', { name: 'Search' });
    await search.fill('enableTaxAggregation');
    await search.press('Enter');
    await expect.poll(() => page.getByTestId('audit-row').count()).toBe(2);
    expect(await page.getByTestId('audit-row').first().textContent()).toContain('enableTaxAggregation');
    expect(await page.getByTestId('audit-row').first().textContent()).toContain(distributorAdmin().name);
    await screenshot(page, 'admin-audit-search');

    await search.fill('no such words anywhere');
    await search.press('Enter');
    await page.getByTestId('audit-empty').waitFor();

    // A first day after the last: refused beside the field.
    await search.fill('');
    await page.getByLabel('From').fill('2026-02-01');
    await page.getByLabel('To').fill('2026-01-01');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.locator('#audit-from-error').waitFor();
    await screenshot(page, 'admin-audit-field-error');
  });

  it("runs a Standard reseller's Customer Charges sync now and shows the row's new last run", {
    timeout: 120_000,
  }, async () => {
    const page = await newPage();
    await signInAs(page, `${harness.product.baseUrl}/admin/`, distributorAdmin());
    await page.locator('a[data-route="customer-charges-schedule"]').click();
    const reseller = page.locator('tr[data-reseller="reseller-standard"]');
    await reseller.waitFor();
    expect(await reseller.getByTestId('local-now').textContent()).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    expect(await reseller.getByTestId('next-run').textContent()).not.toBe('');
    const before = await reseller.getByTestId('last-run').textContent();

    const runNow = reseller.getByRole('button', { name: /^Run the sync of .* now$/ });
    await runNow.click();
    const outcome = reseller.getByTestId('sync-outcome');
    await outcome.waitFor({ timeout: 90_000 });
    expect(await outcome.textContent()).toMatch(/Synced: [\d,]+ rows?\./);
    // The row is refreshed from the schedule: the run just made is its last run.
    await expect.poll(() => reseller.getByTestId('last-run').textContent()).not.toBe(before);
    expect(await reseller.getByTestId('last-run').textContent()).toContain('Succeeded');
    const rows = (await outcome.textContent())?.match(/Synced: ([\d,]+ rows?)/)?.[1];
    expect(await reseller.getByTestId('last-run-rows').textContent()).toBe(rows);
    expect(await runNow.isEnabled()).toBe(true);
    await screenshot(page, 'admin-customer-charges-schedule');
  });

  it('shows the sync schedule read-only to a distributor user who is not an ADMIN', async () => {
    const page = await newPage();
    const user = pickUser(
      harness.users,
      'a distributor user without ADMIN',
      (u) => u.orgKind === 'DISTRIBUTOR' && !u.roles.includes('ADMIN'),
    );
    await signInAs(page, `${harness.product.baseUrl}/admin/customer-charges-schedule`, user);
    await page.getByTestId('read-only-note').waitFor();
    await page.locator('tr[data-reseller="reseller-standard"]').waitFor();
    expect(await page.getByRole('button', { name: /Run the sync/ }).count()).toBe(0);
  });

  it('tells a partner clearly that the admin console is for distributors', async () => {
    const page = await newPage();
    const user = pickUser(harness.users, 'a reseller user', (u) => u.orgKind === 'RESELLER');
    await signInAs(page, `${harness.product.baseUrl}/admin/`, user);
    await page.getByRole('heading', { name: 'The admin console is for distributors' }).waitFor();
    expect(await page.locator('nav[aria-label="Main navigation"]').count()).toBe(0);
    await page.goto(`${harness.product.baseUrl}/admin/invoice-types`);
    await page.getByRole('heading', { name: 'The admin console is for distributors' }).waitFor();
    await screenshot(page, 'admin-partner-no-access');
  });
});
