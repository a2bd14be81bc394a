// The grid's view (columns, sort, column filters, advanced expression) as plain data, and the
// rules between it and the two endpoints. The Pinia store holds one ViewState per widget.
//
// How column filters and the Advanced Filter combine (SPEC §7 leaves it open):
// - Both are sent; the API ANDs the column filters with the advanced expression.
// - The pop-up's Filter tab shows them as one tree (column filters first, then the expression).
// - Applying the pop-up with a changed tree moves everything into the advanced expression and
//   clears the column filters, so that what the tree shows is exactly what filters the grid, and
//   each condition lives in one place. Applying with the tree unchanged (say, only columns were
//   shown or hidden) leaves both as they were.
// - A column filter typed afterwards is ANDed with the expression again, until the next apply.

import type { SortModelItem } from '@cascade/ui';
import type { ChargesView, ExportFormat, ExportRequest, QueryRequest } from './api';
import { type ColumnStateItem, DEFAULT_SORT, defaultColumnState, visibleColumnIds } from './columns';
import {
  type AdvancedFilterModel,
  combineFilters,
  countConditions,
  type GroupNode,
  sameExpression,
  toAdvancedFilterModel,
} from './expression';

export interface ViewState extends ChargesView {
  columns: ColumnStateItem[];
}

export function initialView(): ViewState {
  return {
    columns: defaultColumnState(),
    sortModel: DEFAULT_SORT.map((s) => ({ ...s })),
    filterModel: {},
    advancedFilterModel: null,
  };
}

function copyView(view: ChargesView): ChargesView {
  return {
    sortModel: view.sortModel.map((s) => ({ ...s })),
    // Plain JSON copies: the request must not hold a reactive proxy or the grid's own objects.
    filterModel: JSON.parse(JSON.stringify(view.filterModel)) as Record<string, unknown>,
    advancedFilterModel: view.advancedFilterModel
      ? (JSON.parse(JSON.stringify(view.advancedFilterModel)) as AdvancedFilterModel)
      : null,
  };
}

export function queryRequest(view: ChargesView, startRow: number, endRow: number): QueryRequest {
  return { startRow, endRow, ...copyView(view) };
}

/** The export: the visible columns in their current order, with the current sort and filters. */
export function exportRequest(view: ViewState, format: ExportFormat): ExportRequest {
  return { columns: visibleColumnIds(view.columns), format, ...copyView(view) };
}

/** The tree the Filter tab opens with: every filter applied now. */
export function filterTree(view: ViewState): GroupNode {
  return combineFilters(
    view.filterModel,
    view.advancedFilterModel,
    view.columns.map((c) => c.id),
  );
}

/** The filters after the pop-up is applied (see the rules at the top of this file). */
export function filtersAfterDialog(
  view: ChargesView,
  opened: GroupNode,
  edited: GroupNode,
): Pick<ChargesView, 'filterModel' | 'advancedFilterModel'> {
  if (sameExpression(opened, edited)) {
    return { filterModel: view.filterModel, advancedFilterModel: view.advancedFilterModel };
  }
  return { filterModel: {}, advancedFilterModel: toAdvancedFilterModel(edited) };
}

/** How many conditions filter the grid now (column filters and the expression). */
export function activeConditionCount(view: ViewState): number {
  return countConditions(filterTree(view));
}

/** The sort as the grid reports it (its column state), in the order of the sort indexes. */
export function sortFromGrid(
  columnState: readonly { colId: string; sort?: 'asc' | 'desc' | null; sortIndex?: number | null }[],
): SortModelItem[] {
  return columnState
    .filter((c): c is { colId: string; sort: 'asc' | 'desc'; sortIndex?: number | null } => !!c.sort)
    .sort((a, b) => (a.sortIndex ?? 0) - (b.sortIndex ?? 0))
    .map((c) => ({ colId: c.colId, sort: c.sort }));
}
