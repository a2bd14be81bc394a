// The AG Grid side of the module: only the AG Grid modules it uses (handed to this grid, not
// registered globally, so the bundle stays small and two grids on one page stay independent), and
// the column definitions built from the column catalogue.

import {
  CellStyleModule,
  type ColDef,
  ColumnApiModule,
  CustomFilterModule,
  DateFilterModule,
  InfiniteRowModelModule,
  type Module,
  NumberFilterModule,
  TextFilterModule,
  type ValueFormatterParams,
} from 'ag-grid-community';
import type { CustomerChargeRow } from './api';
import { CHARGE_COLUMNS, type ChargeColumn, type ColumnStateItem, type SortItem } from './columns';
import { formatCell } from './format';
import { TypeFilter, TypeFloatingFilter } from './type-filter';

export const GRID_MODULES: Module[] = [
  InfiniteRowModelModule,
  ColumnApiModule,
  TextFilterModule,
  NumberFilterModule,
  DateFilterModule,
  CustomFilterModule,
  CellStyleModule,
];

export interface InvoiceOpen {
  invoiceNumber: string;
  invoiceUrl: string | null;
  row: CustomerChargeRow;
}

export interface ColumnDefOptions {
  locale?: string;
  /** What relative invoice links resolve against (the page's URL when unset). */
  linkBase?: string;
  /** The invoice link was followed (click or Enter). */
  onInvoiceOpen?: (open: InvoiceOpen) => void;
}

// The operators the API takes (grid-query), which are AG Grid's own defaults for each filter.
const TEXT_FILTER = {
  filter: 'agTextColumnFilter',
  filterParams: { maxNumConditions: 2, buttons: ['reset'] },
};
const NUMBER_FILTER = {
  filter: 'agNumberColumnFilter',
  filterParams: { maxNumConditions: 2, buttons: ['reset'], allowedCharPattern: '\\d\\.\\-' },
};
const DATE_FILTER = {
  filter: 'agDateColumnFilter',
  filterParams: {
    maxNumConditions: 2,
    buttons: ['reset'],
    filterOptions: ['equals', 'notEqual', 'lessThan', 'greaterThan', 'inRange', 'blank', 'notBlank'],
  },
};

function filterOf(column: ChargeColumn): Partial<ColDef<CustomerChargeRow>> {
  switch (column.filter) {
    case 'text':
      return TEXT_FILTER;
    case 'number':
      return NUMBER_FILTER;
    case 'date':
      return DATE_FILTER;
    case 'set':
      return { filter: TypeFilter, floatingFilterComponent: TypeFloatingFilter };
    default:
      return { filter: false, floatingFilter: false };
  }
}

const NUMERIC = new Set(['quantity', 'unitPrice', 'amount']);

/** An http(s) link (absolute or relative to the page), never `javascript:` or the like. */
export function safeLink(
  url: unknown,
  base = globalThis.location?.href ?? 'http://localhost/',
): string | null {
  if (typeof url !== 'string' || url.trim() === '') return null;
  try {
    const parsed = new URL(url, base);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : null;
  } catch {
    return null;
  }
}

function invoiceLink(row: CustomerChargeRow | undefined, options: ColumnDefOptions): HTMLElement | string {
  if (!row) return '';
  const url = safeLink(row.invoiceUrl, options.linkBase);
  const open = () => options.onInvoiceOpen?.({ invoiceNumber: row.invoiceNumber, invoiceUrl: url, row });
  if (!url) {
    const span = document.createElement('span');
    span.textContent = row.invoiceNumber;
    return span;
  }
  const a = document.createElement('a');
  a.className = 'cc-invoice-link';
  a.href = url;
  a.target = '_blank';
  a.rel = 'noopener noreferrer';
  a.textContent = row.invoiceNumber;
  a.title = `Open invoice ${row.invoiceNumber} in the distributor's storefront`;
  a.addEventListener('click', open);
  return a;
}

/** One AG Grid column per catalogue column, in catalogue order, with the given state applied. */
export function buildColumnDefs(
  state: readonly ColumnStateItem[],
  sort: readonly SortItem[],
  options: ColumnDefOptions = {},
): ColDef<CustomerChargeRow>[] {
  const byId = new Map(CHARGE_COLUMNS.map((c) => [c.id, c]));
  return state.map((item) => {
    const column = byId.get(item.id)!;
    const sortIndex = sort.findIndex((s) => s.colId === column.id);
    const def: ColDef<CustomerChargeRow> = {
      colId: column.id,
      valueGetter: (p: { data?: CustomerChargeRow }) => p.data?.[column.id] ?? null,
      headerName: column.header,
      hide: !item.visible,
      width: column.width,
      sortable: column.sortable,
      // Clicking a header toggles ascending/descending; the default order is invoice descending.
      sortingOrder: ['asc', 'desc'],
      sort: sortIndex >= 0 ? (sort[sortIndex]?.sort ?? null) : null,
      sortIndex: sortIndex >= 0 ? sortIndex : null,
      ...filterOf(column),
      valueFormatter: (p: ValueFormatterParams<CustomerChargeRow>) =>
        formatCell(column, p.data, { locale: options.locale }),
    };
    if (NUMERIC.has(column.display)) {
      def.type = 'rightAligned';
    }
    if (column.display === 'invoice') {
      def.cellRenderer = (p: { data?: CustomerChargeRow }) => invoiceLink(p.data, options);
    }
    return def;
  });
}
