import { describe, expect, it } from 'vitest';
import { customerChargeExportColumnsSchema } from '../../../api/src/modules/customer-charges/export';
import {
  buildGridQuery,
  buildGridView,
  CUSTOMER_CHARGE_COLUMN_IDS,
  customerChargeGridCatalogue,
} from '../../../api/src/modules/customer-charges/grid-query';
import { CHARGE_TYPES, FILTERABLE_COLUMNS, setColumnVisible } from './columns';
import {
  type ConditionNode,
  emptyGroup,
  fromAdvancedFilterModel,
  type GroupNode,
  newCondition,
  OPERATORS,
  operatorsFor,
  setJoin,
  toAdvancedFilterModel,
} from './expression';
import { typeFilterModel } from './type-filter';
import {
  activeConditionCount,
  exportRequest,
  filtersAfterDialog,
  filterTree,
  initialView,
  queryRequest,
  sortFromGrid,
  type ViewState,
} from './view';

// The API's own validator and translator (pure); the SQL of each column does not matter here.
type Catalogue = Parameters<typeof customerChargeGridCatalogue>[0];
type Options = Parameters<typeof buildGridQuery>[2];
const catalogue = customerChargeGridCatalogue(
  Object.fromEntries(
    CUSTOMER_CHARGE_COLUMN_IDS.map((id) => [id, { getSQL: () => undefined }]),
  ) as never as Catalogue,
);
const options = { tiebreak: { getSQL: () => undefined } } as never as Options;

function sample(colId: ConditionNode['colId'], operator: string): ConditionNode {
  const kind = FILTERABLE_COLUMNS.find((c) => c.id === colId)!.filter;
  const [value, valueTo] =
    kind === 'number'
      ? ['1.5', '7']
      : kind === 'date'
        ? ['2026-01-01', '2026-12-31']
        : kind === 'set'
          ? ['CREDIT', '']
          : ['acme', 'z'];
  return { ...newCondition(colId), operator, value: value!, valueTo: valueTo! };
}

describe('what the widget sends is what the API accepts', () => {
  it('every operator of every filterable column, nested AND/OR, as the advanced filter model', () => {
    const root = emptyGroup('AND');
    let inner: GroupNode = emptyGroup('OR');
    for (const column of FILTERABLE_COLUMNS) {
      for (const op of operatorsFor(column.id)) inner.children.push(sample(column.id, op.type));
    }
    inner = setJoin(inner, inner.id, 'OR');
    root.children.push(sample('customer', 'contains'), inner);
    const view = { ...initialView(), advancedFilterModel: toAdvancedFilterModel(root) };
    expect(() => buildGridQuery(catalogue, queryRequest(view, 0, 100), options)).not.toThrow();
    expect(() => buildGridView(catalogue, exportRequest(view, 'xlsx'), options)).not.toThrow();
    expect(Object.keys(OPERATORS)).toEqual(['text', 'number', 'date', 'set']);
  });

  it('the Debit/Credit column filter and AG Grid’s column filter models', () => {
    for (const type of CHARGE_TYPES) {
      const view: ViewState = {
        ...initialView(),
        filterModel: {
          type: typeFilterModel([type]),
          customer: {
            filterType: 'text',
            operator: 'OR',
            conditions: [
              { filterType: 'text', type: 'contains', filter: 'a' },
              { filterType: 'text', type: 'blank' },
            ],
          },
          invoiceDate: {
            filterType: 'date',
            type: 'inRange',
            dateFrom: '2026-01-01 00:00:00',
            dateTo: '2026-02-01 00:00:00',
          },
          quantity: { filterType: 'number', type: 'greaterThan', filter: 2 },
        },
      };
      expect(() => buildGridQuery(catalogue, queryRequest(view, 100, 200), options)).not.toThrow();
      // …and the same filters, moved into the advanced model by the pop-up.
      const moved = filtersAfterDialog(view, emptyGroup(), filterTree(view));
      expect(moved.filterModel).toEqual({});
      expect(() =>
        buildGridQuery(catalogue, queryRequest({ ...view, ...moved }, 0, 100), options),
      ).not.toThrow();
    }
  });

  it('the export’s columns', () => {
    const view = initialView();
    view.columns = setColumnVisible(view.columns, 'productName', true);
    const request = exportRequest(view, 'csv');
    expect(customerChargeExportColumnsSchema.safeParse(request.columns).success).toBe(true);
    expect(request.columns.at(-1)).toBe('productName');
    expect(request.columns).not.toContain('productType');
  });
});

describe('the view', () => {
  it('starts with invoice number descending, no filters, the default columns', () => {
    const view = initialView();
    expect(queryRequest(view, 0, 100)).toEqual({
      startRow: 0,
      endRow: 100,
      sortModel: [{ colId: 'invoiceNumber', sort: 'desc' }],
      filterModel: {},
      advancedFilterModel: null,
    });
    expect(activeConditionCount(view)).toBe(0);
  });

  it('exports the visible columns in their current order with the sort and filters', () => {
    const view: ViewState = {
      ...initialView(),
      sortModel: [{ colId: 'customer', sort: 'asc' }],
      filterModel: { quantity: { filterType: 'number', type: 'equals', filter: 1 } },
    };
    view.columns = [view.columns[3]!, ...view.columns.filter((_, i) => i !== 3)];
    view.columns = setColumnVisible(view.columns, 'unit', false);
    const request = exportRequest(view, 'xlsx');
    expect(request.columns.slice(0, 3)).toEqual(['customer', 'invoiceNumber', 'invoiceDate']);
    expect(request.columns).not.toContain('unit');
    expect(request).toMatchObject({ format: 'xlsx', sortModel: [{ colId: 'customer', sort: 'asc' }] });
    expect(request.filterModel).toEqual(view.filterModel);
    expect(request.filterModel).not.toBe(view.filterModel);
  });

  it('applying an unchanged filter tree keeps column filters; a changed one moves all into the advanced model', () => {
    const view: ViewState = {
      ...initialView(),
      filterModel: { customer: { filterType: 'text', type: 'contains', filter: 'a' } },
      advancedFilterModel: {
        filterType: 'join',
        type: 'OR',
        conditions: [{ colId: 'productName', filterType: 'text', type: 'blank' }],
      },
    };
    const opened = filterTree(view);
    expect(filtersAfterDialog(view, opened, fromAdvancedFilterModel(toAdvancedFilterModel(opened)))).toEqual({
      filterModel: view.filterModel,
      advancedFilterModel: view.advancedFilterModel,
    });
    const edited = setJoin(opened, opened.id, 'OR');
    expect(filtersAfterDialog(view, opened, edited)).toEqual({
      filterModel: {},
      advancedFilterModel: toAdvancedFilterModel(edited),
    });
    expect(filtersAfterDialog(view, opened, emptyGroup())).toEqual({
      filterModel: {},
      advancedFilterModel: null,
    });
    expect(activeConditionCount(view)).toBe(2);
  });

  it('reads the sort from the grid’s column state in sort-index order', () => {
    expect(
      sortFromGrid([
        { colId: 'invoiceNumber', sort: null },
        { colId: 'quantity', sort: 'asc', sortIndex: 1 },
        { colId: 'customer', sort: 'desc', sortIndex: 0 },
      ]),
    ).toEqual([
      { colId: 'customer', sort: 'desc' },
      { colId: 'quantity', sort: 'asc' },
    ]);
  });
});
