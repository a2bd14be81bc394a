import { describe, expect, it } from 'vitest';
import {
  amountText,
  attachmentDisposition,
  dateText,
  moneyText,
  percentText,
  periodText,
  quantityText,
  unitPriceText,
} from './format';

describe('document figures', () => {
  it("round amounts to the currency's minor unit, half away from zero, grouped", () => {
    expect(amountText('1234567.5', 'EUR')).toBe('1,234,567.50');
    expect(amountText('0.005', 'EUR')).toBe('0.01');
    expect(amountText('-0.005', 'EUR')).toBe('-0.01');
    expect(amountText('-1234.5', 'EUR')).toBe('-1,234.50');
    expect(amountText('-0.001', 'EUR')).toBe('0.00');
    expect(amountText('1234.5', 'JPY')).toBe('1,235');
    expect(amountText('999', 'JPY')).toBe('999');
    expect(amountText('1234.5', 'KWD')).toBe('1,234.500');
    expect(moneyText('10', 'USD')).toBe('10.00 USD');
  });

  it('keep unit prices to their own decimals, at least the minor unit', () => {
    expect(unitPriceText('11.900000', 'EUR')).toBe('11.90');
    expect(unitPriceText('0.096200', 'EUR')).toBe('0.0962');
    expect(unitPriceText('1234.5', 'EUR')).toBe('1,234.50');
    expect(unitPriceText('510.000000', 'JPY')).toBe('510');
    expect(unitPriceText('0.1234567', 'EUR')).toBe('0.123457');
  });

  it('print quantities, rates and dates plainly', () => {
    expect(quantityText('1200.0000')).toBe('1,200');
    expect(quantityText('2.5000')).toBe('2.5');
    expect(percentText('21.000000')).toBe('21 %');
    expect(dateText('2026-07-01')).toBe('1 Jul 2026');
    expect(dateText('2026-12-31')).toBe('31 Dec 2026');
    expect(periodText('2026-07-01', '2026-07-31')).toBe('1–31 Jul 2026');
    expect(periodText('2026-06-15', '2026-08-31')).toBe('15 Jun – 31 Aug 2026');
    expect(periodText('2025-12-01', '2026-01-31')).toBe('1 Dec 2025 – 31 Jan 2026');
    expect(periodText('2026-07-01', '2026-07-01')).toBe('1 Jul 2026');
    expect(periodText(null, null)).toBe('');
  });

  it('name downloads with an ASCII fallback and the exact UTF-8 name', () => {
    expect(attachmentDisposition('Invoice DST-000001.pdf')).toBe(
      `attachment; filename="Invoice DST-000001.pdf"; filename*=UTF-8''Invoice%20DST-000001.pdf`,
    );
    expect(attachmentDisposition('Statement acc-1 2026-01-01–2026-01-31.pdf')).toBe(
      `attachment; filename="Statement acc-1 2026-01-01-2026-01-31.pdf"; filename*=UTF-8''Statement%20acc-1%202026-01-01%E2%80%932026-01-31.pdf`,
    );
    const nasty = attachmentDisposition('Invoice "Ü\\x\r\n\'(1).pdf');
    expect(nasty).toContain(`filename="Invoice ___x__'(1).pdf"`);
    expect(nasty).not.toMatch(/[\r\n]/);
    expect(nasty.split('filename="')[1]!.split('"; ')[0]).not.toMatch(/["\\]/);
    expect(nasty).toContain("filename*=UTF-8''Invoice%20%22%C3%9C%5Cx%0D%0A%27%281%29.pdf");
  });
});
