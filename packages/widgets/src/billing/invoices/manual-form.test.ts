import { describe, expect, it } from 'vitest';
import { emptyLine, lineError, manualRequest } from './manual-form';

describe('manual invoice form', () => {
  it('builds the API request: trimmed numbers, Each by default, taxes only when chosen', () => {
    const a = { ...emptyLine(), description: 'Setup', quantity: ' 2 ', unitPrice: '10.5 ', unit: '' };
    const b = { ...emptyLine(['vat']), description: 'Hours', quantity: '3', unitPrice: '80', unit: 'Hour' };
    expect(manualRequest({ accountId: 'acc', invoiceDate: '2026-03-01', lines: [a, b] })).toEqual({
      accountId: 'acc',
      invoiceDate: '2026-03-01',
      lines: [
        { description: 'Setup', quantity: '2', unit: 'Each', unitPrice: '10.5' },
        { description: 'Hours', quantity: '3', unit: 'Hour', unitPrice: '80', taxIds: ['vat'] },
      ],
    });
    expect(manualRequest({ accountId: 'acc', invoiceDate: '', lines: [] })).toEqual({
      accountId: 'acc',
      lines: [],
    });
    expect(emptyLine().key).not.toBe(emptyLine().key);
  });

  it('finds the API’s error for a line’s field, including a tax of the line', () => {
    const fields = {
      'lines.0.quantity': 'Must be more than zero',
      'lines.1.taxIds.0': 'No such tax',
      lines: 'x',
    };
    expect(lineError(fields, 0, 'quantity')).toBe('Must be more than zero');
    expect(lineError(fields, 1, 'taxIds')).toBe('No such tax');
    expect(lineError(fields, 1, 'quantity')).toBeUndefined();
    expect(lineError({ 'lines.10.quantity': 'x' }, 1, 'quantity')).toBeUndefined();
  });
});
