import { describe, expect, it } from 'vitest';
import { creditNoteRequest, fieldsByLine } from './request';

const form = {
  reason: 'RETURN' as const,
  note: '',
  mode: 'items' as const,
  amount: '',
  lines: [
    { lineNo: 3, on: true, quantity: '2' },
    { lineNo: 1, on: true, quantity: ' ' },
    { lineNo: 2, on: false, quantity: '5' },
  ],
};

describe('credit note request', () => {
  it('credits the chosen lines in line order; an empty quantity means what remains', () => {
    expect(creditNoteRequest(form)).toEqual({
      ok: true,
      request: { reason: 'Return', items: [{ lineNo: 1 }, { lineNo: 3, quantity: '2' }] },
    });
  });

  it('credits an amount with the reason and note', () => {
    expect(
      creditNoteRequest({ ...form, mode: 'amount', amount: ' 25.00 ', reason: 'DISCOUNT', note: 'loyalty' }),
    ).toEqual({
      ok: true,
      request: { reason: 'Discount: loyalty', amount: '25.00' },
    });
  });

  it('asks for what is missing before calling the API', () => {
    expect(creditNoteRequest({ ...form, lines: form.lines.map((l) => ({ ...l, on: false })) })).toEqual({
      ok: false,
      fields: { items: 'Choose at least one item' },
    });
    expect(creditNoteRequest({ ...form, mode: 'amount' })).toEqual({
      ok: false,
      fields: { amount: 'Enter the amount to credit' },
    });
  });

  it('puts the API’s item errors beside the line they name', () => {
    const request = { items: [{ lineNo: 1 }, { lineNo: 3, quantity: '9' }] };
    expect(fieldsByLine({ 'items.1.quantity': 'At most 2', total: 'Too much' }, request)).toEqual({
      fields: { total: 'Too much' },
      lines: { 3: 'At most 2' },
    });
  });
});
