/**
 * Prices along the chain (SPEC §6). Unit prices keep 6 decimals (rounded half away from zero);
 * totals are unit × quantity rounded once to the currency.
 *
 * - Unit cost price (distributor → reseller): the reseller's price list if it has one for the
 *   product (discount on the sell price, markup on the cost `cost × (1 + m)`, margin on the cost
 *   `cost / (1 − m)`, a direct price), else the distributor's sell price.
 * - Unit sell price (reseller → end customer): a special price for that customer and product, else
 *   the reseller's strategy: markup on the unit cost, or the SRP.
 */
import { BillingCoreError } from '../errors';
import {
  type CurrencyCode,
  Decimal,
  type DecimalValue,
  type Money,
  money,
  parseDecimal,
  roundUnitPrice,
} from '../money';

export type PriceListRule =
  | { kind: 'DISCOUNT_ON_SELL_PRICE'; percent: string }
  | { kind: 'MARKUP_ON_COST'; percent: string }
  | { kind: 'MARGIN_ON_COST'; percent: string }
  | { kind: 'DIRECT'; price: string };

export interface UnitCostInput {
  /** The distributor's sell price of the product. */
  sellPrice: DecimalValue;
  /** The distributor's own cost price, needed by markup and margin rules. */
  costPrice?: DecimalValue | null;
  /** The price list assigned to the reseller, if it covers the product. */
  priceList?: PriceListRule | null;
}

function percentOf(text: string, field: string): Decimal {
  return parseDecimal(text, { field, maxDecimals: 6 }).div(100);
}

function required(value: DecimalValue | null | undefined, field: string): Decimal {
  if (value === null || value === undefined) {
    throw new BillingCoreError('MISSING_PRICE', `${field} is required by this price list`, field);
  }
  return new Decimal(value);
}

export function unitCostPrice(input: UnitCostInput): Decimal {
  const rule = input.priceList;
  if (!rule) return roundUnitPrice(input.sellPrice);
  switch (rule.kind) {
    case 'DISCOUNT_ON_SELL_PRICE': {
      const d = percentOf(rule.percent, 'priceList.percent');
      if (d.greaterThan(1))
        throw new BillingCoreError('INVALID_PERCENT', 'A discount is at most 100 %', 'priceList.percent');
      return roundUnitPrice(new Decimal(input.sellPrice).times(new Decimal(1).minus(d)));
    }
    case 'MARKUP_ON_COST':
      return roundUnitPrice(
        required(input.costPrice, 'costPrice').times(
          new Decimal(1).plus(percentOf(rule.percent, 'priceList.percent')),
        ),
      );
    case 'MARGIN_ON_COST': {
      const m = percentOf(rule.percent, 'priceList.percent');
      if (m.greaterThanOrEqualTo(1)) {
        throw new BillingCoreError('INVALID_PERCENT', 'A margin must be below 100 %', 'priceList.percent');
      }
      return roundUnitPrice(required(input.costPrice, 'costPrice').div(new Decimal(1).minus(m)));
    }
    case 'DIRECT':
      return roundUnitPrice(parseDecimal(rule.price, { field: 'priceList.price', maxDecimals: 6 }));
  }
}

export type ResellerStrategy = { kind: 'MARKUP'; percent: string } | { kind: 'SRP' };
export type PricingStrategy = 'SPECIAL_PRICE' | 'MARKUP' | 'SRP';

export interface UnitSellInput {
  unitCost: DecimalValue;
  /** A special price for this end customer and product. */
  specialPrice?: DecimalValue | null;
  strategy: ResellerStrategy;
  /** The suggested retail price of the product. */
  srp?: DecimalValue | null;
}

export interface UnitSellPrice {
  unitSell: Decimal;
  strategy: PricingStrategy;
}

export function unitSellPrice(input: UnitSellInput): UnitSellPrice {
  if (input.specialPrice !== null && input.specialPrice !== undefined) {
    return { unitSell: roundUnitPrice(input.specialPrice), strategy: 'SPECIAL_PRICE' };
  }
  if (input.strategy.kind === 'MARKUP') {
    const m = percentOf(input.strategy.percent, 'strategy.percent');
    return {
      unitSell: roundUnitPrice(new Decimal(input.unitCost).times(new Decimal(1).plus(m))),
      strategy: 'MARKUP',
    };
  }
  return { unitSell: roundUnitPrice(required(input.srp, 'srp')), strategy: 'SRP' };
}

/** What an invoice item keeps of its pricing (SPEC §3), as decimal strings. */
export interface PricingSnapshot {
  unitCost: string;
  strategy: PricingStrategy;
  markupPercent: string | null;
  srp: string | null;
}

export function pricingSnapshot(
  unitCost: DecimalValue,
  strategy: ResellerStrategy,
  srp?: DecimalValue | null,
): PricingSnapshot {
  return {
    unitCost: roundUnitPrice(unitCost).toFixed(),
    strategy: strategy.kind,
    markupPercent:
      strategy.kind === 'MARKUP'
        ? parseDecimal(strategy.percent, { field: 'strategy.percent' }).toFixed()
        : null,
    srp: srp === null || srp === undefined ? null : roundUnitPrice(srp).toFixed(),
  };
}

export interface PriceTotals {
  totalCost: Money;
  totalSell: Money;
}

/** Total cost = unit cost × quantity; total sell = unit sell × quantity; each rounded once. */
export function priceTotals(
  unitCost: DecimalValue,
  unitSell: DecimalValue,
  quantity: DecimalValue,
  currency: CurrencyCode,
): PriceTotals {
  const q = new Decimal(quantity);
  return {
    totalCost: money(new Decimal(unitCost).times(q), currency),
    totalSell: money(new Decimal(unitSell).times(q), currency),
  };
}
