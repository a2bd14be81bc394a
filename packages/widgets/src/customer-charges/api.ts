// The two Customer Charges endpoints, framework-free: one block of rows for the grid, and the
// export file streamed with progress and a cancel.

import {
  type ApiClient,
  ApiError,
  buildUrl,
  isAbortError,
  type Page,
  parseErrorBody,
  type SortModelItem,
} from '@cascade/ui';
import type { ColumnId } from './columns';
import type { AdvancedFilterModel } from './expression';

/** One row of `POST /v1/customer-charges/query`: the 15 columns, the currency, the invoice link. */
export interface CustomerChargeRow {
  invoiceNumber: string;
  invoiceDate: string;
  type: string;
  customer: string | null;
  description: string | null;
  startDate: string | null;
  endDate: string | null;
  unitCostPrice: string | null;
  unitSellPrice: string | null;
  quantity: string | number | null;
  unit: string | null;
  totalCostPrice: string | null;
  totalSellPrice: string | null;
  productType: string | null;
  productName: string | null;
  currency: string;
  invoiceUrl?: string | null;
}

/** The grid's view: what both endpoints filter and sort by. */
export interface ChargesView {
  sortModel: SortModelItem[];
  filterModel: Record<string, unknown>;
  advancedFilterModel: AdvancedFilterModel | null;
}

export interface QueryRequest extends ChargesView {
  startRow: number;
  endRow: number;
}

export type ExportFormat = 'xlsx' | 'csv';

export interface ExportRequest extends ChargesView {
  columns: ColumnId[];
  format: ExportFormat;
}

export const QUERY_PATH = '/v1/customer-charges/query';
export const EXPORT_PATH = '/v1/customer-charges/export';

export function queryCharges(
  client: ApiClient,
  request: QueryRequest,
  signal?: AbortSignal,
): Promise<Page<CustomerChargeRow>> {
  return client.post<Page<CustomerChargeRow>>(QUERY_PATH, request, { signal });
}

export interface ExportOptions {
  baseUrl: string;
  token: string | null | undefined;
  signal?: AbortSignal;
  /** Bytes received so far, and the total when the server said it. */
  onProgress?: (received: number, total: number | null) => void;
  fetch?: typeof globalThis.fetch;
}

export interface ExportFile {
  blob: Blob;
  fileName: string;
  bytes: number;
}

export function defaultExportName(format: ExportFormat): string {
  return `Customer Charges.${format}`;
}

/** The file name from a Content-Disposition (RFC 6266: `filename*` first), else the default. */
export function fileNameFrom(disposition: string | null, format: ExportFormat): string {
  if (disposition) {
    const star = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(disposition);
    if (star?.[1]) {
      try {
        return decodeURIComponent(star[1].trim());
      } catch {
        // fall through to the plain name
      }
    }
    const plain =
      /filename\s*=\s*"([^"]+)"/i.exec(disposition) ?? /filename\s*=\s*([^;]+)/i.exec(disposition);
    if (plain?.[1]) return plain[1].trim();
  }
  return defaultExportName(format);
}

/**
 * Posts the export request and reads the streamed file, reporting bytes as they arrive. An abort
 * (the Cancel button) rejects with the AbortError; an error answer rejects with an ApiError.
 */
export async function downloadExport(request: ExportRequest, options: ExportOptions): Promise<ExportFile> {
  const doFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const headers: Record<string, string> = { 'Content-Type': 'application/json', Accept: '*/*' };
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  let response: Response;
  try {
    response = await doFetch(buildUrl(options.baseUrl, EXPORT_PATH), {
      method: 'POST',
      headers,
      body: JSON.stringify(request),
      signal: options.signal,
    });
  } catch (error) {
    if (isAbortError(error)) throw error;
    throw new ApiError(0, 'NETWORK_ERROR', 'Cannot reach the server. Check your connection and try again.');
  }
  if (!response.ok) {
    let body: unknown;
    try {
      body = JSON.parse(await response.text());
    } catch {
      body = undefined;
    }
    throw parseErrorBody(response.status, response.statusText, body);
  }
  const lengthHeader = response.headers.get('Content-Length');
  const total = lengthHeader && /^\d+$/.test(lengthHeader) ? Number(lengthHeader) : null;
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  let received = 0;
  options.onProgress?.(0, total);
  if (response.body) {
    const reader = response.body.getReader();
    // Not every fetch ends the body on abort; cancelling the reader ends the loop either way.
    const stop = () => void reader.cancel().catch(() => {});
    options.signal?.addEventListener('abort', stop, { once: true });
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value as Uint8Array<ArrayBuffer>);
        received += value.byteLength;
        options.onProgress?.(received, total);
      }
    } catch (error) {
      if (isAbortError(error) || options.signal?.aborted) throw abortError();
      throw new ApiError(0, 'EXPORT_INTERRUPTED', 'The export was interrupted. Please try again.');
    } finally {
      options.signal?.removeEventListener('abort', stop);
      reader.releaseLock();
    }
  }
  if (options.signal?.aborted) throw abortError();
  const type = response.headers.get('Content-Type') ?? 'application/octet-stream';
  return {
    blob: new Blob(chunks, { type }),
    fileName: fileNameFrom(response.headers.get('Content-Disposition'), request.format),
    bytes: received,
  };
}

function abortError(): Error {
  const error = new Error('The export was canceled.');
  error.name = 'AbortError';
  return error;
}

/** "532 B", "48.2 KB", "3.1 MB": how much of the export has arrived. */
export function formatBytes(bytes: number, locale?: string): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = unit === 0 ? 0 : 1;
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: digits, minimumFractionDigits: digits }).format(value)} ${units[unit]}`;
}
