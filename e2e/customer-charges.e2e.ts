// Customer Charges in the storefront (issue 5's "done when"): a Standard reseller's ADMIN sees its
// charges, sorts, filters a column, builds an AND/OR advanced filter, hides a column, exports, and
// the downloaded workbook holds the grid's columns and the view's rows. A Light reseller and a USER
// do not get the module. The API is the oracle for rows: what the grid asked for, it must show.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Reading our own export back (a trusted file): SheetJS is fine for that.
import * as XLSX from 'xlsx';
import { pickUser, screenshot, signInAs } from './support/browser';
import { useBrowserHarness } from './support/harness';

let downloads: string;

const harness = useBrowserHarness({ viewport: { width: 1440, height: 1000 }, acceptDownloads: true });
const newPage = () => harness.newPage();

beforeAll(async () => {
  downloads = await mkdtemp(join(tmpdir(), 'cascade-e2e-downloads-'));
});

afterAll(async () => {
  if (downloads) await rm(downloads, { recursive: true, force: true });
});

const QUERY = '/api/v1/customer-charges/query';

interface QueryBody {
  startRow: number;
  endRow: number;
  sortModel: { colId: string; sort: string }[];
  filterModel: Record<string, unknown>;
  advancedFilterModel: unknown;
}

/** The next first-block query the grid sends that matches `test`. */
function nextQuery(page: Page, test: (body: QueryBody) => boolean = () => true): Promise<Request> {
  return page.waitForRequest(
    (r) => r.url().endsWith(QUERY) && r.method() === 'POST' && firstBlock(r) && test(bodyOf(r)),
    { timeout: 15_000 },
  );
}
const bodyOf = (r: Request) => JSON.parse(r.postData() ?? '{}') as QueryBody;
const firstBlock = (r: Request) => bodyOf(r).startRow === 0;

/** The grid's visible header names, in order. */
async function headers(page: Page): Promise<string[]> {
  return page.locator('.ag-header-row-column .ag-header-cell').evaluateAll((cells) =>
    cells
      .map((c) => ({
        left: c.getBoundingClientRect().left,
        text: c.querySelector('.ag-header-cell-text')?.textContent?.trim() ?? '',
      }))
      .sort((a, b) => a.left - b.left)
      .map((c) => c.text),
  );
}

/** The shown text of one column for the first `n` rendered rows, in row order. */
async function columnTexts(page: Page, colId: string, n = 20): Promise<string[]> {
  return page.evaluate(
    ({ colId, n }) => {
      const rows = [...document.querySelectorAll('.ag-row[row-index]')]
        .map((r) => ({ i: Number(r.getAttribute('row-index')), el: r }))
        .sort((a, b) => a.i - b.i)
        .slice(0, n);
      return rows.map((r) => r.el.querySelector(`.ag-cell[col-id="${colId}"]`)?.textContent?.trim() ?? '');
    },
    { colId, n },
  );
}

/** Waits until the grid shows the rows of `response` (first block), by invoice number. */
async function gridShows(
  page: Page,
  request: Request,
): Promise<{ invoiceNumber: string; [k: string]: unknown }[]> {
  const response = await request.response();
  expect(response?.status()).toBe(200);
  const page1 = (await response!.json()) as { rows: { invoiceNumber: string }[]; lastRow: number };
  const expected = page1.rows.slice(0, 10).map((r) => r.invoiceNumber);
  await expect
    .poll(() => columnTexts(page, 'invoiceNumber', expected.length), { timeout: 15_000 })
    .toEqual(expected);
  return page1.rows;
}

/** Every row of a view, straight from the API, for comparing with the export. */
async function allRows(token: string, body: Omit<QueryBody, 'startRow' | 'endRow'>) {
  const rows: Record<string, unknown>[] = [];
  for (let start = 0; ; start += 1000) {
    const response = await fetch(`${harness.product.baseUrl}${QUERY}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify({ ...body, startRow: start, endRow: start + 1000 }),
    });
    expect(response.status).toBe(200);
    const page = (await response.json()) as { rows: Record<string, unknown>[]; lastRow: number };
    rows.push(...page.rows);
    if (page.lastRow >= 0 || page.rows.length < 1000) return rows;
  }
}

async function menuLinks(page: Page): Promise<string[]> {
  await page.locator('nav[aria-label="Main navigation"]').waitFor();
  return page
    .locator('nav[aria-label="Main navigation"] a[data-route]')
    .evaluateAll((as) => as.map((a) => a.getAttribute('data-route') ?? ''));
}

describe('Customer Charges', () => {
  it('lets a Standard reseller ADMIN sort, filter, build an AND/OR filter, hide a column and export what it sees', async () => {
    const page = await newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => {
      // A failed load is checked below by its URL (the browser asks for /favicon.ico on its own).
      if (/Failed to load resource/.test(m.text())) return;
      if (m.type() === 'error' || (m.type() === 'warning' && /AG Grid/i.test(m.text())))
        errors.push(m.text());
    });
    page.on('response', (r) => {
      if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) errors.push(`${r.status()} ${r.url()}`);
    });
    const user = pickUser(
      harness.users,
      'an ADMIN of a Standard reseller',
      (u) => u.orgKind === 'RESELLER' && u.resellerTier === 'STANDARD' && u.roles.includes('ADMIN'),
    );
    // --- Sees its charges (its landing page), newest invoice first, the default columns.
    const first = nextQuery(page);
    await signInAs(page, `${harness.product.baseUrl}/sign-in`, user);
    const token = await page.evaluate(
      () => JSON.parse(sessionStorage.getItem('cascade.storefront.session') ?? '{}').token as string,
    );
    if (new URL(page.url()).pathname !== '/customer-charges') {
      await page.locator('a[data-route="customer-charges"]').click();
    }
    const firstRequest = await first;
    expect(bodyOf(firstRequest).sortModel).toEqual([{ colId: 'invoiceNumber', sort: 'desc' }]);
    const firstRows = await gridShows(page, firstRequest);
    expect(firstRows.length).toBeGreaterThan(3);
    expect(await headers(page)).toEqual([
      'Invoice',
      'Invoice date',
      'Type',
      'Customer',
      'Description',
      'Start date',
      'End date',
      'Unit cost price',
      'Unit sell price',
      'Quantity',
      'Unit',
      'Total cost price',
      'Total sell price',
    ]);
    expect(
      await page.locator('[role="columnheader"][col-id="invoiceNumber"]').getAttribute('aria-sort'),
    ).toBe('descending');
    // The invoice is a link to the distributor's invoice page; money is formatted in its currency.
    const link = page.locator('.ag-row[row-index="0"] [col-id="invoiceNumber"] a');
    const invoiceUrl = firstRows[0]?.invoiceUrl;
    if (typeof invoiceUrl === 'string') {
      expect(await link.getAttribute('href')).toBe(new URL(invoiceUrl, harness.product.baseUrl).href);
    }
    const total = await page.locator('.ag-row[row-index="0"] [col-id="totalSellPrice"]').textContent();
    expect(total).toMatch(/\d/);
    expect(total).not.toBe(firstRows[0]?.totalSellPrice);
    await screenshot(page, 'customer-charges-grid');

    // --- Sorts: a header click sorts ascending, a second click descending.
    let sorted = nextQuery(page, (b) => b.sortModel[0]?.colId === 'customer');
    await page.locator('[role="columnheader"][col-id="customer"] .ag-header-cell-label').click();
    let request = await sorted;
    expect(bodyOf(request).sortModel).toEqual([{ colId: 'customer', sort: 'asc' }]);
    await gridShows(page, request);
    sorted = nextQuery(page, (b) => b.sortModel[0]?.sort === 'desc' && b.sortModel[0]?.colId === 'customer');
    await page.locator('[role="columnheader"][col-id="customer"] .ag-header-cell-label').click();
    request = await sorted;
    const byCustomerDesc = await gridShows(page, request);
    expect(await page.locator('[role="columnheader"][col-id="customer"]').getAttribute('aria-sort')).toBe(
      'descending',
    );

    // --- Filters a column: part of a customer's name in the floating filter.
    const customer = String(byCustomerDesc[0]?.customer ?? '');
    const needle = customer.split(/\s+/)[0]!.slice(0, 5);
    const filtered = nextQuery(page, (b) => 'customer' in b.filterModel);
    await page.locator('.ag-floating-filter[col-id="customer"] input').fill(needle);
    request = await filtered;
    expect(bodyOf(request).filterModel).toEqual({
      customer: { filterType: 'text', type: 'contains', filter: needle },
    });
    const rowsFiltered = await gridShows(page, request);
    expect(rowsFiltered.every((r) => String(r.customer).toLowerCase().includes(needle.toLowerCase()))).toBe(
      true,
    );
    await page
      .getByTestId('filter-summary')
      .filter({ hasText: `Customer contains “${needle}”` })
      .waitFor();
    await screenshot(page, 'customer-charges-column-filter');

    // --- Builds an AND/OR advanced filter: the column filter is there; add (Type is Debit OR Quantity ≥ 1).
    await page.getByTestId('open-advanced-filter').click();
    const dialog = page.getByTestId('advanced-filter-dialog');
    await dialog.waitFor();
    expect(await dialog.getByTestId('filter-condition').count()).toBe(1);
    expect(
      await dialog.locator('[data-testid="filter-condition"] select[aria-label="Column"]').inputValue(),
    ).toBe('customer');
    await dialog.getByTestId('add-group').last().click();
    const group = dialog.getByTestId('filter-group');
    await group.waitFor();
    const groupConditions = group.getByTestId('filter-condition');
    await groupConditions.first().locator('select[aria-label="Column"]').selectOption('type');
    await groupConditions.first().locator('select[aria-label="Value"]').selectOption('DEBIT');
    await group.getByTestId('add-condition').click();
    await groupConditions.nth(1).locator('select[aria-label="Column"]').selectOption('quantity');
    await groupConditions.nth(1).locator('select[aria-label="Operator"]').selectOption('greaterThanOrEqual');
    // An invalid value is named, and Apply waits for a valid one.
    await groupConditions.nth(1).locator('input[aria-label="Value"]').fill('abc');
    await dialog.getByTestId('dialog-apply').click();
    await dialog.getByText('Enter a number, like 12 or 2.5.').waitFor();
    await groupConditions.nth(1).locator('input[aria-label="Value"]').fill('1');
    await screenshot(page, 'customer-charges-advanced-filter');
    // Keyboard: focus stays in the dialog.
    for (let i = 0; i < 25; i++) await page.keyboard.press('Tab');
    expect(await page.evaluate(() => !!document.activeElement?.closest('dialog'))).toBe(true);

    const advanced = nextQuery(
      page,
      (b) => b.advancedFilterModel !== null && b.advancedFilterModel !== undefined,
    );
    await dialog.getByTestId('dialog-apply').click();
    request = await advanced;
    expect(bodyOf(request).filterModel).toEqual({});
    expect(bodyOf(request).advancedFilterModel).toEqual({
      filterType: 'join',
      type: 'AND',
      conditions: [
        { colId: 'customer', filterType: 'text', type: 'contains', filter: needle },
        {
          filterType: 'join',
          type: 'OR',
          conditions: [
            { colId: 'type', filterType: 'text', type: 'equals', filter: 'DEBIT' },
            { colId: 'quantity', filterType: 'number', type: 'greaterThanOrEqual', filter: 1 },
          ],
        },
      ],
    });
    const rowsAdvanced = await gridShows(page, request);
    for (const r of rowsAdvanced) {
      expect(String(r.customer).toLowerCase()).toContain(needle.toLowerCase());
      expect(r.type === 'DEBIT' || Number(r.quantity) >= 1).toBe(true);
    }
    await expect.poll(() => dialog.isVisible()).toBe(false);
    await page
      .getByTestId('filter-summary')
      .filter({ hasText: `Customer contains “${needle}” AND (Type is Debit OR Quantity ≥ 1)` })
      .waitFor();

    // Escape closes the dialog without applying anything.
    await page.getByTestId('open-advanced-filter').click();
    await dialog.waitFor();
    await dialog.getByTestId('add-condition').first().click();
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.isVisible()).toBe(false);
    expect(await page.getByTestId('filter-count').textContent()).toBe('3');

    // --- Hides a column (Column tab) and shows a hidden one.
    await page.getByTestId('open-advanced-filter').click();
    await dialog.getByTestId('tab-column').click();
    await dialog.locator('input[data-col-id="description"]').uncheck();
    await dialog.locator('input[data-col-id="productName"]').check();
    await screenshot(page, 'customer-charges-columns-tab');
    await dialog.getByTestId('dialog-apply').click();
    await expect.poll(() => headers(page)).not.toContain('Description');

    // --- Drags a header: Customer becomes the first column (and the export follows).
    const from = await page.locator('[role="columnheader"][col-id="customer"]').boundingBox();
    const to = await page.locator('[role="columnheader"][col-id="invoiceNumber"]').boundingBox();
    await page.mouse.move(from!.x + 30, from!.y + from!.height / 2);
    await page.mouse.down();
    await page.mouse.move(from!.x + 10, from!.y + from!.height / 2, { steps: 5 });
    await page.mouse.move(to!.x + 5, to!.y + to!.height / 2, { steps: 20 });
    await page.mouse.up();
    await expect.poll(async () => (await headers(page))[0]).toBe('Customer');
    const shown = await headers(page);
    expect(shown).toContain('Product name');
    expect(shown).not.toContain('Product type');
    await screenshot(page, 'customer-charges-filtered');

    // --- Exports: the file has the grid's columns in order (+ Currency) and every row of the view.
    const view = bodyOf(request);
    const download = page.waitForEvent('download');
    await page.getByTestId('export').click();
    const file = await download;
    expect(file.suggestedFilename()).toBe('Customer Charges.xlsx');
    const path = join(downloads, file.suggestedFilename());
    await file.saveAs(path);
    await page.getByTestId('export-status').filter({ hasText: 'Saved “Customer Charges.xlsx”' }).waitFor();
    await screenshot(page, 'customer-charges-exported');

    const workbook = XLSX.read(await readFile(path), { type: 'buffer', cellDates: false });
    const sheet = workbook.Sheets[workbook.SheetNames[0]!]!;
    const table = XLSX.utils.sheet_to_json<unknown[]>(sheet, { header: 1, raw: true });
    const [headerRow, ...dataRows] = table;
    expect(headerRow).toEqual([...shown, 'Currency']);
    const expectedRows = await allRows(token, {
      sortModel: view.sortModel,
      filterModel: view.filterModel,
      advancedFilterModel: view.advancedFilterModel,
    });
    expect(dataRows.length).toBe(expectedRows.length);
    const invoiceCol = shown.indexOf('Invoice');
    const customerCol = shown.indexOf('Customer');
    expect(dataRows.map((r) => r[invoiceCol])).toEqual(expectedRows.map((r) => r.invoiceNumber));
    expect(dataRows.map((r) => r[customerCol])).toEqual(expectedRows.map((r) => r.customer));
    expect(dataRows.map((r) => r[shown.length])).toEqual(expectedRows.map((r) => r.currency));
    // The grid's first rows read the same as the file's.
    const gridCustomers = await columnTexts(page, 'customer', Math.min(10, dataRows.length));
    expect(gridCustomers).toEqual(dataRows.slice(0, gridCustomers.length).map((r) => String(r[customerCol])));

    // CSV too.
    await page.locator('select[aria-label="Export format"]').selectOption('csv');
    const csvDownload = page.waitForEvent('download');
    await page.getByTestId('export').click();
    const csv = await csvDownload;
    expect(csv.suggestedFilename()).toBe('Customer Charges.csv');
    const csvPath = join(downloads, csv.suggestedFilename());
    await csv.saveAs(csvPath);
    const csvText = (await readFile(csvPath, 'utf8')).replace(/^\uFEFF/, '');
    expect(csvText.split(/\r?\n/)[0]).toBe([...shown, 'Currency'].join(','));

    expect(errors).toEqual([]);
  });

  it('filters Debit/Credit, cancels an export, shows an empty state and the API’s message when a request fails', async () => {
    const page = await newPage();
    const user = pickUser(
      harness.users,
      'a MARKETPLACE_MANAGER or ADMIN of a Standard reseller',
      (u) =>
        u.orgKind === 'RESELLER' &&
        u.resellerTier === 'STANDARD' &&
        (u.roles.includes('MARKETPLACE_MANAGER') || u.roles.includes('ADMIN')),
    );
    const first = nextQuery(page);
    await signInAs(page, `${harness.product.baseUrl}/sign-in`, user);
    if (new URL(page.url()).pathname !== '/customer-charges') {
      await page.locator('a[data-route="customer-charges"]').click();
    }
    await gridShows(page, await first);

    // The Debit/Credit filter: the choice above the column, and the checkboxes in its pop-up.
    const credit = nextQuery(page, (b) => 'type' in b.filterModel);
    await page.locator('.ag-floating-filter[col-id="type"] select').selectOption('CREDIT');
    const creditRequest = await credit;
    expect(bodyOf(creditRequest).filterModel).toEqual({ type: { filterType: 'set', values: ['CREDIT'] } });
    const credits = await gridShows(page, creditRequest);
    expect(credits.every((r) => r.type === 'CREDIT')).toBe(true);
    await expect.poll(() => columnTexts(page, 'type', credits.length)).toEqual(credits.map(() => 'Credit'));
    await page.locator('.ag-floating-filter[col-id="type"] button').click();
    await page.getByTestId('type-filter-credit').waitFor();
    expect(await page.getByTestId('type-filter-credit').isChecked()).toBe(true);
    expect(await page.getByTestId('type-filter-debit').isChecked()).toBe(false);
    await screenshot(page, 'customer-charges-type-filter');
    const both = nextQuery(page, (b) => !('type' in b.filterModel));
    await page.getByTestId('type-filter-debit').check();
    await both;
    await page.keyboard.press('Escape');

    // An export can be canceled while it runs.
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    await page.route('**/api/v1/customer-charges/export', async (route) => {
      await held;
      await route.abort().catch(() => {});
    });
    await page.getByTestId('export').click();
    await page.getByTestId('export-cancel').click();
    await page.getByTestId('export-status').filter({ hasText: 'Export canceled' }).waitFor();
    await page.getByTestId('export').waitFor();
    release();
    await page.unroute('**/api/v1/customer-charges/export');

    await page.locator('.ag-floating-filter[col-id="customer"] input').fill('zzzz-no-such-customer-zzzz');
    await page.getByTestId('grid-empty').waitFor();
    await screenshot(page, 'customer-charges-empty');

    await page.route(`**${QUERY}`, (route) =>
      route.fulfill({
        status: 400,
        contentType: 'application/json',
        body: JSON.stringify({
          error: { code: 'validation_failed', message: 'Invalid grid request: filterModel.customer' },
        }),
      }),
    );
    await page.locator('.ag-floating-filter[col-id="customer"] input').fill('other');
    await page
      .getByTestId('grid-error')
      .filter({ hasText: 'Invalid grid request: filterModel.customer' })
      .waitFor();
    await screenshot(page, 'customer-charges-error');
  });

  it('is not offered to a Light reseller nor to a USER', async () => {
    const light = pickUser(
      harness.users,
      'a user of a Light reseller',
      (u) => u.orgKind === 'RESELLER' && u.resellerTier === 'LIGHT',
    );
    const plain = pickUser(
      harness.users,
      'a USER of a Standard reseller',
      (u) =>
        u.orgKind === 'RESELLER' &&
        u.resellerTier === 'STANDARD' &&
        !u.roles.includes('ADMIN') &&
        !u.roles.includes('MARKETPLACE_MANAGER'),
    );
    for (const user of [light, plain]) {
      const page = await newPage();
      await signInAs(page, `${harness.product.baseUrl}/sign-in`, user);
      expect(await menuLinks(page)).not.toContain('customer-charges');
      await page.goto(`${harness.product.baseUrl}/customer-charges`);
      await page.locator('nav[aria-label="Main navigation"]').waitFor();
      expect(await page.locator('[data-widget="customer-charges"]').count()).toBe(0);
    }
  });
});
