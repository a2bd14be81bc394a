/**
 * The Customer Charges export (SPEC §7): the visible columns in the grid's order, a `Currency`
 * column when a price column is exported, every row of the current view, as XLSX or CSV.
 */
import { z } from 'zod';
import { CUSTOMER_CHARGE_COLUMN_IDS, type CustomerChargeColumnId } from '../grid-query/columns';
import {
  csvStream,
  type ExportCellKind,
  type ExportCellValue,
  type ExportColumn,
  type RowSource,
  xlsxStream,
} from './writer';

export * from './writer';

/** One exported row, as the query loads it: ISO dates, decimal strings for money and quantities. */
export interface CustomerChargeExportRow {
  readonly invoiceNumber: string;
  readonly invoiceDate: string | Date;
  readonly type: string;
  readonly customer: string | null;
  readonly description: string | null;
  readonly startDate: string | Date | null;
  readonly endDate: string | Date | null;
  readonly unitCostPrice: string | number | null;
  readonly unitSellPrice: string | number | null;
  readonly quantity: string | number | null;
  readonly unit: string | null;
  readonly totalCostPrice: string | number | null;
  readonly totalSellPrice: string | number | null;
  readonly productType: string | null;
  readonly productName: string | null;
  /** ISO 4217 code of the prices. */
  readonly currency: string;
}

export type CustomerChargeExportColumnId = CustomerChargeColumnId | 'currency';

const SPECS: Readonly<
  Record<CustomerChargeExportColumnId, { header: string; kind: ExportCellKind; width: number }>
> = {
  invoiceNumber: { header: 'Invoice', kind: 'text', width: 16 },
  invoiceDate: { header: 'Invoice date', kind: 'date', width: 12 },
  type: { header: 'Type', kind: 'text', width: 8 },
  customer: { header: 'Customer', kind: 'text', width: 28 },
  description: { header: 'Description', kind: 'text', width: 40 },
  startDate: { header: 'Start date', kind: 'date', width: 12 },
  endDate: { header: 'End date', kind: 'date', width: 12 },
  unitCostPrice: { header: 'Unit cost price', kind: 'unitPrice', width: 15 },
  unitSellPrice: { header: 'Unit sell price', kind: 'unitPrice', width: 15 },
  quantity: { header: 'Quantity', kind: 'quantity', width: 10 },
  unit: { header: 'Unit', kind: 'text', width: 10 },
  totalCostPrice: { header: 'Total cost price', kind: 'money', width: 16 },
  totalSellPrice: { header: 'Total sell price', kind: 'money', width: 16 },
  productType: { header: 'Product type', kind: 'text', width: 18 },
  productName: { header: 'Product name', kind: 'text', width: 28 },
  currency: { header: 'Currency', kind: 'text', width: 9 },
};

export const CUSTOMER_CHARGE_PRICE_COLUMNS: readonly CustomerChargeColumnId[] = [
  'unitCostPrice',
  'unitSellPrice',
  'totalCostPrice',
  'totalSellPrice',
];

/** The `columns` of an export request: known ids, each once, in the grid's current order. */
export const customerChargeExportColumnsSchema = z
  .array(z.enum(CUSTOMER_CHARGE_COLUMN_IDS))
  .min(1)
  .max(CUSTOMER_CHARGE_COLUMN_IDS.length)
  .refine((ids) => new Set(ids).size === ids.length, { message: 'Each column at most once' });

/**
 * The columns of the file: the requested ones in their order, then `Currency` when any price
 * column is among them.
 */
export function customerChargeExportColumnIds(
  columns: readonly CustomerChargeColumnId[],
): CustomerChargeExportColumnId[] {
  const ids: CustomerChargeExportColumnId[] = [...new Set(columns)];
  if (ids.some((id) => (CUSTOMER_CHARGE_PRICE_COLUMNS as readonly string[]).includes(id)))
    ids.push('currency');
  return ids;
}

/** The invoice type as the grid shows it: stored DEBIT/CREDIT, shown Debit/Credit. */
const TYPE_LABELS: Readonly<Record<string, string>> = { DEBIT: 'Debit', CREDIT: 'Credit' };
const typeLabel = (type: unknown) => (typeof type === 'string' ? (TYPE_LABELS[type] ?? type) : null);

/**
 * A row as an array of the file's values, in the order of customerChargeExportColumnIds (the
 * query's `.values()` form: no object per row for a million rows). Extra trailing values are ignored.
 */
export type CustomerChargeExportValues = readonly ExportCellValue[];

/** The writer's column definitions for the requested columns (Currency added as above). */
export function customerChargeExportColumns(
  columns: readonly CustomerChargeColumnId[],
): ExportColumn<CustomerChargeExportRow>[] {
  return customerChargeExportColumnIds(columns).map((id) => ({
    id,
    ...SPECS[id],
    value: id === 'type' ? (row: CustomerChargeExportRow) => typeLabel(row.type) : (row) => row[id],
  }));
}

/** As customerChargeExportColumns, for rows given as CustomerChargeExportValues. */
export function customerChargeExportValueColumns(
  columns: readonly CustomerChargeColumnId[],
): ExportColumn<CustomerChargeExportValues>[] {
  return customerChargeExportColumnIds(columns).map((id, i) => ({
    id,
    ...SPECS[id],
    value: id === 'type' ? (row: CustomerChargeExportValues) => typeLabel(row[i]) : (row) => row[i],
  }));
}

export type ExportFormat = 'xlsx' | 'csv';

/** SPEC §7: the file is named `Customer Charges.xlsx`. */
export const CUSTOMER_CHARGES_EXPORT_NAME = 'Customer Charges';

export function exportContentType(format: ExportFormat): string {
  return format === 'xlsx'
    ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
    : 'text/csv; charset=utf-8';
}

/** A Content-Disposition that every browser reads, the space included. */
export function exportContentDisposition(format: ExportFormat): string {
  const file = `${CUSTOMER_CHARGES_EXPORT_NAME}.${format}`;
  return `attachment; filename="${file}"; filename*=UTF-8''${encodeURIComponent(file)}`;
}

/** The export file as a stream, ready to be a Response body. */
export function customerChargesExportStream(
  format: ExportFormat,
  columns: readonly CustomerChargeColumnId[],
  rows: RowSource<CustomerChargeExportRow>,
): ReadableStream<Uint8Array> {
  return exportStream(format, customerChargeExportColumns(columns), rows);
}

/**
 * As customerChargesExportStream, for rows given as CustomerChargeExportValues, in batches only (a
 * row being an array too, the writer takes every array it is given as a batch).
 */
export function customerChargesExportValuesStream(
  format: ExportFormat,
  columns: readonly CustomerChargeColumnId[],
  batches:
    | AsyncIterable<readonly CustomerChargeExportValues[]>
    | Iterable<readonly CustomerChargeExportValues[]>,
): ReadableStream<Uint8Array> {
  return exportStream(format, customerChargeExportValueColumns(columns), batches);
}

function exportStream<Row>(
  format: ExportFormat,
  defs: readonly ExportColumn<Row>[],
  rows: RowSource<Row>,
): ReadableStream<Uint8Array> {
  return format === 'xlsx'
    ? xlsxStream(defs, rows, { sheetName: CUSTOMER_CHARGES_EXPORT_NAME })
    : csvStream(defs, rows);
}

/** At most this much of a file is produced ahead while it is held back (see heldUntil). */
const MAX_AHEAD_BYTES = 16 << 20;

/**
 * The file, held back until `exceeds` answers (a count running meanwhile), its first bytes
 * produced in the meantime (up to MAX_AHEAD_BYTES): undefined, and the stream canceled (which ends
 * its rows' read), when the answer is true.
 */
export async function heldUntil(
  file: ReadableStream<Uint8Array>,
  exceeds: Promise<boolean>,
): Promise<ReadableStream<Uint8Array> | undefined> {
  const reader = file.getReader();
  const ahead: Uint8Array[] = [];
  let bytes = 0;
  let done = false;
  let answer: { exceeds: boolean } | { failure: unknown } | undefined;
  const answered = exceeds.then(
    (v) => {
      answer = { exceeds: v };
    },
    (failure: unknown) => {
      answer = { failure };
    },
  );
  let reading: Promise<ReadableStreamReadResult<Uint8Array>> | undefined;
  try {
    while (answer === undefined && !done && bytes < MAX_AHEAD_BYTES) {
      reading ??= reader.read();
      const read = await Promise.race([reading, answered]);
      if (read === undefined) break;
      reading = undefined;
      if (read.done) done = true;
      else {
        ahead.push(read.value);
        bytes += read.value.byteLength;
      }
    }
    await answered;
  } catch (err) {
    await reader.cancel(err).catch(() => {});
    throw err;
  }
  const verdict = answer as { exceeds: boolean } | { failure: unknown };
  if ('failure' in verdict || verdict.exceeds) {
    await reader.cancel('failure' in verdict ? verdict.failure : undefined).catch(() => {});
    if ('failure' in verdict) throw verdict.failure;
    return undefined;
  }
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const chunk = ahead.shift();
        if (chunk) return controller.enqueue(chunk);
        if (done) return controller.close();
        const read = await (reading ?? reader.read());
        reading = undefined;
        if (read.done) {
          done = true;
          controller.close();
        } else controller.enqueue(read.value);
      },
      cancel(reason) {
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}
