/**
 * Taxes on an invoice's charges.
 *
 * - The rate of a tax is the one in force on a date (the latest `from` on or before it): the invoice
 *   date with Tax on Invoice Date, otherwise the order date. The caller picks the date per charge.
 * - Per charge (default): one tax amount per charge and tax, each rounded once.
 * - Aggregated (Enable Tax Aggregation): one amount per group of charges with the same rate, code,
 *   type and charge component, computed on the group's summed base and rounded once.
 * - External Tax Integration: a `TaxProvider` (the HTTP adapter lives in the api package) supplies
 *   the amounts; any failure leaves the invoice PENDING with the error (`quoteExternalTaxes`).
 */
import type { IsoDate } from '../calendar';
import { parseIsoDate } from '../calendar';
import { BillingCoreError } from '../errors';
import { type CurrencyCode, currencyDecimals, Decimal, parseDecimal, parseMoney } from '../money';

export interface TaxRate {
  from: IsoDate;
  /** Percent as a decimal string: "10" is 10 %. */
  percent: string;
}

export interface TaxDefinition {
  code: string;
  type: string;
  chargeComponent: string;
  rates: readonly TaxRate[];
}

export interface TaxableCharge {
  id: string;
  /** The charge's stored (rounded) amount, the tax base. */
  amount: Decimal;
  taxes: readonly TaxDefinition[];
  /** The date whose rate applies. */
  taxDate: IsoDate;
}

export interface TaxLine {
  code: string;
  type: string;
  chargeComponent: string;
  percent: Decimal;
  base: Decimal;
  amount: Decimal;
  /** The charges this amount is computed on. */
  chargeIds: string[];
}

interface ParsedRates {
  /** Sorted by `from`, latest first. */
  rates: { from: IsoDate; percent: Decimal }[];
}

// Tax definitions are shared by many charges: parse and validate their rates once.
const parsedRates = new WeakMap<TaxDefinition, ParsedRates>();

function ratesOf(tax: TaxDefinition, field: string): ParsedRates {
  let parsed = parsedRates.get(tax);
  if (!parsed) {
    const rates = tax.rates.map((rate, i) => {
      parseIsoDate(rate.from, `${field}.rates.${i}.from`);
      return {
        from: rate.from,
        percent: parseDecimal(rate.percent, { field: `${field}.rates.${i}.percent`, maxDecimals: 6 }),
      };
    });
    parsed = { rates: rates.sort((a, b) => (a.from < b.from ? 1 : a.from > b.from ? -1 : 0)) };
    parsedRates.set(tax, parsed);
  }
  return parsed;
}

/** The percent in force on `date` (the latest `from` on or before it), or a `NO_TAX_RATE` error. */
export function rateInForce(tax: TaxDefinition, date: IsoDate, field = 'taxes'): Decimal {
  const best = ratesOf(tax, field).rates.find((rate) => rate.from <= date);
  if (!best) {
    throw new BillingCoreError('NO_TAX_RATE', `Tax ${tax.code} has no rate in force on ${date}`, field);
  }
  return best.percent;
}

function taxAmount(base: Decimal, percent: Decimal, decimals: number): Decimal {
  return base.times(percent).div(100).toDecimalPlaces(decimals, Decimal.ROUND_HALF_UP);
}

function groupKey(code: string, type: string, component: string, percent: Decimal): string {
  return JSON.stringify([code, type, component, percent.toFixed()]);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function computeTaxes(
  charges: readonly TaxableCharge[],
  options: { aggregate: boolean; currency: CurrencyCode },
): TaxLine[] {
  const decimals = currencyDecimals(options.currency);
  if (!options.aggregate) {
    const lines: TaxLine[] = [];
    for (const charge of charges) {
      for (const [i, tax] of charge.taxes.entries()) {
        const percent = rateInForce(tax, charge.taxDate, `taxes.${i}`);
        lines.push({
          code: tax.code,
          type: tax.type,
          chargeComponent: tax.chargeComponent,
          percent,
          base: charge.amount,
          amount: taxAmount(charge.amount, percent, decimals),
          chargeIds: [charge.id],
        });
      }
    }
    return lines;
  }
  const groups = new Map<string, TaxLine>();
  for (const charge of charges) {
    for (const [i, tax] of charge.taxes.entries()) {
      const percent = rateInForce(tax, charge.taxDate, `taxes.${i}`);
      const key = groupKey(tax.code, tax.type, tax.chargeComponent, percent);
      const group = groups.get(key);
      if (group) {
        group.base = group.base.plus(charge.amount);
        group.chargeIds.push(charge.id);
      } else {
        groups.set(key, {
          code: tax.code,
          type: tax.type,
          chargeComponent: tax.chargeComponent,
          percent,
          base: charge.amount,
          amount: new Decimal(0),
          chargeIds: [charge.id],
        });
      }
    }
  }
  const lines = [...groups.values()];
  for (const line of lines) {
    line.amount = taxAmount(line.base, line.percent, decimals);
    line.chargeIds.sort(compareText);
  }
  // Independent of the order of the charges.
  return lines.sort(
    (a, b) =>
      compareText(a.code, b.code) ||
      compareText(a.type, b.type) ||
      compareText(a.chargeComponent, b.chargeComponent) ||
      a.percent.comparedTo(b.percent),
  );
}

// ---- External Tax Integration ----------------------------------------------------------------

export interface ExternalTaxRequest {
  /** A stable key of the draft invoice, so a retried request can be recognized by the service. */
  invoiceKey: string;
  currency: CurrencyCode;
  invoiceDate: IsoDate;
  lines: { id: string; amount: string; taxes: { code: string; type: string; chargeComponent: string }[] }[];
}

export interface ExternalTaxResponse {
  taxes: {
    lineIds: string[];
    code: string;
    type: string;
    chargeComponent: string;
    percent: string;
    base: string;
    amount: string;
  }[];
}

/** What an external tax service offers; the HTTP adapter in the api package implements it. */
export interface TaxProvider {
  quote(request: ExternalTaxRequest): Promise<ExternalTaxResponse>;
}

export type ExternalTaxOutcome =
  | { status: 'READY'; taxes: TaxLine[] }
  | { status: 'PENDING'; error: { code: string; message: string } };

/** Validate a provider's answer strictly; a malformed answer is a failure like any other. */
export function acceptExternalTaxes(response: ExternalTaxResponse, currency: CurrencyCode): TaxLine[] {
  if (!response || !Array.isArray(response.taxes)) {
    throw new BillingCoreError('EXTERNAL_TAX_INVALID', 'The tax service answered without taxes', 'taxes');
  }
  return response.taxes.map((t, i) => ({
    code: String(t.code),
    type: String(t.type),
    chargeComponent: String(t.chargeComponent),
    percent: parseDecimal(t.percent, { field: `taxes.${i}.percent`, maxDecimals: 6 }),
    base: parseMoney(t.base, currency, { field: `taxes.${i}.base`, allowNegative: true }).amount,
    amount: parseMoney(t.amount, currency, { field: `taxes.${i}.amount`, allowNegative: true }).amount,
    chargeIds: Array.isArray(t.lineIds) ? t.lineIds.map(String) : [],
  }));
}

/** Ask the provider; never throws: a failure becomes PENDING with the error recorded. */
export async function quoteExternalTaxes(
  provider: TaxProvider,
  request: ExternalTaxRequest,
): Promise<ExternalTaxOutcome> {
  try {
    const response = await provider.quote(request);
    return { status: 'READY', taxes: acceptExternalTaxes(response, request.currency) };
  } catch (error) {
    const code = error instanceof BillingCoreError ? error.code : 'EXTERNAL_TAX_FAILED';
    const message = error instanceof Error ? error.message : String(error);
    return { status: 'PENDING', error: { code, message } };
  }
}
