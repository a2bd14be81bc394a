// What Billing's AG Grid lists (invoices, credit notes, subscriptions, payment methods, billing
// profiles) share: the infinite row model fed by one API page per block, the row count and the
// load error shown above the grid, a reload from the first block, and a row that opens on click
// or Enter (never when the click or key was on a button inside a cell: those are the row's actions).
import { createPageDatasource, errorMessage, type GridBlockRequest, type Page } from '@cascade/ui';
import type {
  CellKeyDownEvent,
  GridApi,
  GridReadyEvent,
  IDatasource,
  RowClickedEvent,
} from 'ag-grid-community';
import { onBeforeUnmount, ref, shallowRef } from 'vue';

export function useInfiniteGrid<T>(load: (block: GridBlockRequest, signal: AbortSignal) => Promise<Page<T>>) {
  const gridApi = shallowRef<GridApi<T> | null>(null);
  /** Rows in the whole list once the API has said (null before, and while reloading). */
  const rowCount = ref<number | null>(null);
  const loading = ref(false);
  const error = ref<string | null>(null);

  const datasource = createPageDatasource<T>(
    async (block, signal) => {
      error.value = null;
      const page = await load(block, signal);
      rowCount.value = page.lastRow >= 0 ? page.lastRow : null;
      return page;
    },
    {
      onLoading: (v) => {
        loading.value = v;
      },
      onError: (e) => {
        error.value = errorMessage(e);
      },
    },
  );
  const gridDatasource: IDatasource = {
    getRows: (params) => datasource.getRows(params),
    destroy: () => datasource.destroy(),
  };

  function onGridReady(event: GridReadyEvent<T>) {
    gridApi.value = event.api;
  }

  function reload() {
    rowCount.value = null;
    gridApi.value?.purgeInfiniteCache();
  }

  onBeforeUnmount(() => datasource.destroy());

  return { rowCount, loading, error, gridDatasource, onGridReady, reload };
}

const onButton = (event: Event | null | undefined) =>
  !!(event?.target as HTMLElement | null | undefined)?.closest?.('button');

/** Row-clicked and cell-key-down handlers that open the row (click, or Enter on a cell). */
export function rowOpeners<T>(open: (row: T) => void) {
  return {
    onRowClicked(event: RowClickedEvent<T>) {
      if (onButton(event.event)) return;
      if (event.data) open(event.data);
    },
    onCellKeyDown(event: CellKeyDownEvent<T>) {
      const key = (event.event as KeyboardEvent | undefined)?.key;
      if (key === 'Enter' && event.data && !onButton(event.event)) open(event.data);
    },
  };
}

/** "1 invoice", "1,234 credit notes"; "Loading…" before the first count; empty when not known. */
export function countLabel(n: number | null, loading: boolean, noun: string, locale?: string): string {
  if (n === null) return loading ? 'Loading…' : '';
  const plural = noun.endsWith('s') ? noun : `${noun}s`;
  return `${new Intl.NumberFormat(locale).format(n)} ${n === 1 ? noun : plural}`;
}
