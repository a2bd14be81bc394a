// Embedding (issue 8's "done when"): the third-party portal demo that `pnpm start` runs on another
// port opens in Chromium; both widgets render in the portal's theme and its aggressive global CSS
// does not reach them; a short-lived token expires and is replaced without the user noticing; a
// page on another origin gets an error event and no data; a revoked key stops new tokens.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RunningPortal, startPortal } from '../apps/third-party-portal/src/server';
import { launchChromium, screenshot } from './support/browser';
import { freePort, type RunningProduct, startProduct } from './support/server';

/** Short enough to watch a token expire in a test: refreshed after 6 s, expired after 12 s. */
const TOKEN_TTL = 12;
const DEMO_KEY = 'ck_demoportal01.demo-portal-secret-not-for-production-0001';
const QUERY = '/api/v1/customer-charges/query';

let product: RunningProduct;
let browser: Browser;
let portalUrl: string;
let apiUrl: string;
let context: BrowserContext | undefined;
const extraPortals: RunningPortal[] = [];

beforeAll(async () => {
  // `pnpm start`'s own portal demo, on a port of ours and with short tokens.
  const portalPort = await freePort();
  process.env.PORTAL_PORT = String(portalPort);
  process.env.PORTAL_TOKEN_TTL = String(TOKEN_TTL);
  product = await startProduct();
  apiUrl = `${product.baseUrl.replace('127.0.0.1', 'localhost')}/api`;
  portalUrl = `http://localhost:${portalPort}`;
  const page = await fetch(`${portalUrl}/`);
  expect(page.status, product.output()).toBe(200);
  browser = await launchChromium();
});

afterEach(async () => {
  await context?.close();
  context = undefined;
});

afterAll(async () => {
  await browser?.close();
  for (const p of extraPortals) await p.close();
  await product?.stop();
  delete process.env.PORTAL_PORT;
  delete process.env.PORTAL_TOKEN_TTL;
});

interface Watched {
  page: Page;
  /** The `cascade:*` events the page saw, in order. */
  events(): Promise<{ type: string; detail: Record<string, unknown> }[]>;
  /** Token requests to the portal's host server, and the Customer Charges queries to the API. */
  tokenCalls: number[];
  queries: { status: number; token: string }[];
}

async function open(url: string): Promise<Watched> {
  context = await browser.newContext({ viewport: { width: 1280, height: 1100 } });
  const page = await context.newPage();
  // Record every cascade:* event from the first moment, before the portal's own script runs.
  await page.addInitScript(() => {
    const seen: unknown[] = [];
    (window as unknown as { __cascadeEvents: unknown[] }).__cascadeEvents = seen;
    for (const type of [
      'cascade:ready',
      'cascade:error',
      'cascade:invoice-open',
      'cascade:export-complete',
    ]) {
      document.addEventListener(type, (e) => seen.push({ type, detail: (e as CustomEvent).detail }));
    }
  });
  const watched: Watched = {
    page,
    events: () => page.evaluate(() => (window as unknown as { __cascadeEvents: never[] }).__cascadeEvents),
    tokenCalls: [],
    queries: [],
  };
  page.on('request', (r) => {
    if (r.url().endsWith('/token') && r.method() === 'POST') watched.tokenCalls.push(Date.now());
  });
  page.on('response', (r) => {
    const req = r.request();
    if (req.url().endsWith(QUERY) && req.method() === 'POST') {
      watched.queries.push({ status: r.status(), token: req.headers().authorization ?? '' });
    }
  });
  await page.goto(url);
  return watched;
}

const charges = (page: Page) => page.locator('cascade-customer-charges');
/**
 * The Customer Charges grid's first row that holds data. The infinite row model shows loading rows
 * (`ag-row-loading`) before its first block arrives and then replaces them, so a plain `.ag-row`
 * can be one that is about to leave the page.
 */
const loadedRow = (page: Page) => charges(page).locator('.ag-row:not(.ag-row-loading)').first();
const billing = (page: Page) => page.locator('cascade-billing');

/** Computed style properties of the first element matching `selector` (Playwright pierces shadow roots). */
async function styleOf(page: Page, selector: string, props: string[]): Promise<Record<string, string>> {
  return page
    .locator(selector)
    .first()
    .evaluate((el, names) => {
      const cs = getComputedStyle(el);
      return Object.fromEntries(names.map((n) => [n, cs.getPropertyValue(n)]));
    }, props);
}

async function apiCall(method: string, path: string, token?: string, body?: unknown) {
  const res = await fetch(`${product.baseUrl}/api${path}`, {
    method,
    headers: {
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...(body ? { 'Content-Type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function resellerAdminToken(): Promise<string> {
  const res = await apiCall('POST', '/v1/auth/demo-sign-in', undefined, {
    userId: 'reseller-standard-admin',
  });
  expect(res.status).toBe(200);
  return res.body.token as string;
}

describe('the third-party portal demo', () => {
  it("renders both widgets in the portal's theme; its global CSS does not reach them", async () => {
    const { page, events } = await open(`${portalUrl}/`);
    await loadedRow(page).waitFor({ timeout: 20_000 });
    await billing(page).locator('[data-widget], button').first().waitFor({ timeout: 20_000 });
    await expect.poll(async () => (await events()).filter((e) => e.type === 'cascade:ready').length).toBe(2);

    // The portal's CSS is loud on its own page…
    expect(await styleOf(page, 'h1', ['text-transform', 'font-family'])).toMatchObject({
      'text-transform': 'uppercase',
      'font-family': expect.stringMatching(/Comic Sans/),
    });
    // …and absent inside the widgets, which wear the portal's theme variables instead.
    const exportButton = await styleOf(page, 'cascade-customer-charges [data-testid="export"]', [
      'background-color',
      'color',
      'font-family',
      'text-transform',
      'letter-spacing',
      'border-top-style',
    ]);
    expect(exportButton).toEqual({
      'background-color': 'rgb(11, 122, 92)',
      color: 'rgb(255, 255, 255)',
      'font-family': expect.stringMatching(/^Georgia/),
      'text-transform': 'none',
      'letter-spacing': 'normal',
      'border-top-style': 'solid',
    });
    // Polled: the grid may replace a row's cells between finding one and reading its style (a
    // cell out of the page has no computed style).
    await expect
      .poll(() =>
        styleOf(page, 'cascade-customer-charges .ag-row:not(.ag-row-loading) .ag-cell', [
          'font-family',
          'text-transform',
        ]),
      )
      .toEqual({ 'font-family': expect.stringMatching(/^Georgia/), 'text-transform': 'none' });
    const billingText = await styleOf(
      page,
      'cascade-billing h2, cascade-billing h3, cascade-billing button',
      ['font-family', 'text-transform', 'letter-spacing'],
    );
    expect(billingText).toEqual({
      'font-family': expect.stringMatching(/^Georgia/),
      'text-transform': 'none',
      'letter-spacing': 'normal',
    });
    // The radius variable reaches the widget's own controls.
    expect(
      (await styleOf(page, 'cascade-customer-charges [data-testid="export"]', ['border-top-left-radius']))[
        'border-top-left-radius'
      ],
    ).not.toBe('0px');

    // AG Grid's theme lives in the shadow root; nothing of Cascade's went into the page's <head>.
    const placement = await page.evaluate(() => {
      const root = document.querySelector('cascade-customer-charges')?.shadowRoot;
      const inShadow = [...(root?.querySelectorAll('style') ?? [])].some((s) =>
        s.textContent?.includes('.ag-'),
      );
      const inHead = [...document.querySelectorAll('head style')].some((s) =>
        s.textContent?.includes('.ag-'),
      );
      return { inShadow, inHead, adopted: root?.adoptedStyleSheets.length ?? 0 };
    });
    expect(placement).toEqual({ inShadow: true, inHead: false, adopted: 1 });
    await screenshot(page, 'embed-portal');

    // Invoice links lead to Cascade's site (not the portal's), and tell the page through an event.
    const link = charges(page).locator('a.cc-invoice-link').first();
    const apiOrigin = new URL(apiUrl).origin;
    expect(await link.getAttribute('href')).toMatch(new RegExp(`^${apiOrigin}/`));
    const popup = page.waitForEvent('popup');
    await link.click();
    await (await popup).close();
    // The export streams cross-origin (its file name read from an exposed header) and says when done.
    const download = page.waitForEvent('download');
    await charges(page).getByTestId('export').click();
    expect((await download).suggestedFilename()).toMatch(/\.xlsx$/);
    await expect.poll(async () => (await events()).map((e) => e.type)).toContain('cascade:export-complete');
    const seen = await events();
    expect(seen.find((e) => e.type === 'cascade:invoice-open')?.detail).toMatchObject({
      invoiceNumber: expect.stringMatching(/^DST-/),
      invoiceUrl: expect.stringMatching(new RegExp(`^${apiOrigin}/`)),
    });
    expect(seen.find((e) => e.type === 'cascade:export-complete')?.detail).toMatchObject({
      format: 'xlsx',
      fileName: expect.stringMatching(/\.xlsx$/),
      bytes: expect.any(Number),
    });

    // Themes change at run time: the portal's dark mode switches the variables.
    await page.click('#scheme-toggle');
    await expect
      .poll(
        async () =>
          (await styleOf(page, 'cascade-customer-charges [data-testid="export"]', ['background-color']))[
            'background-color'
          ],
      )
      .toBe('rgb(79, 209, 165)');
    expect(
      (await styleOf(page, 'cascade-customer-charges .cascade-root', ['color-scheme']))['color-scheme'],
    ).toBe('dark');
    await screenshot(page, 'embed-portal-dark');
    expect((await events()).filter((e) => e.type === 'cascade:error')).toEqual([]);
  });

  it('works the same from the classic script build', async () => {
    const { page, events } = await open(`${portalUrl}/classic`);
    await loadedRow(page).waitFor({ timeout: 20_000 });
    await expect.poll(async () => (await events()).filter((e) => e.type === 'cascade:ready').length).toBe(2);
    const scripts = await page.evaluate(() => [...document.scripts].map((s) => s.type || 'classic'));
    expect(scripts).toContain('classic');
  });

  it('replaces an expiring token before it expires, without the user noticing', async () => {
    const { page, events, tokenCalls, queries } = await open(`${portalUrl}/`);
    await loadedRow(page).waitFor({ timeout: 20_000 });
    await expect.poll(() => queries.length).toBeGreaterThan(0);
    const firstToken = queries[0]?.token;
    expect(firstToken).toMatch(/^Bearer /);
    const initialCalls = tokenCalls.length; // one per element
    // Past the first token's expiry: the elements fetched new ones on their own, in the background.
    await page.waitForTimeout((TOKEN_TTL + 2) * 1000);
    expect(tokenCalls.length).toBeGreaterThanOrEqual(initialCalls + 2);
    // The grid keeps working with a new token: sort by invoice date.
    const next = page.waitForResponse((r) => r.url().endsWith(QUERY) && r.request().method() === 'POST');
    await charges(page).locator('.ag-header-cell[col-id="invoiceDate"] .ag-header-cell-label').click();
    const answer = await next;
    expect(answer.status()).toBe(200);
    expect(answer.request().headers().authorization).not.toBe(firstToken);
    await loadedRow(page).waitFor();
    expect(queries.every((q) => q.status === 200)).toBe(true);

    // A 401 (say, a token the API no longer takes): one new token, the request again, no fuss.
    let refused = 0;
    let refusedToken = '';
    await page.route(`${apiUrl}/v1/customer-charges/query`, async (route) => {
      if (refused > 0 || route.request().method() !== 'POST') return route.continue();
      refused += 1;
      refusedToken = route.request().headers().authorization ?? '';
      return route.fulfill({
        status: 401,
        headers: { 'Access-Control-Allow-Origin': portalUrl, 'Content-Type': 'application/json' },
        body: JSON.stringify({ error: { code: 'unauthorized', message: 'Invalid token: it has expired' } }),
      });
    });
    const callsBefore = tokenCalls.length;
    const retried = page.waitForResponse((r) => r.url().endsWith(QUERY) && r.status() === 200);
    await charges(page).locator('.ag-header-cell[col-id="invoiceDate"] .ag-header-cell-label').click();
    const ok = await retried;
    await loadedRow(page).waitFor();
    expect(refused).toBe(1);
    expect(tokenCalls.length).toBeGreaterThan(callsBefore);
    expect(ok.request().headers().authorization).not.toBe(refusedToken);

    expect((await events()).filter((e) => e.type === 'cascade:error')).toEqual([]);
    expect(await charges(page).getByTestId('grid-error').count()).toBe(0);
  });
});

describe('refusals', () => {
  it('refuses a page on another origin: an error event, never data', async () => {
    // A copycat page on another origin, whose server gets tokens for the real portal's origin
    // (a leaked token, in effect), and another whose server asks for its own origin.
    const copycatPort = await freePort();
    const copycat = await startPortal({
      port: copycatPort,
      apiUrl,
      apiKey: DEMO_KEY,
      userId: 'reseller-standard-admin',
      origins: [portalUrl],
    });
    extraPortals.push(copycat);
    const { page, events, queries } = await open(`http://localhost:${copycatPort}/`);
    await expect
      .poll(async () => (await events()).filter((e) => e.type === 'cascade:error').map((e) => e.detail.code))
      .toContain('origin_not_allowed');
    await expect
      .poll(() => charges(page).getByTestId('cascade-error').textContent())
      .toMatch(/not an allowed origin/);
    expect(await charges(page).locator('.ag-row').count()).toBe(0);

    // The token itself, used from this page directly, is refused by the browser's CORS check…
    const token = (await (
      await fetch(`${portalUrl}/token`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ widgets: ['customer-charges'] }),
      })
    ).json()) as { token: string };
    const direct = await page.evaluate(
      async ({ url, token }) => {
        try {
          const r = await fetch(url, {
            method: 'POST',
            headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
            body: JSON.stringify({ startRow: 0, endRow: 10 }),
          });
          return `status ${r.status}`;
        } catch (error) {
          return `refused: ${String(error)}`;
        }
      },
      { url: `${apiUrl}/v1/customer-charges/query`, token: token.token },
    );
    expect(direct).toMatch(/^refused/);
    // …and by the API itself (what a non-browser client sending that Origin gets).
    const server = await fetch(`${apiUrl}/v1/customer-charges/query`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${token.token}`,
        'Content-Type': 'application/json',
        Origin: `http://localhost:${copycatPort}`,
      },
      body: JSON.stringify({ startRow: 0, endRow: 10 }),
    });
    expect(server.status).toBe(403);
    expect(queries.filter((q) => q.status === 200)).toEqual([]);
    await screenshot(page, 'embed-other-origin');

    // A portal whose key does not allow its origin gets no token at all.
    const strangerPort = await freePort();
    extraPortals.push(
      await startPortal({
        port: strangerPort,
        apiUrl,
        apiKey: DEMO_KEY,
        userId: 'reseller-standard-admin',
        origins: [`http://localhost:${strangerPort}`],
      }),
    );
    const stranger = await open(`http://localhost:${strangerPort}/`);
    await expect
      .poll(async () =>
        (await stranger.events()).filter((e) => e.type === 'cascade:error').map((e) => e.detail.message),
      )
      .toContainEqual(expect.stringMatching(/Not an allowed origin of this API key/));
    expect(stranger.queries).toEqual([]);
  });

  it('stops new tokens once the key is revoked, and the page says so', async () => {
    const admin = await resellerAdminToken();
    const port = await freePort();
    const origin = `http://localhost:${port}`;
    const created = await apiCall('POST', '/v1/embed/keys', admin, {
      name: 'Revoked portal',
      allowedOrigins: [origin],
    });
    expect(created.status).toBe(201);
    const key = created.body as { key: { id: string }; secret: string };
    const portal = await startPortal({
      port,
      apiUrl,
      apiKey: key.secret,
      userId: 'reseller-standard-admin',
      origins: [origin],
      ttlSeconds: 60,
    });
    extraPortals.push(portal);
    const { page, events } = await open(`${origin}/`);
    await loadedRow(page).waitFor({ timeout: 20_000 });

    expect((await apiCall('DELETE', `/v1/embed/keys/${key.key.id}`, admin)).status).toBe(200);
    // The token in hand stops at once; the element asks for a new one and cannot get it.
    await charges(page).locator('.ag-header-cell[col-id="invoiceDate"] .ag-header-cell-label').click();
    await expect
      .poll(async () =>
        (await events()).filter((e) => e.type === 'cascade:error').map((e) => e.detail.message),
      )
      .toContainEqual(expect.stringMatching(/revoked/));
    await expect.poll(() => page.locator('#portal-alert').textContent()).toMatch(/revoked/);
    await screenshot(page, 'embed-revoked');

    // A fresh page load gets no token, hence no widget and no data.
    const again = await open(`${origin}/`);
    await expect
      .poll(() => charges(again.page).getByTestId('cascade-error').textContent())
      .toMatch(/revoked/);
    expect(again.queries).toEqual([]);
    const minted = await fetch(`${apiUrl}/v1/embed/sessions`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${key.secret}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ userId: 'reseller-standard-admin', widgets: ['billing'], origins: [origin] }),
    });
    expect(minted.status).toBe(401);
  });
});
