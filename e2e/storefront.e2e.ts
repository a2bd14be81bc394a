import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { pickUser, screenshot, signInAs } from './support/browser';
import { useBrowserHarness } from './support/harness';

const harness = useBrowserHarness({ viewport: { width: 1280, height: 800 } });
const newPage = () => harness.newPage();

/** The left menu as "Section > Link" lines, nested links as "Section > Link > Child". */
async function menuOf(page: Page): Promise<string[]> {
  await page.locator('nav[aria-label="Main navigation"]').waitFor();
  return page.evaluate(() => {
    const lines: string[] = [];
    for (const section of document.querySelectorAll('nav[aria-label="Main navigation"] section')) {
      const heading = section.querySelector('h2')?.textContent?.trim() ?? '';
      for (const item of section.querySelectorAll(':scope > ul > li')) {
        const link = item.querySelector(':scope > a')?.textContent?.trim() ?? '';
        lines.push(`${heading} > ${link}`);
        for (const child of item.querySelectorAll(':scope > ul > li > a')) {
          lines.push(`${heading} > ${link} > ${child.textContent?.trim()}`);
        }
      }
    }
    return lines;
  });
}

const PROFILE_MENU = ['My profile > My Account', 'My profile > My Account > Billing'];
/** An ADMIN of a reseller also manages embedding's API keys (issue 8). */
const ADMIN_PROFILE_MENU = [...PROFILE_MENU, 'My profile > My Account > Embedding'];

describe('storefront', () => {
  it('lists the demo users grouped by organization, usable with the keyboard', async () => {
    const page = await newPage();
    await page.goto(`${harness.product.baseUrl}/`);
    await expect.poll(() => page.url()).toContain('/sign-in');
    await page.locator('button[data-user-id]').first().waitFor();
    const groups = await page.locator('section[data-org-id] h2').allTextContents();
    expect(groups.length).toBe(new Set(harness.users.map((u) => u.orgId)).size);
    expect(groups[0]).toMatch(/Distributor/);
    await screenshot(page, 'storefront-sign-in');

    const distributor = pickUser(harness.users, 'a distributor user', (u) => u.orgKind === 'DISTRIBUTOR');
    await page.locator(`button[data-user-id="${distributor.id}"]`).focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('current-user').filter({ hasText: distributor.name }).waitFor();
  });

  it('gives a distributor Main menu → Billing', async () => {
    const page = await newPage();
    const user = pickUser(
      harness.users,
      'a distributor ADMIN',
      (u) => u.orgKind === 'DISTRIBUTOR' && u.roles.includes('ADMIN'),
    );
    await signInAs(page, `${harness.product.baseUrl}/sign-in`, user);
    expect(await menuOf(page)).toEqual(['Main menu > Billing', 'Main menu > Embedding']);
    await expect.poll(() => new URL(page.url()).pathname).toBe('/billing');
    await expect.poll(() => page.locator('h1').textContent()).toBe('Billing');
    expect(await page.getByTestId('org-name').first().textContent()).toBe(user.orgName);
    expect(await page.locator('[data-module="billing"]').count()).toBe(1);
    await screenshot(page, 'storefront-distributor-billing');
  });

  it('gives an ADMIN of a Standard partner Customer Charges and My profile → My Account → Billing', async () => {
    const page = await newPage();
    const user = pickUser(
      harness.users,
      'an ADMIN of a Standard reseller',
      (u) => u.orgKind === 'RESELLER' && u.resellerTier === 'STANDARD' && u.roles.includes('ADMIN'),
    );
    await signInAs(page, `${harness.product.baseUrl}/sign-in`, user);
    expect(await menuOf(page)).toEqual(['Main > Customer Charges', ...ADMIN_PROFILE_MENU]);

    await page.locator('a[data-route="my-account"]').click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('My Account');
    await page.getByRole('heading', { name: 'Account details' }).waitFor();
    expect(await page.getByTestId('org-name').first().textContent()).toBe(user.orgName);
    expect(await page.getByTestId('org-kind').first().textContent()).toBe('Partner · Standard');
    await screenshot(page, 'storefront-partner-my-account');

    await page.locator('a[data-route="account-billing"]').first().click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/my-account/billing');
    expect(await page.locator('nav[aria-label="Breadcrumb"] li').allTextContents()).toEqual([
      'My profile',
      'My Account',
      'Billing',
    ]);

    await page.locator('a[data-route="customer-charges"]').click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Customer Charges');
    await screenshot(page, 'storefront-partner-customer-charges');
  });

  it('shows no Customer Charges to a USER of a Standard partner, nor lets one open it', async () => {
    const page = await newPage();
    const user = pickUser(
      harness.users,
      'a USER of a Standard reseller',
      (u) =>
        u.orgKind === 'RESELLER' &&
        u.resellerTier === 'STANDARD' &&
        !u.roles.includes('ADMIN') &&
        !u.roles.includes('MARKETPLACE_MANAGER'),
    );
    await signInAs(page, `${harness.product.baseUrl}/sign-in`, user);
    expect(await menuOf(page)).toEqual(PROFILE_MENU);
    await page.goto(`${harness.product.baseUrl}/customer-charges`);
    await page.getByRole('heading', { name: 'Not available to you' }).waitFor();
    await screenshot(page, 'storefront-partner-user-denied');
  });

  it('shows no Customer Charges to a Light partner', async () => {
    const page = await newPage();
    const user = pickUser(
      harness.users,
      'a user of a Light reseller',
      (u) => u.orgKind === 'RESELLER' && u.resellerTier === 'LIGHT',
    );
    await signInAs(page, `${harness.product.baseUrl}/sign-in`, user);
    expect(await menuOf(page)).toEqual(user.roles.includes('ADMIN') ? ADMIN_PROFILE_MENU : PROFILE_MENU);
    expect(await page.getByTestId('org-kind').first().textContent()).toBe('Partner · Light');
  });

  it('gives a customer My profile → My Account → Billing, and signs out', async () => {
    const page = await newPage();
    const user = pickUser(harness.users, 'an end customer user', (u) => u.orgKind === 'CUSTOMER');
    await signInAs(page, `${harness.product.baseUrl}/sign-in`, user);
    expect(await menuOf(page)).toEqual(PROFILE_MENU);
    await page.locator('a[data-route="account-billing"]').click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Billing');
    await screenshot(page, 'storefront-customer-billing');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to the storefront' }).waitFor();
    await page.goto(`${harness.product.baseUrl}/my-account`);
    await expect.poll(() => new URL(page.url()).pathname).toBe('/sign-in');
  });

  it('ends a session the API no longer accepts and says so on the sign-in page', async () => {
    const page = await newPage();
    const user = pickUser(harness.users, 'an end customer user', (u) => u.orgKind === 'CUSTOMER');
    await signInAs(page, `${harness.product.baseUrl}/sign-in`, user);
    // The stored token goes bad (as an expired one would); the next load finds out from the API.
    // It is spoiled before the app's scripts run on that load: spoiling it from the running page
    // would race the page's own in-flight `/me` refresh, which writes the good token back.
    await page.addInitScript(() => {
      const key = 'cascade.storefront.session';
      const stored = JSON.parse(sessionStorage.getItem(key) ?? '{}');
      if (stored.token) {
        sessionStorage.setItem(key, JSON.stringify({ ...stored, token: 'not-a-valid-token' }));
      }
    });
    await page.goto(`${harness.product.baseUrl}/my-account`);
    await expect.poll(() => new URL(page.url()).pathname).toBe('/sign-in');
    await page.getByRole('heading', { name: 'Sign in to the storefront' }).waitFor();
    const notice = page.locator('.cx-alert--warning');
    await notice.waitFor();
    expect((await notice.textContent())?.trim()).not.toBe('');
    expect(new URL(page.url()).searchParams.get('next')).toBe('/my-account');
  });
});
