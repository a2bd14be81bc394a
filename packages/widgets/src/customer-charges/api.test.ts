import { ApiError } from '@cascade/ui';
import { describe, expect, it, vi } from 'vitest';
import { downloadExport, type ExportRequest, fileNameFrom, formatBytes } from './api';

const request: ExportRequest = {
  columns: ['invoiceNumber', 'totalSellPrice'],
  format: 'xlsx',
  sortModel: [{ colId: 'invoiceNumber', sort: 'desc' }],
  filterModel: {},
  advancedFilterModel: null,
};

function streamOf(chunks: Uint8Array[], failAt?: number): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream({
    pull(controller) {
      if (failAt !== undefined && i === failAt) {
        controller.error(new TypeError('network'));
        return;
      }
      const chunk = chunks[i++];
      if (chunk) controller.enqueue(chunk);
      else controller.close();
    },
  });
}

describe('downloadExport', () => {
  it('posts the view with the token, reports bytes as they arrive and names the file', async () => {
    const fetch = vi.fn(
      async (_url: RequestInfo | URL, _init?: RequestInit) =>
        new Response(streamOf([new Uint8Array(3), new Uint8Array(5)]), {
          headers: {
            'Content-Type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
            'Content-Disposition': `attachment; filename="Customer Charges.xlsx"; filename*=UTF-8''Customer%20Charges.xlsx`,
          },
        }),
    );
    const progress: number[] = [];
    const file = await downloadExport(request, {
      baseUrl: '/api',
      token: 'T',
      fetch: fetch as unknown as typeof globalThis.fetch,
      onProgress: (bytes) => progress.push(bytes),
    });
    const [url, init] = fetch.mock.calls[0]!;
    expect(url).toBe('/api/v1/customer-charges/export');
    expect(init?.method).toBe('POST');
    expect((init!.headers as Record<string, string>).Authorization).toBe('Bearer T');
    expect(JSON.parse(String(init?.body))).toEqual(request);
    expect(progress).toEqual([0, 3, 8]);
    expect(file.fileName).toBe('Customer Charges.xlsx');
    expect(file.bytes).toBe(8);
    expect(file.blob.size).toBe(8);
  });

  it('rejects with the API’s error message', async () => {
    const fetch = async () =>
      new Response(JSON.stringify({ error: { code: 'validation_failed', message: 'Bad columns' } }), {
        status: 400,
      });
    await expect(downloadExport(request, { baseUrl: '/api', token: 'T', fetch })).rejects.toMatchObject({
      name: 'ApiError',
      status: 400,
      message: 'Bad columns',
    });
  });

  it('rejects with an AbortError when canceled mid-stream', async () => {
    const controller = new AbortController();
    const fetch = async () =>
      new Response(
        new ReadableStream<Uint8Array>({
          start(c) {
            c.enqueue(new Uint8Array(4));
          },
        }),
      );
    const done = downloadExport(request, {
      baseUrl: '/api',
      token: 'T',
      fetch,
      signal: controller.signal,
      onProgress: (bytes) => {
        if (bytes > 0) controller.abort();
      },
    });
    await expect(done).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('says so when the stream breaks', async () => {
    const fetch = async () => new Response(streamOf([new Uint8Array(2)], 1));
    const error = await downloadExport(request, { baseUrl: '/api', token: null, fetch }).catch((e) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error.code).toBe('EXPORT_INTERRUPTED');
  });
});

describe('file names and sizes', () => {
  it('reads Content-Disposition, else the default name', () => {
    expect(fileNameFrom(`attachment; filename*=UTF-8''Customer%20Charges.csv`, 'csv')).toBe(
      'Customer Charges.csv',
    );
    expect(fileNameFrom('attachment; filename="a b.xlsx"', 'xlsx')).toBe('a b.xlsx');
    expect(fileNameFrom(null, 'xlsx')).toBe('Customer Charges.xlsx');
  });

  it('formats bytes', () => {
    expect(formatBytes(532, 'en-US')).toBe('532 B');
    expect(formatBytes(48_230, 'en-US')).toBe('47.1 KB');
    expect(formatBytes(3_250_000, 'en-US')).toBe('3.1 MB');
  });
});
