import { createPinia } from 'pinia';
import { describe, expect, it } from 'vitest';
import { defineCustomerChargesStore, uniqueStoreId } from './store';

describe('the widget store', () => {
  it('is one per widget: two widgets on one page do not share state', () => {
    const pinia = createPinia();
    const a = defineCustomerChargesStore(uniqueStoreId())(pinia);
    const b = defineCustomerChargesStore(uniqueStoreId())(pinia);
    a.setFilterModel({ customer: { filterType: 'text', type: 'contains', filter: 'x' } });
    a.showColumn('productName', true);
    expect(b.view.filterModel).toEqual({});
    expect(b.visibleColumns).not.toContain('productName');
    expect(a.conditionCount).toBe(1);
    expect(a.filterSummary).toBe('Customer contains “x”');
  });

  it('keeps loading, empty, error and export status', () => {
    const store = defineCustomerChargesStore(uniqueStoreId())(createPinia());
    store.blockLoaded(0, 0, 0);
    expect(store.isEmpty).toBe(true);
    store.blockFailed(new Error('Invalid grid request: sortModel.0.colId'));
    expect(store.error).toBe('Invalid grid request: sortModel.0.colId');
    expect(store.isEmpty).toBe(false);
    store.viewChanged();
    expect([store.error, store.rowCount]).toEqual([null, null]);

    store.exportStarted('csv');
    store.exportProgress(1024, null);
    expect(store.exportStatus).toMatchObject({ phase: 'running', format: 'csv', bytes: 1024 });
    store.exportFinished('Customer Charges.csv', 2048);
    expect(store.exportStatus).toMatchObject({
      phase: 'done',
      fileName: 'Customer Charges.csv',
      bytes: 2048,
    });
  });

  it('applies the pop-up: columns as chosen, a changed filter tree into the advanced model', () => {
    const store = defineCustomerChargesStore(uniqueStoreId())(createPinia());
    store.setFilterModel({ customer: { filterType: 'text', type: 'contains', filter: 'x' } });
    const opened = store.filterTree();
    const edited = { ...opened, join: 'OR' as const };
    const columns = store.view.columns.map((c) => ({ ...c, visible: c.id !== 'unit' }));
    store.applyDialog(opened, edited, columns);
    expect(store.view.filterModel).toEqual({});
    expect(store.view.advancedFilterModel).toEqual({
      filterType: 'join',
      type: 'OR',
      conditions: [{ colId: 'customer', filterType: 'text', type: 'contains', filter: 'x' }],
    });
    expect(store.visibleColumns).not.toContain('unit');
    expect(store.visibleColumns).toContain('productType');
    store.clearFilters();
    expect(store.conditionCount).toBe(0);
  });
});
