import type { SQLWrapper } from 'drizzle-orm';
import type { GridColumnCatalogue, GridColumnKind, SortModelItem } from './index';

/**
 * The Customer Charges columns of SPEC §7, in the grid's default order. The same ids are used by
 * the API, the grid and the export.
 */
export const CUSTOMER_CHARGE_COLUMN_IDS = [
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
export type CustomerChargeColumnId = (typeof CUSTOMER_CHARGE_COLUMN_IDS)[number];

/** The invoice types as stored (packages/db's INVOICE_TYPES); the grid shows Debit and Credit. */
export const CUSTOMER_CHARGE_TYPES = ['DEBIT', 'CREDIT'] as const;

export interface CustomerChargeColumnRule {
  readonly kind: GridColumnKind;
  readonly sortable: boolean;
  readonly filterable: boolean;
  readonly setValues?: readonly string[];
}

/**
 * SPEC §7: the four price columns are computed, so they have no sort and no filter; `unit` is
 * marked neither S nor F there; `type` is filtered by choosing Debit/Credit and not sorted.
 */
export const CUSTOMER_CHARGE_COLUMN_RULES: Readonly<
  Record<CustomerChargeColumnId, CustomerChargeColumnRule>
> = {
  invoiceNumber: { kind: 'text', sortable: true, filterable: true },
  invoiceDate: { kind: 'date', sortable: true, filterable: true },
  type: { kind: 'set', sortable: false, filterable: true, setValues: CUSTOMER_CHARGE_TYPES },
  customer: { kind: 'text', sortable: true, filterable: true },
  description: { kind: 'text', sortable: true, filterable: true },
  startDate: { kind: 'date', sortable: true, filterable: true },
  endDate: { kind: 'date', sortable: true, filterable: true },
  unitCostPrice: { kind: 'number', sortable: false, filterable: false },
  unitSellPrice: { kind: 'number', sortable: false, filterable: false },
  quantity: { kind: 'number', sortable: true, filterable: true },
  unit: { kind: 'text', sortable: false, filterable: false },
  totalCostPrice: { kind: 'number', sortable: false, filterable: false },
  totalSellPrice: { kind: 'number', sortable: false, filterable: false },
  productType: { kind: 'text', sortable: true, filterable: true },
  productName: { kind: 'text', sortable: true, filterable: true },
};

/** SPEC §7: invoice number, descending. */
export const CUSTOMER_CHARGE_DEFAULT_SORT: readonly SortModelItem[] = [
  { colId: 'invoiceNumber', sort: 'desc' },
];

/**
 * The grid catalogue of the module, given the SQL expression of each column (the table's columns,
 * passed in by the query so that this file knows nothing of the schema).
 */
export function customerChargeGridCatalogue(
  expressions: Readonly<Record<CustomerChargeColumnId, SQLWrapper>>,
  /** Number columns whose expression is the value × this power of ten, an integer (GridColumn.scale). */
  scales: Readonly<Partial<Record<CustomerChargeColumnId, number>>> = {},
): GridColumnCatalogue {
  const catalogue: Record<string, GridColumnCatalogue[string]> = {};
  for (const id of CUSTOMER_CHARGE_COLUMN_IDS) {
    const scale = scales[id];
    catalogue[id] = {
      ...CUSTOMER_CHARGE_COLUMN_RULES[id],
      sql: expressions[id],
      ...(scale === undefined ? {} : { scale }),
    };
  }
  return catalogue;
}
