// The Customer Charges columns (SPEC §7) as the grid shows them, and the column state (order and
// visibility) the Pinia store keeps. Framework-free. The ids and the sort/filter rules are the
// API's (packages/api …/grid-query/columns.ts); a test checks that the two lists agree, since the
// UI bundle must not import server code.

export const COLUMN_IDS = [
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
] as const;
export type ColumnId = (typeof COLUMN_IDS)[number];

/** How a column filters: the AG Grid filter family it uses (`set` is our Debit/Credit choice). */
export type FilterKind = 'text' | 'number' | 'date' | 'set';
/** How a cell is shown. */
export type DisplayKind = 'text' | 'date' | 'type' | 'quantity' | 'unitPrice' | 'amount' | 'invoice';

export interface ChargeColumn {
  readonly id: ColumnId;
  /** The header, the same words as the export's header row. */
  readonly header: string;
  readonly display: DisplayKind;
  readonly sortable: boolean;
  /** The filter family, or null when the column cannot be filtered. */
  readonly filter: FilterKind | null;
  readonly hiddenByDefault: boolean;
  readonly width: number;
}

const col = (
  id: ColumnId,
  header: string,
  display: DisplayKind,
  sortable: boolean,
  filter: FilterKind | null,
  width: number,
  hiddenByDefault = false,
): ChargeColumn => ({ id, header, display, sortable, filter, width, hiddenByDefault });

/** SPEC §7, in its order. The four prices have no sort and no filter; Unit neither. */
export const CHARGE_COLUMNS: readonly ChargeColumn[] = [
  col('invoiceNumber', 'Invoice', 'invoice', true, 'text', 150),
  col('invoiceDate', 'Invoice date', 'date', true, 'date', 185),
  col('type', 'Type', 'type', false, 'set', 140),
  col('customer', 'Customer', 'text', true, 'text', 200),
  col('description', 'Description', 'text', true, 'text', 260),
  col('startDate', 'Start date', 'date', true, 'date', 185),
  col('endDate', 'End date', 'date', true, 'date', 185),
  col('unitCostPrice', 'Unit cost price', 'unitPrice', false, null, 155),
  col('unitSellPrice', 'Unit sell price', 'unitPrice', false, null, 155),
  col('quantity', 'Quantity', 'quantity', true, 'number', 120),
  col('unit', 'Unit', 'text', false, null, 100),
  col('totalCostPrice', 'Total cost price', 'amount', false, null, 160),
  col('totalSellPrice', 'Total sell price', 'amount', false, null, 160),
  col('productType', 'Product type', 'text', true, 'text', 160, true),
  col('productName', 'Product name', 'text', true, 'text', 200, true),
];

const BY_ID = new Map<string, ChargeColumn>(CHARGE_COLUMNS.map((c) => [c.id, c]));

export function isColumnId(id: unknown): id is ColumnId {
  return typeof id === 'string' && BY_ID.has(id);
}

export function columnById(id: string): ChargeColumn | undefined {
  return BY_ID.get(id);
}

export const FILTERABLE_COLUMNS: readonly ChargeColumn[] = CHARGE_COLUMNS.filter((c) => c.filter !== null);

/** The invoice types as stored; shown Debit and Credit. */
export const CHARGE_TYPES = ['DEBIT', 'CREDIT'] as const;
export type ChargeType = (typeof CHARGE_TYPES)[number];
export const CHARGE_TYPE_LABELS: Readonly<Record<ChargeType, string>> = { DEBIT: 'Debit', CREDIT: 'Credit' };

export function chargeTypeLabel(value: unknown): string {
  return typeof value === 'string' ? (CHARGE_TYPE_LABELS[value.toUpperCase() as ChargeType] ?? value) : '';
}

export interface SortItem {
  colId: string;
  sort: 'asc' | 'desc';
}

/** SPEC §7: invoice number, descending. */
export const DEFAULT_SORT: readonly SortItem[] = [{ colId: 'invoiceNumber', sort: 'desc' }];

// ---------------------------------------------------------------------------------------------
// Column state: every column once, in display order, each shown or hidden.

export interface ColumnStateItem {
  id: ColumnId;
  visible: boolean;
}

export function defaultColumnState(): ColumnStateItem[] {
  return CHARGE_COLUMNS.map((c) => ({ id: c.id, visible: !c.hiddenByDefault }));
}

/**
 * Any saved or reported state made whole: unknown ids and repeats dropped, missing columns
 * appended in their default place and visibility, and never zero visible columns.
 */
export function normalizeColumnState(items: readonly { id: string; visible?: boolean }[]): ColumnStateItem[] {
  const seen = new Set<string>();
  const out: ColumnStateItem[] = [];
  for (const item of items) {
    if (!isColumnId(item.id) || seen.has(item.id)) continue;
    seen.add(item.id);
    out.push({ id: item.id, visible: item.visible !== false });
  }
  for (const c of CHARGE_COLUMNS) {
    if (!seen.has(c.id)) out.push({ id: c.id, visible: !c.hiddenByDefault });
  }
  if (!out.some((c) => c.visible)) {
    const first = out.find((c) => c.id === 'invoiceNumber') ?? out[0];
    if (first) first.visible = true;
  }
  return out;
}

/** The shown columns, in order: what the export sends as `columns`. */
export function visibleColumnIds(state: readonly ColumnStateItem[]): ColumnId[] {
  return state.filter((c) => c.visible).map((c) => c.id);
}

/** Shows or hides one column; hiding the last visible column is refused (state unchanged). */
export function setColumnVisible(
  state: readonly ColumnStateItem[],
  id: ColumnId,
  visible: boolean,
): ColumnStateItem[] {
  const next = state.map((c) => (c.id === id ? { ...c, visible } : { ...c }));
  return next.some((c) => c.visible) ? next : state.map((c) => ({ ...c }));
}

/** Can this column be hidden without leaving the grid with no column? */
export function canHide(state: readonly ColumnStateItem[], id: ColumnId): boolean {
  return state.some((c) => c.visible && c.id !== id);
}

export function sameColumnState(a: readonly ColumnStateItem[], b: readonly ColumnStateItem[]): boolean {
  return a.length === b.length && a.every((c, i) => c.id === b[i]?.id && c.visible === b[i]?.visible);
}
