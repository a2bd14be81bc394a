import { describe, expect, it } from 'vitest';
import type { CustomerChargeRow } from './api';
import { columnById } from './columns';
import { formatCell, formatQuantity } from './format';
import { safeLink } from './grid';

const row: Partial<CustomerChargeRow> = {
  invoiceNumber: 'INV-0001',
  invoiceDate: '2026-03-05',
  type: 'CREDIT',
  unitCostPrice: '12.345678',
  totalSellPrice: '-12345678901234567.89',
  quantity: '3.000',
  currency: 'EUR',
  customer: null,
};

const cell = (id: string, locale = 'en-US') => formatCell(columnById(id)!, row, { locale });

describe('cells', () => {
  it('formats money per currency and locale, exactly (no float)', () => {
    expect(cell('totalSellPrice')).toBe('-€12,345,678,901,234,567.89');
    expect(cell('totalSellPrice', 'de-DE')).toBe('-12.345.678.901.234.567,89\u00a0€');
    expect(cell('unitCostPrice')).toBe('€12.345678');
    expect(
      formatCell(
        columnById('totalCostPrice')!,
        { totalCostPrice: '5', currency: 'JPY' },
        { locale: 'en-US' },
      ),
    ).toBe('¥5');
  });

  it('formats dates as calendar days, types as Debit/Credit, quantities without trailing zeros', () => {
    expect(cell('invoiceDate')).toBe('Mar 5, 2026');
    expect(cell('type')).toBe('Credit');
    expect(cell('quantity')).toBe('3');
    expect(formatQuantity('1234.5', 'en-US')).toBe('1,234.5');
    expect(cell('customer')).toBe('');
    expect(formatCell(columnById('invoiceDate')!, undefined)).toBe('');
  });

  it('shows a value it cannot format as it came, rather than failing', () => {
    expect(formatCell(columnById('invoiceDate')!, { invoiceDate: 'soon' })).toBe('soon');
    expect(formatCell(columnById('totalCostPrice')!, { totalCostPrice: 'n/a', currency: 'EUR' })).toBe('n/a');
  });

  it('links invoices over http(s) only', () => {
    expect(safeLink('https://store.example/invoices/1')).toBe('https://store.example/invoices/1');
    expect(safeLink('/invoices/1', 'https://a.example/x')).toBe('https://a.example/invoices/1');
    expect(safeLink('javascript:alert(1)')).toBeNull();
    expect(safeLink('')).toBeNull();
    expect(safeLink(null)).toBeNull();
  });
});
