/**
 * Customer Charges export benchmark (issue 5): 100,000 rows through our streaming writer and
 * through SheetJS (`json_to_sheet` then `write`) on the same rows, then 1,048,575 rows through
 * ours. Each measurement runs in its own child process, so that one's memory does not weigh on
 * another's. Prints one JSON line per figure.
 *
 *   pnpm exec tsx packages/api/src/modules/customer-charges/export/bench.ts
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as XLSX from 'xlsx';
import type { CustomerChargeColumnId } from '../grid-query/columns';
import {
  type CustomerChargeExportRow,
  type CustomerChargeExportValues,
  customerChargeExportColumnIds,
  customerChargesExportValuesStream,
} from './index';

const COLUMNS: CustomerChargeColumnId[] = [
  'invoiceNumber',
  'invoiceDate',
  'type',
  'customer',
  'description',
  'startDate',
  'endDate',
  'unitCostPrice',
  'unitSellPrice',
  'quantity',
  'unit',
  'totalCostPrice',
  'totalSellPrice',
  'productType',
  'productName',
];
const PRODUCTS = [
  'Microsoft 365 Business Standard',
  'Azure Plan',
  'Acronis Cyber Protect',
  'Dropbox Business',
];
const BATCH = 1000;

/** A customer-charge-like row, as the database would hand it over (decimal strings, ISO dates). */
function row(i: number): CustomerChargeExportRow {
  const credit = i % 17 === 0;
  const product = PRODUCTS[i % PRODUCTS.length]!;
  const quantity = (i % 25) + 1;
  const unitCost = 4 + (i % 300) / 7;
  const unitSell = unitCost * 1.25;
  const sign = credit ? -1 : 1;
  const month = (i % 12) + 1;
  const mm = String(month).padStart(2, '0');
  return {
    invoiceNumber: `INV-${String(2_000_000 - i).padStart(8, '0')}`,
    invoiceDate: `2025-${mm}-28`,
    type: credit ? 'CREDIT' : 'DEBIT',
    customer: `End Customer ${i % 5000} Ltd`,
    description: `${product} (${(i % 12) + 1}/12)`,
    startDate: `2025-${mm}-01`,
    endDate: `2025-${mm}-28`,
    unitCostPrice: unitCost.toFixed(6),
    unitSellPrice: unitSell.toFixed(6),
    quantity: String(quantity),
    unit: i % 3 === 0 ? 'Annually' : 'Month',
    totalCostPrice: (sign * unitCost * quantity).toFixed(4),
    totalSellPrice: (sign * unitSell * quantity).toFixed(4),
    productType: i % 2 ? 'Subscription' : 'Pay-per-use',
    productName: product,
    currency: 'EUR',
  };
}

/** The file's values of a row, in its columns' order: as the API's query hands them over (arrays). */
const FIELDS = customerChargeExportColumnIds(COLUMNS);
const valuesOf = (r: CustomerChargeExportRow): CustomerChargeExportValues => FIELDS.map((f) => r[f]);

function* batchesOf(rows: readonly CustomerChargeExportValues[]) {
  for (let i = 0; i < rows.length; i += BATCH) yield rows.slice(i, i + BATCH);
}

/** Generated as they are read, as a database cursor would: nothing held but one batch. */
async function* generated(count: number) {
  for (let i = 0; i < count; i += BATCH) {
    const n = Math.min(BATCH, count - i);
    yield Array.from({ length: n }, (_, k) => valuesOf(row(i + k)));
  }
}

async function drain(stream: ReadableStream<Uint8Array>): Promise<number> {
  let bytes = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return bytes;
    bytes += value.byteLength;
  }
}

const gc = (globalThis as { gc?: () => void }).gc;
const MB = 1024 * 1024;

interface Measure {
  ms: number;
  /** CPU time of the whole process (zlib's threads included): steadier than wall time on a busy machine. */
  cpuMs: number;
  bytes: number;
  extraMb: number;
  peakRssMb: number;
}

async function child(which: string): Promise<Measure> {
  const count = which.endsWith('1m') ? 1_048_575 : 100_000;
  const rows = which.endsWith('1m') ? [] : Array.from({ length: count }, (_, i) => row(i));
  const values = which.startsWith('ours') ? rows.map(valuesOf) : [];
  gc?.();
  const before = process.memoryUsage().rss;
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  let bytes: number;
  if (which === 'sheetjs-100k') {
    const wb = XLSX.utils.book_new();
    XLSX.utils.book_append_sheet(wb, XLSX.utils.json_to_sheet(rows), 'Customer Charges');
    const out: Uint8Array = XLSX.write(wb, { type: 'buffer', bookType: 'xlsx' });
    bytes = out.byteLength;
  } else if (which === 'ours-1m') {
    bytes = await drain(customerChargesExportValuesStream('xlsx', COLUMNS, generated(count)));
  } else {
    const format = which === 'ours-csv-100k' ? 'csv' : 'xlsx';
    bytes = await drain(customerChargesExportValuesStream(format, COLUMNS, batchesOf(values)));
  }
  const ms = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const peak = process.resourceUsage().maxRSS * 1024;
  return { ms, cpuMs, bytes, extraMb: (peak - before) / MB, peakRssMb: peak / MB };
}

function run(which: string): Measure {
  const self = fileURLToPath(import.meta.url);
  const result = spawnSync(process.execPath, [...process.execArgv, self, 'child', which], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: MB,
  });
  if (result.status !== 0) throw new Error(`${which} failed with status ${result.status}`);
  const lines = result.stdout.trim().split('\n');
  return JSON.parse(lines.at(-1)!) as Measure;
}

const print = (name: string, value: number) =>
  console.log(JSON.stringify({ name, value: Math.round(value * 100) / 100 }));

if (process.argv[2] === 'child') {
  console.log(JSON.stringify(await child(process.argv[3] ?? '')));
} else {
  // Ours before and after SheetJS, so that a change of load on a shared machine weighs on both.
  const before = run('ours-100k');
  const sheetjs = run('sheetjs-100k');
  const after = run('ours-100k');
  const ours = {
    ...after,
    ms: (before.ms + after.ms) / 2,
    cpuMs: (before.cpuMs + after.cpuMs) / 2,
    extraMb: Math.max(before.extraMb, after.extraMb),
  };
  print('export.xlsx.100k.ms', ours.ms);
  print('export.xlsx.100k.cpu_ms', ours.cpuMs);
  print('export.xlsx.100k.extra_mb', ours.extraMb);
  print('export.xlsx.100k.bytes', ours.bytes);
  print('export.xlsx.100k.sheetjs.ms', sheetjs.ms);
  print('export.xlsx.100k.sheetjs.cpu_ms', sheetjs.cpuMs);
  print('export.xlsx.100k.sheetjs.extra_mb', sheetjs.extraMb);
  print('export.xlsx.100k.speedup_vs_sheetjs', sheetjs.ms / ours.ms);
  const csv = run('ours-csv-100k');
  print('export.csv.100k.ms', csv.ms);
  const million = run('ours-1m');
  print('export.xlsx.1048575.ms', million.ms);
  print('export.xlsx.1048575.peak_rss_mb', million.peakRssMb);
  print('export.xlsx.1048575.bytes', million.bytes);
}
