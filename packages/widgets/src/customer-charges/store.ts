// The Pinia store of one Customer Charges widget. Each widget defines its own store with a unique
// id (`defineCustomerChargesStore(id)`) in the Pinia its host gives it, or in a Pinia of its own,
// so two widgets on one page never share state. It holds the view (columns, sort, filters,
// advanced expression) and the loading/error/export status; the grid rows stay in the grid.

import { errorMessage, type SortModelItem } from '@cascade/ui';
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { ExportFormat } from './api';
import {
  type ColumnId,
  type ColumnStateItem,
  defaultColumnState,
  normalizeColumnState,
  sameColumnState,
  setColumnVisible,
  visibleColumnIds,
} from './columns';
import { describeExpression, type GroupNode } from './expression';
import {
  activeConditionCount,
  exportRequest,
  filtersAfterDialog,
  filterTree,
  initialView,
  queryRequest,
  type ViewState,
} from './view';

export type ExportPhase = 'idle' | 'running' | 'done' | 'error' | 'canceled';

export interface ExportStatus {
  phase: ExportPhase;
  format: ExportFormat;
  bytes: number;
  total: number | null;
  fileName: string | null;
  error: string | null;
}

let instances = 0;
/** A store id no other widget on the page uses. */
export function uniqueStoreId(prefix = 'customer-charges'): string {
  instances += 1;
  return `${prefix}:${instances}`;
}

export function defineCustomerChargesStore(id: string) {
  return defineStore(id, () => {
    const view = ref<ViewState>(initialView());
    const loading = ref(false);
    const error = ref<string | null>(null);
    /** Rows matching the view, once the API has said (null while unknown). */
    const rowCount = ref<number | null>(null);
    /** Rows loaded so far from the start: "at least this many" while the count is unknown. */
    const rowsSeen = ref(0);
    const exportFormat = ref<ExportFormat>('xlsx');
    const exportStatus = ref<ExportStatus>({
      phase: 'idle',
      format: 'xlsx',
      bytes: 0,
      total: null,
      fileName: null,
      error: null,
    });

    const visibleColumns = computed(() => visibleColumnIds(view.value.columns));
    const conditionCount = computed(() => activeConditionCount(view.value));
    const filterSummary = computed(() => describeExpression(filterTree(view.value)));
    const isEmpty = computed(() => !loading.value && !error.value && rowCount.value === 0);

    function setSort(sortModel: SortModelItem[]) {
      view.value.sortModel = sortModel.map((s) => ({ colId: s.colId, sort: s.sort }));
    }
    function setFilterModel(filterModel: Record<string, unknown> | null | undefined) {
      view.value.filterModel = JSON.parse(JSON.stringify(filterModel ?? {}));
    }
    /** From the grid after a drag or a show/hide; answers whether anything changed. */
    function setColumns(columns: readonly { id: string; visible?: boolean }[]): boolean {
      const next = normalizeColumnState(columns);
      if (sameColumnState(next, view.value.columns)) return false;
      view.value.columns = next;
      return true;
    }
    function showColumn(id: ColumnId, visible: boolean) {
      view.value.columns = setColumnVisible(view.value.columns, id, visible);
    }
    function resetColumns() {
      view.value.columns = defaultColumnState();
    }
    /** The pop-up's Apply: the columns as chosen, the filters by the rules in view.ts. */
    function applyDialog(opened: GroupNode, edited: GroupNode, columns: ColumnStateItem[]) {
      const filters = filtersAfterDialog(view.value, opened, edited);
      view.value.filterModel = filters.filterModel;
      view.value.advancedFilterModel = filters.advancedFilterModel;
      view.value.columns = normalizeColumnState(columns);
    }
    function clearFilters() {
      view.value.filterModel = {};
      view.value.advancedFilterModel = null;
    }
    function blockLoaded(startRow: number, lastRow: number, rows: number) {
      error.value = null;
      rowsSeen.value = Math.max(rowsSeen.value, startRow + rows);
      if (lastRow >= 0) rowCount.value = lastRow;
      else if (startRow === 0 && rows === 0) rowCount.value = 0;
    }
    function blockFailed(e: unknown) {
      error.value = errorMessage(e);
    }
    function viewChanged() {
      rowCount.value = null;
      rowsSeen.value = 0;
      error.value = null;
    }

    function exportStarted(format: ExportFormat) {
      exportStatus.value = { phase: 'running', format, bytes: 0, total: null, fileName: null, error: null };
    }
    function exportProgress(bytes: number, total: number | null) {
      exportStatus.value = { ...exportStatus.value, bytes, total };
    }
    function exportFinished(fileName: string, bytes: number) {
      exportStatus.value = { ...exportStatus.value, phase: 'done', fileName, bytes };
    }
    function exportFailed(e: unknown) {
      exportStatus.value = { ...exportStatus.value, phase: 'error', error: errorMessage(e) };
    }
    function exportCanceled() {
      exportStatus.value = { ...exportStatus.value, phase: 'canceled' };
    }

    return {
      view,
      loading,
      error,
      rowCount,
      rowsSeen,
      exportFormat,
      exportStatus,
      visibleColumns,
      conditionCount,
      filterSummary,
      isEmpty,
      setSort,
      setFilterModel,
      setColumns,
      showColumn,
      resetColumns,
      applyDialog,
      clearFilters,
      blockLoaded,
      blockFailed,
      viewChanged,
      exportStarted,
      exportProgress,
      exportFinished,
      exportFailed,
      exportCanceled,
      queryRequest: (startRow: number, endRow: number) => queryRequest(view.value, startRow, endRow),
      exportRequest: (format: ExportFormat) => exportRequest(view.value, format),
      filterTree: () => filterTree(view.value),
    };
  });
}

export type CustomerChargesStore = ReturnType<ReturnType<typeof defineCustomerChargesStore>>;
