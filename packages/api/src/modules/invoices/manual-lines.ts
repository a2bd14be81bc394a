/**
 * A manual invoice's figures from what the seller typed: each line's amount (quantity × unit price,
 * rounded once to the currency), its taxes through billing-core's `computeTaxes` (per line, or
 * aggregated with Enable Tax Aggregation), each item's share of them, and the totals. Pure: the
 * route validates the input and writes the result.
 */
import {
  allocate,
  type CurrencyCode,
  computeTaxes,
  Decimal,
  type IsoDate,
  roundAmount,
  type TaxDefinition,
} from '@cascade/billing-core';

export interface ManualLineInput {
  description: string;
  quantity: string;
  unitPrice: string;
  /** The taxes of this line (the marketplace's tax definitions the seller chose). */
  taxes: readonly TaxDefinition[];
}

export interface ManualLine {
  lineNo: number;
  amount: Decimal;
  taxAmount: Decimal;
}

export interface ManualTax {
  lineNo: number;
  code: string;
  type: string;
  chargeComponent: string;
  percent: Decimal;
  base: Decimal;
  amount: Decimal;
}

export interface ManualFigures {
  lines: ManualLine[];
  taxes: ManualTax[];
  subtotal: Decimal;
  taxTotal: Decimal;
  total: Decimal;
}

const ZERO = new Decimal(0);

export function computeManualInvoice(
  lines: readonly ManualLineInput[],
  options: { currency: CurrencyCode; invoiceDate: IsoDate; aggregateTaxes: boolean },
): ManualFigures {
  const amounts = lines.map((l) => roundAmount(new Decimal(l.quantity).times(l.unitPrice), options.currency));
  const charges = lines.map((l, i) => ({
    id: String(i + 1),
    amount: amounts[i]!,
    taxes: l.taxes,
    taxDate: options.invoiceDate,
  }));
  const taxLines = computeTaxes(charges, { aggregate: options.aggregateTaxes, currency: options.currency });
  // Each line's share of each tax: exact, the shares of one tax add up to it.
  const shares = amounts.map(() => ZERO);
  for (const tax of taxLines) {
    const ids = tax.chargeIds.map((id) => Number(id) - 1);
    const weights = ids.map((i) => amounts[i]!);
    const usable = weights.some((w) => !w.isZero()) ? weights : weights.map(() => new Decimal(1));
    const parts = allocate({ amount: tax.amount, currency: options.currency }, usable);
    ids.forEach((i, k) => {
      shares[i] = shares[i]!.plus(parts[k]!.amount);
    });
  }
  const subtotal = amounts.reduce((s, a) => s.plus(a), ZERO);
  const taxTotal = taxLines.reduce((s, t) => s.plus(t.amount), ZERO);
  return {
    lines: amounts.map((amount, i) => ({ lineNo: i + 1, amount, taxAmount: shares[i]! })),
    taxes: taxLines.map((t, i) => ({
      lineNo: i + 1,
      code: t.code,
      type: t.type,
      chargeComponent: t.chargeComponent,
      percent: t.percent,
      base: t.base,
      amount: t.amount,
    })),
    subtotal,
    taxTotal,
    total: subtotal.plus(taxTotal),
  };
}
