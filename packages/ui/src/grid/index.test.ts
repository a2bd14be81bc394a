import { describe, expect, it, vi } from 'vitest';
import type { Page } from '../api-client/types';
import { createPageDatasource, type GetRowsParams, type GridBlockRequest } from './index';

function params(overrides: Partial<GetRowsParams> = {}) {
  return {
    startRow: 0,
    endRow: 100,
    sortModel: [{ colId: 'invoiceNumber', sort: 'desc' as const }],
    filterModel: { customer: { filterType: 'text', type: 'contains', filter: 'acme' } },
    successCallback: vi.fn(),
    failCallback: vi.fn(),
    ...overrides,
  };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('createPageDatasource', () => {
  it('asks the API for the block with sort and filter, and hands the page to the grid', async () => {
    const seen: GridBlockRequest[] = [];
    const source = createPageDatasource<{ id: number }>(async (request) => {
      seen.push(request);
      return { rows: [{ id: 1 }], lastRow: 1 };
    });
    const p = params();
    source.getRows(p);
    await settle();
    expect(seen).toEqual([
      {
        startRow: 0,
        endRow: 100,
        sortModel: [{ colId: 'invoiceNumber', sort: 'desc' }],
        filterModel: { customer: { filterType: 'text', type: 'contains', filter: 'acme' } },
      },
    ]);
    expect(p.successCallback).toHaveBeenCalledWith([{ id: 1 }], 1);
  });

  it('passes an unknown last row (-1) as undefined, so the grid keeps scrolling', async () => {
    const source = createPageDatasource(async () => ({ rows: [1, 2], lastRow: -1 }));
    const p = params();
    source.getRows(p);
    await settle();
    expect(p.successCallback).toHaveBeenCalledWith([1, 2], undefined);
  });

  it('fails the block and reports the error', async () => {
    const onError = vi.fn();
    const source = createPageDatasource(
      async () => {
        throw new Error('boom');
      },
      { onError },
    );
    const p = params();
    source.getRows(p);
    await settle();
    expect(p.failCallback).toHaveBeenCalledOnce();
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ message: 'boom' }));
  });

  it('aborts blocks in flight when destroyed, calling back nothing', async () => {
    const loading: boolean[] = [];
    let release: ((page: Page<number>) => void) | undefined;
    const signals: AbortSignal[] = [];
    const source = createPageDatasource<number>(
      (_request, signal) => {
        signals.push(signal);
        return new Promise((resolve) => {
          release = resolve;
        });
      },
      { onLoading: (value) => loading.push(value) },
    );
    const p = params();
    source.getRows(p);
    source.destroy();
    release?.({ rows: [1], lastRow: 1 });
    await settle();
    expect(signals[0]?.aborted).toBe(true);
    expect(p.successCallback).not.toHaveBeenCalled();
    expect(p.failCallback).not.toHaveBeenCalled();
    expect(loading).toEqual([true, false]);
  });
});
