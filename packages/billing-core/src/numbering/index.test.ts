import { describe, expect, it } from 'vitest';
import { formatInvoiceNumber, nextInvoiceNumber, validateNumberTemplate } from './index';

describe('invoice numbers', () => {
  it('follows the gapless counter by default', () => {
    let last = 0;
    const numbers: string[] = [];
    for (let i = 0; i < 3; i++) {
      const next = nextInvoiceNumber({
        lastSequence: last,
        requiresCustomBillNumber: false,
        orgCode: 'ACME',
        invoiceDate: '2026-07-01',
      });
      numbers.push(next.number);
      last = next.sequence;
    }
    expect(numbers).toEqual(['1', '2', '3']);
  });

  it('fills the custom template when Requires Custom Bill Number', () => {
    expect(
      nextInvoiceNumber({
        lastSequence: 41,
        requiresCustomBillNumber: true,
        template: '{ORG}-{YYYY}{MM}-{SEQ:6}',
        orgCode: 'ACME',
        invoiceDate: '2026-07-01',
      }),
    ).toEqual({ sequence: 42, number: 'ACME-202607-000042' });
    expect(
      formatInvoiceNumber('INV/{YY}/{DD}/{SEQ}', {
        orgCode: 'X',
        invoiceDate: '2026-07-09',
        sequence: 1234567,
      }),
    ).toBe('INV/26/09/1234567');
  });

  it('validates templates', () => {
    expect(validateNumberTemplate('{ORG}-{YYYY}{MM}-{SEQ:6}')).toEqual({ ok: true });
    for (const bad of [
      '',
      '{ORG}-{YYYY}',
      '{SEQ}{SEQ}',
      '{FOO}-{SEQ}',
      '{MM:2}-{SEQ}',
      'A B {SEQ}',
      '{SEQ:0}',
      '{SEQ:13}',
    ]) {
      expect(validateNumberTemplate(bad), bad).toMatchObject({
        ok: false,
        code: 'INVALID_NUMBER_TEMPLATE',
        field: 'template',
      });
    }
    expect(() =>
      nextInvoiceNumber({
        lastSequence: 0,
        requiresCustomBillNumber: true,
        template: null,
        orgCode: 'A',
        invoiceDate: '2026-01-01',
      }),
    ).toThrowError(expect.objectContaining({ code: 'MISSING_NUMBER_TEMPLATE' }));
    expect(() =>
      nextInvoiceNumber({
        lastSequence: -1,
        requiresCustomBillNumber: false,
        orgCode: 'A',
        invoiceDate: '2026-01-01',
      }),
    ).toThrowError(expect.objectContaining({ code: 'INVALID_SEQUENCE' }));
  });
});
