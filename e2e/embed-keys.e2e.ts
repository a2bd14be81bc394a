// Embedding's API keys in the storefront (issue 8): a Standard reseller's ADMIN creates a key and
// sees its secret once, the key mints a token from a server (Node fetch) until the ADMIN revokes it
// in the screen, then the same call gets 401; a USER has no menu entry, no page and no API.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { pickUser, screenshot, signInAs } from './support/browser';
import { useBrowserHarness } from './support/harness';

const harness = useBrowserHarness({ viewport: { width: 1280, height: 900 } });
const PORTAL = 'https://portal.example.com';

/** The storefront's API token of the signed-in user, as the page keeps it. */
async function tokenOf(page: Page): Promise<string> {
  const raw = await page.evaluate(() => sessionStorage.getItem('cascade.storefront.session'));
  const token = raw ? (JSON.parse(raw) as { token?: string }).token : undefined;
  if (!token) throw new Error('no storefront session in sessionStorage');
  return token;
}

/** What a portal's server does: trade the secret key for an embed token. */
async function mint(
  secret: string,
  userId: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${harness.product.baseUrl}/api/v1/embed/sessions`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${secret}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ userId, widgets: ['customer-charges', 'billing'], origins: [PORTAL] }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** The page fits the viewport's width: nothing pushes it sideways. */
const fitsWidth = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth);

const menuLinks = (page: Page) => page.locator('nav[aria-label="Main navigation"] a').allTextContents();

describe('storefront Embedding (API keys)', () => {
  it('lets a Standard reseller ADMIN create a key, see its secret once, use it, and revoke it', async () => {
    const admin = pickUser(
      harness.users,
      'an ADMIN of a Standard reseller',
      (u) => u.orgKind === 'RESELLER' && u.resellerTier === 'STANDARD' && u.roles.includes('ADMIN'),
    );
    const page = await harness.newPage();
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], {
      origin: harness.product.baseUrl,
    });
    await signInAs(page, `${harness.product.baseUrl}/sign-in`, admin);

    // My profile → My Account → Embedding, by keyboard.
    const entry = page.locator('a[data-route="account-embedding"]');
    expect((await entry.textContent())?.trim()).toBe('Embedding');
    await entry.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => new URL(page.url()).pathname).toBe('/my-account/embedding');
    await expect.poll(() => page.locator('h1').textContent()).toBe('Embedding');
    expect(await page.locator('nav[aria-label="Breadcrumb"] li').allTextContents()).toEqual([
      'My profile',
      'My Account',
      'Embedding',
    ]);
    const table = page.getByTestId('embed-keys');
    await table.waitFor();
    const before = await table.locator('tbody tr').count();
    const howto = page.getByTestId('embed-howto');
    expect(await howto.textContent()).toContain(`${harness.product.baseUrl}/api/v1/embed/sessions`);
    expect(await fitsWidth(page)).toBe(true);
    await screenshot(page, 'embed-keys-list');

    // The form names bad fields and creates nothing.
    await page.getByTestId('embed-create').click();
    const dialog = page.getByTestId('embed-create-dialog');
    await dialog.getByLabel('Name').waitFor();
    await dialog.getByLabel('Allowed origins').fill(`${PORTAL}/path\n*\nhttp://portal.example.com`);
    await page.getByTestId('embed-create-save').click();
    const nameError = dialog.locator('[data-field="name"] .cx-field-error');
    const originsError = dialog.locator('[data-field="allowedOrigins"] .cx-field-error');
    expect(await nameError.textContent()).toMatch(/Enter a name/);
    const originsText = (await originsError.textContent()) ?? '';
    expect(originsText).toMatch(
      /Line 1 .*exactly scheme:\/\/host\[:port\].*did you mean https:\/\/portal\.example\.com/,
    );
    expect(originsText).toMatch(/Line 2 \(\*\)/);
    expect(originsText).toMatch(/Line 3 .*https/);
    expect(await dialog.getByLabel('Name').getAttribute('aria-invalid')).toBe('true');
    await screenshot(page, 'embed-keys-create-errors');

    // Fixed, it is created; the secret is shown once, with a copy button and a warning.
    await dialog.getByLabel('Name').fill('E2E partner portal');
    await dialog.getByLabel('Allowed origins').fill(`${PORTAL}\n\nhttp://localhost:9999\n`);
    await dialog.getByLabel('Name').press('Enter');
    const secretDialog = page.getByTestId('embed-secret-dialog');
    const secretInput = page.getByTestId('embed-secret');
    await secretInput.waitFor();
    const secret = await secretInput.inputValue();
    expect(secret).toMatch(/^ck_[a-z0-9]{12}\.[A-Za-z0-9_-]{43}$/);
    const prefix = secret.split('.')[0] ?? '';
    expect(await secretDialog.textContent()).toMatch(/only time .* shown/);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('embed-copy');
    await page.keyboard.press('Enter');
    await expect.poll(() => secretDialog.textContent()).toContain('Copied to the clipboard.');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
    await screenshot(page, 'embed-keys-secret-once');
    await page.getByTestId('embed-secret-done').click();
    await expect.poll(() => secretInput.count()).toBe(0);
    expect(await page.getByTestId('embed-notice').textContent()).toContain('E2E partner portal');
    // Focus lands on what happened, not on the page's top.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe(
      'embed-notice',
    );

    const row = page.locator(`tr[data-key-prefix="${prefix}"]`);
    expect(await row.locator('th').textContent()).toBe('E2E partner portal');
    expect(await row.locator('td').nth(1).textContent()).toContain(PORTAL);
    expect(await row.locator('td').nth(1).textContent()).toContain('http://localhost:9999');
    expect((await row.getByTestId('key-status').textContent())?.trim()).toBe('Active');

    // After a reload only the prefix is left: the secret is nowhere in the page.
    await page.reload();
    await row.waitFor();
    expect(await table.locator('tbody tr').count()).toBe(before + 1);
    expect(await page.content()).not.toContain(secret.split('.')[1]);
    expect(await row.getByTestId('key-prefix').textContent()).toBe(prefix);
    await screenshot(page, 'embed-keys-after-reload');

    // The portal's server uses it (Node fetch): a token; afterwards it shows as used.
    const minted = await mint(secret, admin.id);
    expect(minted.status, JSON.stringify(minted.body)).toBe(200);
    expect(minted.body.token).toEqual(expect.any(String));
    await page.reload();
    await row.waitFor();
    expect(await row.locator('td').nth(3).textContent()).not.toBe('Never');

    // Revoked in the screen, with a confirmation that says what happens; then the mint is refused.
    await row.getByTestId('key-revoke').click();
    const confirm = page.getByTestId('embed-revoke-dialog');
    await confirm.getByText('stops working at once').waitFor();
    // The safe choice has the focus: Enter there would cancel, not revoke.
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid')))
      .toBe('embed-revoke-cancel');
    expect(await confirm.textContent()).toContain(prefix);
    await screenshot(page, 'embed-keys-revoke-confirm');
    await page.getByTestId('embed-revoke-confirm').click();
    await expect.poll(() => row.getByTestId('key-status').textContent()).toMatch(/^\s*Revoked/);
    expect(await row.getByTestId('key-revoke').count()).toBe(0);
    expect(await fitsWidth(page)).toBe(true);
    await screenshot(page, 'embed-keys-revoked');

    const refused = await mint(secret, admin.id);
    expect(refused.status).toBe(401);
    expect(JSON.stringify(refused.body)).toMatch(/revoked/);
  });

  it('gives a distributor ADMIN Main menu → Embedding, with its own (empty) list', async () => {
    const admin = pickUser(
      harness.users,
      'a distributor ADMIN',
      (u) => u.orgKind === 'DISTRIBUTOR' && u.roles.includes('ADMIN'),
    );
    const page = await harness.newPage();
    await signInAs(page, `${harness.product.baseUrl}/sign-in`, admin);
    await page.locator('a[data-route="account-embedding"]').click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Embedding');
    expect(await page.locator('nav[aria-label="Breadcrumb"] li').allTextContents()).toEqual([
      'Main menu',
      'Embedding',
    ]);
    await page.getByTestId('embed-empty').waitFor();
    // By keyboard: Enter opens the form with the cursor in Name, Escape closes it, nothing made.
    await page.getByTestId('embed-create').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('embed-create-dialog').getByLabel('Name').waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('name');
    await page.keyboard.type('Half-typed');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('embed-create-dialog').getByLabel('Name').count()).toBe(0);
    expect(await page.getByTestId('embed-empty').count()).toBe(1);
    // A distributor's pages show Billing only (Customer Charges is a Standard reseller's).
    const code = (await page.getByTestId('embed-howto').textContent()) ?? '';
    expect(code).toContain("widgets: ['billing']");
    expect(code).toContain('CASCADE_API_KEY=ck_….…');
    expect(await fitsWidth(page)).toBe(true);
    await screenshot(page, 'embed-keys-distributor-empty');
  });

  it('keeps the menu entry, the page and the API from a USER', async () => {
    const user = pickUser(
      harness.users,
      'a USER of a Standard reseller',
      (u) =>
        u.orgKind === 'RESELLER' &&
        u.resellerTier === 'STANDARD' &&
        u.roles.length === 1 &&
        u.roles.includes('USER'),
    );
    const page = await harness.newPage();
    await signInAs(page, `${harness.product.baseUrl}/sign-in`, user);
    await page.locator('a[data-route="my-account"]').waitFor();
    expect(await menuLinks(page)).not.toContain('Embedding');
    expect(await page.locator('a[data-route="account-embedding"]').count()).toBe(0);

    await page.goto(`${harness.product.baseUrl}/my-account/embedding`);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Not available to you');
    expect(new URL(page.url()).pathname).toBe('/not-available');
    expect(await page.getByTestId('embed-keys').count()).toBe(0);
    await screenshot(page, 'embed-keys-user-denied');

    const response = await fetch(`${harness.product.baseUrl}/api/v1/embed/keys`, {
      headers: { Authorization: `Bearer ${await tokenOf(page)}` },
    });
    expect(response.status).toBe(403);
  });
});
