// The grid wrapper's framework-free half: AG Grid's infinite row model asks for blocks of rows
// (`startRow`/`endRow` with its sort and filter models); our API answers pages (`{rows, lastRow}`).
// A widget passes a `load` that calls its API; this turns it into an AG Grid datasource, aborting
// requests the grid no longer needs. The theme lives in ./theme.ts (it imports AG Grid).

import { isAbortError } from '../api-client';
import type { Page } from '../api-client/types';

export interface SortModelItem {
  colId: string;
  sort: 'asc' | 'desc';
}

/** One block the grid wants, in AG Grid's own JSON shapes (what the API's grid-query validates). */
export interface GridBlockRequest {
  startRow: number;
  endRow: number;
  sortModel: SortModelItem[];
  filterModel: Record<string, unknown>;
}

/** The parts of AG Grid's IGetRowsParams we use (structurally compatible, no AG Grid import). */
export interface GetRowsParams {
  startRow: number;
  endRow: number;
  sortModel: SortModelItem[];
  filterModel: unknown;
  successCallback(rows: unknown[], lastRow?: number): void;
  failCallback(): void;
}

export interface PageDatasource {
  getRows(params: GetRowsParams): void;
  destroy(): void;
}

export interface PageDatasourceOptions {
  /** A block failed (not an abort): show it. The grid marks the block as failed. */
  onError?: (error: unknown) => void;
  /** True while any block is loading, for a loading indicator outside the grid. */
  onLoading?: (loading: boolean) => void;
}

export function createPageDatasource<T>(
  load: (request: GridBlockRequest, signal: AbortSignal) => Promise<Page<T>>,
  options: PageDatasourceOptions = {},
): PageDatasource {
  const inFlight = new Set<AbortController>();
  const settle = (controller: AbortController) => {
    if (inFlight.delete(controller) && inFlight.size === 0) options.onLoading?.(false);
  };

  return {
    getRows(params) {
      const controller = new AbortController();
      if (inFlight.size === 0) options.onLoading?.(true);
      inFlight.add(controller);
      const request: GridBlockRequest = {
        startRow: params.startRow,
        endRow: params.endRow,
        sortModel: params.sortModel.map(({ colId, sort }) => ({ colId, sort })),
        filterModel: (params.filterModel ?? {}) as Record<string, unknown>,
      };
      load(request, controller.signal).then(
        (page) => {
          settle(controller);
          if (controller.signal.aborted) return;
          // -1 is our "not known yet"; AG Grid wants undefined for that.
          params.successCallback(page.rows, page.lastRow >= 0 ? page.lastRow : undefined);
        },
        (error: unknown) => {
          settle(controller);
          if (controller.signal.aborted || isAbortError(error)) return;
          params.failCallback();
          options.onError?.(error);
        },
      );
    },
    destroy() {
      if (inFlight.size === 0) return;
      for (const controller of inFlight) controller.abort();
      inFlight.clear();
      options.onLoading?.(false);
    },
  };
}
