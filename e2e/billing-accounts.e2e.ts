// Billing's account side end to end (seed 000, SPEC §1, §5): a distributor, a reseller and an end
// customer each sign in to the demo, open Billing from their own menu and, in Payment Methods,
// Billing Profiles and Subscriptions: add a payment method and make it the default, remove one,
// create and edit a billing profile paying with it, create and edit a subscription (region →
// state/province list). A bad value shows the API's error beside its field; a USER is offered no
// write action at all.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, type DemoUser, screenshot, signInAs } from './support/browser';
import { useBrowserHarness } from './support/harness';

const harness = useBrowserHarness({ viewport: { width: 1280, height: 900 } });
const newPage = (): Promise<Page> => harness.newPage();

function user(id: string): DemoUser {
  const found = harness.users.find((u) => u.id === id);
  if (!found) throw new Error(`No demo user ${id}; demo users: ${harness.users.map((u) => u.id).join(', ')}`);
  return found;
}

/** Signs in and opens Billing from the user's own menu, as seed 000 describes. */
async function openBilling(page: Page, who: DemoUser): Promise<void> {
  await signInAs(page, `${harness.product.baseUrl}/sign-in`, who);
  if (who.orgKind === 'DISTRIBUTOR') {
    await page.locator('a[data-route="distributor-billing"]').click(); // Main menu → Billing
    await expect.poll(() => new URL(page.url()).pathname).toBe('/billing');
  } else {
    await page.locator('a[data-route="my-account"]').click(); // My profile → My Account → Billing
    await page.locator('a[data-route="account-billing"]').first().click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/my-account/billing');
  }
  await page.locator('[data-widget="billing"]').waitFor();
}

async function openTab(page: Page, id: 'subscriptions' | 'payment-methods' | 'billing-profiles') {
  await page.getByTestId(`billing-tab-${id}`).click();
  await page.getByTestId(id).waitFor();
  await expect
    .poll(() => page.getByTestId(`${id}-grid-count`).textContent(), { timeout: 20_000 })
    .toMatch(/^\d[\d,]* /);
}

function row(page: Page, grid: string, text: string): Locator {
  return page.getByTestId(grid).locator('.ag-row', { hasText: text });
}

/** The error shown beside a form field (FieldError under the labelled control). */
/** A modal dialog as the user sees it: the viewport, which its backdrop covers. */
async function dialogShot(page: Page, name: string): Promise<void> {
  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
}

/** At 1280 px the grid's names are shown whole (the columns share the width, text wraps; none is cut). */
async function expectNamesWhole(page: Page, grid: string): Promise<void> {
  const cut = await page
    .getByTestId(grid)
    .locator('.ag-row [col-id="name"]')
    .evaluateAll((els) =>
      els
        .filter((e) => e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1)
        .map((e) => e.textContent),
    );
  expect(cut).toEqual([]);
}

function fieldError(dialog: Locator, name: string): Locator {
  return dialog.locator(`[data-field="${name}"] .cx-field-error`);
}

interface Case {
  who: string;
  accountId: string;
  tag: string;
}

const CASES: Case[] = [
  { who: 'distributor-admin', accountId: 'acc-customer-direct', tag: 'distributor' },
  { who: 'reseller-standard-admin', accountId: 'acc-customer-globex', tag: 'reseller' },
  { who: 'customer-acme-admin', accountId: 'acc-customer-acme', tag: 'customer' },
];

describe('Billing: payment methods, billing profiles, subscriptions', () => {
  it.each(CASES)('$who does the main task of each sub-module', async ({ who, accountId, tag }) => {
    const page = await newPage();
    await openBilling(page, user(who));
    const last4 = { distributor: '1881', reseller: '2772', customer: '3663' }[tag] as string;
    const card = `VISA **** ${last4}`;

    // --- Payment Methods: add one, make it the default, remove another -----------------------------
    await openTab(page, 'payment-methods');
    await screenshot(page, `billing-accounts-${tag}-payment-methods`);
    const addCard = async (digits: string, label = 'VISA') => {
      await page.getByTestId('payment-method-new').click();
      const dialog = page.getByTestId('payment-method-dialog');
      await dialog.locator('select[name="accountId"]').selectOption(accountId);
      await dialog.locator('select[name="kind"]').selectOption('CARD');
      await dialog.locator('input[name="reference"]').fill(`tok_${tag}_${label.toLowerCase()}`);
      await dialog.locator('input[name="label"]').fill(label);
      await dialog.locator('input[name="last4"]').fill(digits);
      await dialog.locator('input[name="holderName"]').fill(`${tag} holder`);
      await dialog.locator('input[name="expires"]').fill('09/31');
      return dialog;
    };
    let dialog = await addCard('4111111111111111');
    await dialog.getByTestId('payment-method-save').click();
    // A full number never leaves the browser: refused beside the field, as the API would.
    await expect.poll(() => fieldError(dialog, 'last4').textContent()).toMatch(/full card or account number/);
    await dialog.locator('input[name="last4"]').fill(last4);
    await expect.poll(() => dialog.getByTestId('payment-method-preview').textContent()).toBe(card);
    if (tag === 'distributor') await dialogShot(page, 'billing-accounts-distributor-payment-method-form');
    await dialog.getByTestId('payment-method-save').click();
    await dialog.waitFor({ state: 'hidden' });
    await row(page, 'payment-methods-grid', card).waitFor();
    await row(page, 'payment-methods-grid', card).getByTestId('payment-method-set-default').click();
    await expect
      .poll(() => page.getByTestId('payment-methods-notice').textContent())
      .toMatch(/now the default payment method/);
    await expect
      .poll(() => row(page, 'payment-methods-grid', card).locator('.cx-lg-default').count())
      .toBe(1);

    // Removing the default is refused and says why; a spare card is removed after confirming.
    await row(page, 'payment-methods-grid', card).getByTestId('payment-method-remove').click();
    const confirm = page.getByTestId('payment-method-remove-dialog');
    await confirm.getByTestId('payment-method-remove-confirm').click();
    await expect
      .poll(() => confirm.getByTestId('payment-method-remove-error').textContent())
      .toMatch(/default/);
    if (tag === 'distributor') await dialogShot(page, 'billing-accounts-distributor-remove-refused');
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    dialog = await addCard('9090', 'MASTERCARD');
    await dialog.getByTestId('payment-method-save').click();
    await dialog.waitFor({ state: 'hidden' });
    const spare = row(page, 'payment-methods-grid', 'MASTERCARD **** 9090');
    await spare.waitFor();
    await spare.getByTestId('payment-method-remove').click();
    await confirm.getByTestId('payment-method-remove-confirm').click();
    await confirm.waitFor({ state: 'hidden' });
    await expect.poll(() => spare.count()).toBe(0);
    await screenshot(page, `billing-accounts-${tag}-payment-methods-done`);

    // --- Billing Profiles: create one paying with the new card, then edit it ------------------------
    await openTab(page, 'billing-profiles');
    const profileName = `${tag} billing office`;
    await page.getByTestId('billing-profile-new').click();
    const profile = page.getByTestId('billing-profile-dialog');
    await profile.locator('input[name="name"]').fill(profileName);
    await profile.locator('select[name="accountId"]').selectOption(accountId);
    await profile.locator('input[name="addressLine1"]').fill('Fifth Avenue 1');
    await profile.locator('input[name="postalCode"]').fill('10001');
    await profile.locator('input[name="city"]').fill('New York');
    await profile.locator('input[name="country"]').fill('US');
    await profile.locator('select[name="region"]').selectOption('US-NY');
    await profile.locator('input[name="contactName"]').fill('Accounts payable');
    await profile.locator('input[name="contactEmail"]').fill('not-an-email');
    await profile
      .locator(`select[name="paymentMethodId"] option`, { hasText: card })
      .waitFor({ state: 'attached' });
    const pmValue = await profile
      .locator('select[name="paymentMethodId"] option', { hasText: card })
      .getAttribute('value');
    await profile.locator('select[name="paymentMethodId"]').selectOption(pmValue ?? '');
    await profile.getByTestId('billing-profile-save').click();
    await expect.poll(() => fieldError(profile, 'contactEmail').textContent()).toMatch(/e-mail address/);
    if (tag === 'distributor') await dialogShot(page, 'billing-accounts-distributor-billing-profile-form');
    await profile.locator('input[name="contactEmail"]').fill(`ap@${tag}.example`);
    await profile.getByTestId('billing-profile-save').click();
    await profile.waitFor({ state: 'hidden' });
    const profileRow = row(page, 'billing-profiles-grid', profileName);
    await profileRow.waitFor();
    expect(await profileRow.locator('[col-id="paymentMethodDetails"]').textContent()).toBe(card);
    await profileRow.getByTestId('billing-profile-edit').click();
    await profile.locator('input[name="city"]').fill('Brooklyn');
    await profile.getByTestId('billing-profile-save').click();
    await profile.waitFor({ state: 'hidden' });
    await expect.poll(() => profileRow.locator('[col-id="address"]').textContent()).toMatch(/Brooklyn/);
    await expectNamesWhole(page, 'billing-profiles-grid');
    await screenshot(page, `billing-accounts-${tag}-billing-profiles`);

    // --- Subscriptions: create with region → state, then edit -----------------------------------------
    await openTab(page, 'subscriptions');
    const subName = `${tag} New York office`;
    await page.getByTestId('subscription-new').click();
    const sub = page.getByTestId('subscription-dialog');
    await sub.locator('input[name="name"]').fill(subName);
    await sub.locator('select[name="accountId"]').selectOption(accountId);
    await sub.locator('select[name="region"]').selectOption('US');
    // The state list is the region's: US states, none of Canada's provinces.
    await expect.poll(() => sub.locator('select[name="stateProvince"] option').count()).toBe(52);
    expect(await sub.locator('select[name="stateProvince"] option[value="CA-ON"]').count()).toBe(0);
    await sub.getByTestId('subscription-save').click();
    await expect.poll(() => fieldError(sub, 'stateProvince').textContent()).toMatch(/Choose a state/);
    await sub.locator('select[name="stateProvince"]').selectOption('US-NY');
    const bpValue = await sub
      .locator('select[name="billingProfileId"] option', { hasText: profileName })
      .getAttribute('value');
    await sub.locator('select[name="billingProfileId"]').selectOption(bpValue ?? '');
    if (tag === 'distributor') await dialogShot(page, 'billing-accounts-distributor-subscription-form');
    await sub.getByTestId('subscription-save').click();
    await sub.waitFor({ state: 'hidden' });
    const subRow = row(page, 'subscriptions-grid', subName);
    await subRow.waitFor();
    expect(await subRow.locator('[col-id="region"]').textContent()).toBe('New York, United States');
    expect(await subRow.locator('[col-id="billingProfileName"]').textContent()).toBe(profileName);

    await subRow.getByTestId('subscription-edit').click();
    await sub.locator('select[name="region"]').selectOption('CA');
    await expect.poll(() => sub.locator('select[name="stateProvince"]').inputValue()).toBe('');
    await sub.locator('select[name="stateProvince"]').selectOption('CA-ON');
    await sub.locator('input[name="name"]').fill(`${tag} Toronto office`);
    await sub.getByTestId('subscription-save').click();
    await sub.waitFor({ state: 'hidden' });
    const edited = row(page, 'subscriptions-grid', `${tag} Toronto office`);
    await expect.poll(() => edited.locator('[col-id="region"]').textContent()).toBe('Ontario, Canada');

    // A line: a bad quantity gets the API's error beside its field, on adding and on changing.
    await edited.locator('[col-id="name"]').click();
    const lines = sub.getByTestId('subscription-lines');
    await lines.waitFor();
    await lines
      .locator('select[name="productId"] option[value="m365-business-basic"]')
      .waitFor({ state: 'attached' });
    await lines.locator('select[name="productId"]').selectOption('m365-business-basic');
    await lines.locator('input[name="quantity"]').fill('-3');
    await lines.getByRole('button', { name: 'Add line' }).click();
    await expect.poll(() => fieldError(lines, 'quantity').textContent()).toMatch(/number of licenses/);
    await lines.locator('input[name="quantity"]').fill('10');
    await lines.getByRole('button', { name: 'Add line' }).click();
    const line = sub.locator('tr[data-line="m365-business-basic"]');
    await line.waitFor();
    await line.locator('input').fill('ten');
    await line.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => line.locator('[role="alert"]').textContent()).toMatch(/number of licenses/);
    await line.locator('input').fill('12');
    await line.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => line.getByRole('button', { name: 'Save' }).isDisabled()).toBe(true);
    await dialogShot(page, `billing-accounts-${tag}-subscription-lines`);
    await sub.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => edited.locator('[col-id="lineCount"]').textContent()).toBe('1');
    await expectNamesWhole(page, 'subscriptions-grid');
    await screenshot(page, `billing-accounts-${tag}-subscriptions`);
  });

  it('offers a USER no write action, only reading', async () => {
    const page = await newPage();
    await openBilling(page, user('customer-acme-user'));
    for (const tab of ['payment-methods', 'billing-profiles', 'subscriptions'] as const) {
      await openTab(page, tab);
      const grid = page.getByTestId(`${tab}-grid`);
      await grid.locator('.ag-row:not(.ag-row-loading)').first().waitFor();
      expect(await page.locator(`[data-testid$="-new"]`).count(), tab).toBe(0);
      expect(await grid.locator('.cx-lg-actions button').count(), tab).toBe(0);
      expect(await grid.locator('[col-id="actions"]').count(), tab).toBe(0);
      await screenshot(page, `billing-accounts-user-${tab}`);
    }
    // A subscription opens read-only: every field disabled, no Save.
    await page.getByTestId('subscriptions-grid').locator('.ag-row [col-id="name"]').first().click();
    const sub = page.getByTestId('subscription-dialog');
    await sub.getByTestId('subscription-lines').waitFor();
    expect(await sub.locator('input[name="name"]').isDisabled()).toBe(true);
    expect(await sub.getByTestId('subscription-save').count()).toBe(0);
    expect(await sub.getByRole('button', { name: 'Add line' }).count()).toBe(0);
    await screenshot(page, 'billing-accounts-user-subscription-read-only');
  });
});
