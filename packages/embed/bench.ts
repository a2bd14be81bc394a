// `pnpm bench` (or `tsx packages/embed/bench.ts`): the embed script's weight and how fast the
// embedded grid shows its first rows, one JSON line per figure.
//   1. gzip size of what a page loads for <cascade-customer-charges>: the classic script (one
//      file, both elements) and the ES module path (entry + the chunks Customer Charges needs).
//   2. first rows visible, from navigation to the first grid row, in headless Chromium on
//      localhost: the third-party portal demo (embedded, cross-origin, token fetched first) side by
//      side with the storefront's own Customer Charges page (the baseline), median of a few loads.
// Builds the embed script when it is missing. The storefront must be built (`pnpm build`) for the
// baseline; without it that figure is skipped.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { launchChromium } from '../../e2e/support/browser';
import { freePort, repoRoot, startProduct } from '../../e2e/support/server';

const here = dirname(fileURLToPath(import.meta.url));
const DIST = join(here, 'dist');
const LIMIT_KB = 350;
const FIRST_ROWS_TARGET_MS = 1000;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

const log = (msg: string) => process.stderr.write(`${msg}\n`);
const emit = (figure: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(figure)}\n`);
const kb = (bytes: number) => Number((bytes / 1024).toFixed(1));
const gz = (file: string) => gzipSync(readFileSync(file), { level: 9 }).length;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

/** The chunks a chunk imports statically (`import … from "./x.js"`, `import "./x.js"`), transitively. */
function staticClosure(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const code = readFileSync(file, 'utf8');
  for (const m of code.matchAll(/(?:\bfrom|\bimport)\s*["'](\.{1,2}\/[^"']+\.js)["']/g)) {
    staticClosure(join(dirname(file), m[1] as string), seen);
  }
  return seen;
}

function sizes() {
  if (!existsSync(join(DIST, 'cascade-embed.iife.js')) || !existsSync(join(DIST, 'cascade-embed.js'))) {
    log('building the embed script…');
    execFileSync('pnpm', ['--filter', '@cascade/embed', 'build'], { cwd: repoRoot, stdio: 'ignore' });
  }
  const classic = gz(join(DIST, 'cascade-embed.iife.js'));
  emit({
    figure: 'embed script gzip, classic script (both elements, Vue, Pinia, AG Grid)',
    kb: kb(classic),
    limitKb: LIMIT_KB,
    ok: classic <= LIMIT_KB * 1024,
  });
  const chunks = readdirSync(join(DIST, 'chunks'));
  const charges = chunks.find((f) => /^CustomerCharges-.*\.js$/.test(f));
  if (!charges) throw new Error('no CustomerCharges chunk in dist/chunks');
  const files = new Set([
    ...staticClosure(join(DIST, 'cascade-embed.js')),
    ...staticClosure(join(DIST, 'chunks', charges)),
  ]);
  const module = [...files].reduce((sum, f) => sum + gz(f), 0);
  emit({
    figure: 'embed script gzip, <cascade-customer-charges> as ES module (entry + its chunks)',
    kb: kb(module),
    files: files.size,
    limitKb: LIMIT_KB,
    ok: module <= LIMIT_KB * 1024,
  });
}

/** From navigation to the first grid row on screen, in ms. */
async function firstRows(page: Page, url: string, row: string): Promise<number> {
  const t0 = performance.now();
  await page.goto(url, { waitUntil: 'commit' });
  await page.locator(row).first().waitFor({ state: 'visible', timeout: 30_000 });
  return Math.round(performance.now() - t0);
}

async function timings() {
  const portalPort = await freePort();
  process.env.PORTAL_PORT = String(portalPort);
  const product = await startProduct();
  const browser = await launchChromium();
  try {
    const portal = `http://localhost:${portalPort}/`;
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await firstRows(page, portal, 'cascade-customer-charges .ag-row'); // warm-up: caches, JIT
    const embedded: number[] = [];
    for (let i = 0; i < RUNS; i += 1) {
      embedded.push(await firstRows(page, portal, 'cascade-customer-charges .ag-row'));
    }

    // The baseline: the storefront's own page, signed in once (the session lives in the tab).
    const storefront = existsSync(join(repoRoot, 'apps/storefront/dist/index.html'));
    const baseline: number[] = [];
    if (storefront) {
      const app = await context.newPage();
      await app.goto(`${product.baseUrl}/`);
      await app.locator('button[data-user-id="reseller-standard-admin"]').click();
      await app.getByTestId('current-user').waitFor();
      const url = `${product.baseUrl}/customer-charges`;
      await firstRows(app, url, '.ag-row');
      for (let i = 0; i < RUNS; i += 1) baseline.push(await firstRows(app, url, '.ag-row'));
    }
    const ms = median(embedded);
    emit({
      figure: 'embed first rows visible, third-party portal (median)',
      ms,
      runs: RUNS,
      all: embedded,
      baselineMs: storefront ? median(baseline) : null,
      baseline: storefront ? 'storefront Customer Charges page, same data' : 'skipped: storefront not built',
      targetMs: FIRST_ROWS_TARGET_MS,
      ok: ms <= FIRST_ROWS_TARGET_MS,
    });
  } finally {
    await browser.close();
    await product.stop();
  }
}

sizes();
await timings();
