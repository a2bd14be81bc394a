// What every browser-test file sets up: the product on a free port, Chromium, the demo users, and
// fresh pages whose uncaught errors and console errors fail the test that caused them (AG Grid
// reports a missing module only on the console, so a grid that silently lost a feature shows up).
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { type DemoUser, demoUsers, launchChromium } from './browser';
import { type RunningProduct, startProduct } from './server';

/** Console errors a test provokes on purpose: the browser's own line for a refused request. */
const EXPECTED_CONSOLE = [/^Failed to load resource: the server responded with a status of 4\d\d/];

export interface BrowserHarness {
  readonly product: RunningProduct;
  readonly browser: Browser;
  readonly users: DemoUser[];
  /** A page in a new browser context (closed after the test). */
  newPage(options?: BrowserContextOptions): Promise<Page>;
  /** Errors seen so far in this test's pages; the harness fails the test if any remain at its end. */
  readonly pageErrors: string[];
}

export function useBrowserHarness(defaults: BrowserContextOptions = {}): BrowserHarness {
  let product: RunningProduct | undefined;
  let browser: Browser | undefined;
  let users: DemoUser[] = [];
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    product = await startProduct();
    browser = await launchChromium();
    users = await demoUsers(product.baseUrl);
  });

  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((c) => c.close()));
    const errors = pageErrors.splice(0);
    expect(errors, 'errors in the browser during this test').toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await product?.stop();
  });

  const required = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is not ready (use it inside a test)`);
    return value;
  };

  return {
    get product() {
      return required(product, 'The product');
    },
    get browser() {
      return required(browser, 'Chromium');
    },
    get users() {
      return users;
    },
    pageErrors,
    async newPage(options = {}) {
      const context = await required(browser, 'Chromium').newContext({
        viewport: { width: 1280, height: 800 },
        ...defaults,
        ...options,
      });
      contexts.push(context);
      const page = await context.newPage();
      page.on('pageerror', (error) => pageErrors.push(`page error: ${error.message}`));
      page.on('console', (message) => {
        if (message.type() !== 'error') return;
        const text = message.text();
        if (!EXPECTED_CONSOLE.some((pattern) => pattern.test(text))) pageErrors.push(`console: ${text}`);
      });
      return page;
    },
  };
}
