import { describe, expect, it } from 'vitest';
import {
  CUSTOMER_CHARGE_COLUMN_IDS,
  CUSTOMER_CHARGE_COLUMN_RULES,
} from '../../../api/src/modules/customer-charges/grid-query/columns';
import {
  CHARGE_COLUMNS,
  COLUMN_IDS,
  canHide,
  chargeTypeLabel,
  defaultColumnState,
  normalizeColumnState,
  setColumnVisible,
  visibleColumnIds,
} from './columns';

describe('the column catalogue', () => {
  it('has the API’s ids in the API’s order, with its sort and filter rules', () => {
    expect(COLUMN_IDS).toEqual(CUSTOMER_CHARGE_COLUMN_IDS);
    expect(CHARGE_COLUMNS.map((c) => c.id)).toEqual([...CUSTOMER_CHARGE_COLUMN_IDS]);
    for (const column of CHARGE_COLUMNS) {
      const rule = CUSTOMER_CHARGE_COLUMN_RULES[column.id];
      expect({ id: column.id, sortable: column.sortable, filterable: column.filter !== null }).toEqual({
        id: column.id,
        sortable: rule.sortable,
        filterable: rule.filterable,
      });
      if (column.filter) expect(column.filter).toBe(rule.kind);
    }
  });

  it('gives the four prices no sort and no filter (SPEC §7), and Type a Debit/Credit filter only', () => {
    for (const id of ['unitCostPrice', 'unitSellPrice', 'totalCostPrice', 'totalSellPrice']) {
      const column = CHARGE_COLUMNS.find((c) => c.id === id)!;
      expect([column.sortable, column.filter]).toEqual([false, null]);
    }
    const type = CHARGE_COLUMNS.find((c) => c.id === 'type')!;
    expect([type.sortable, type.filter]).toEqual([false, 'set']);
    expect(chargeTypeLabel('CREDIT')).toBe('Credit');
    expect(chargeTypeLabel('debit')).toBe('Debit');
  });
});

describe('column state', () => {
  it('shows every column but Product type and Product name by default', () => {
    expect(visibleColumnIds(defaultColumnState())).toEqual(
      COLUMN_IDS.filter((id) => id !== 'productType' && id !== 'productName'),
    );
  });

  it('normalizes: drops unknown ids and repeats, appends missing columns, keeps one visible', () => {
    const state = normalizeColumnState([
      { id: 'customer', visible: true },
      { id: 'nope', visible: true },
      { id: 'customer', visible: false },
      { id: 'invoiceNumber', visible: false },
    ]);
    expect(state.slice(0, 2)).toEqual([
      { id: 'customer', visible: true },
      { id: 'invoiceNumber', visible: false },
    ]);
    expect(state.map((c) => c.id).sort()).toEqual([...COLUMN_IDS].sort());
    expect(state.find((c) => c.id === 'productName')?.visible).toBe(false);

    const none = normalizeColumnState(COLUMN_IDS.map((id) => ({ id, visible: false })));
    expect(visibleColumnIds(none)).toEqual(['invoiceNumber']);
  });

  it('shows and hides one column, never the last one', () => {
    let state = setColumnVisible(defaultColumnState(), 'productName', true);
    expect(visibleColumnIds(state)).toContain('productName');
    state = setColumnVisible(state, 'customer', false);
    expect(visibleColumnIds(state)).not.toContain('customer');

    let only = normalizeColumnState([{ id: 'quantity', visible: true }]).map((c) => ({
      ...c,
      visible: c.id === 'quantity',
    }));
    expect(canHide(only, 'quantity')).toBe(false);
    only = setColumnVisible(only, 'quantity', false);
    expect(visibleColumnIds(only)).toEqual(['quantity']);
  });
});
