import { describe, expect, it } from 'vitest';
import { formatMoney } from '../money';
import { priceTotals, pricingSnapshot, unitCostPrice, unitSellPrice } from './index';

describe('unit cost price', () => {
  it("is the distributor's sell price without a price list", () => {
    expect(unitCostPrice({ sellPrice: '12.5' }).toFixed()).toBe('12.5');
  });

  it('applies each kind of price list', () => {
    expect(
      unitCostPrice({
        sellPrice: '100',
        priceList: { kind: 'DISCOUNT_ON_SELL_PRICE', percent: '15' },
      }).toFixed(),
    ).toBe('85');
    expect(
      unitCostPrice({
        sellPrice: '100',
        costPrice: '80',
        priceList: { kind: 'MARKUP_ON_COST', percent: '10' },
      }).toFixed(),
    ).toBe('88');
    // margin: 80 / (1 - 0.2) = 100
    expect(
      unitCostPrice({
        sellPrice: '120',
        costPrice: '80',
        priceList: { kind: 'MARGIN_ON_COST', percent: '20' },
      }).toFixed(),
    ).toBe('100');
    // 10 / 0.7 = 14.2857142857… kept to 6 decimals
    expect(
      unitCostPrice({
        sellPrice: '1',
        costPrice: '10',
        priceList: { kind: 'MARGIN_ON_COST', percent: '30' },
      }).toFixed(),
    ).toBe('14.285714');
    expect(
      unitCostPrice({ sellPrice: '100', priceList: { kind: 'DIRECT', price: '77.123456' } }).toFixed(),
    ).toBe('77.123456');
  });

  it('refuses impossible rules', () => {
    expect(() =>
      unitCostPrice({
        sellPrice: '1',
        costPrice: '1',
        priceList: { kind: 'MARGIN_ON_COST', percent: '100' },
      }),
    ).toThrowError(expect.objectContaining({ code: 'INVALID_PERCENT' }));
    expect(() =>
      unitCostPrice({ sellPrice: '1', priceList: { kind: 'MARKUP_ON_COST', percent: '5' } }),
    ).toThrowError(expect.objectContaining({ code: 'MISSING_PRICE', field: 'costPrice' }));
  });
});

describe('unit sell price', () => {
  it('prefers the special price, then the strategy', () => {
    expect(
      unitSellPrice({ unitCost: '88', specialPrice: '95', strategy: { kind: 'SRP' }, srp: '120' }),
    ).toMatchObject({
      strategy: 'SPECIAL_PRICE',
    });
    const markup = unitSellPrice({ unitCost: '88', strategy: { kind: 'MARKUP', percent: '12.5' } });
    expect([markup.strategy, markup.unitSell.toFixed()]).toEqual(['MARKUP', '99']);
    const srp = unitSellPrice({ unitCost: '88', strategy: { kind: 'SRP' }, srp: '120' });
    expect([srp.strategy, srp.unitSell.toFixed()]).toEqual(['SRP', '120']);
  });

  it('builds the pricing snapshot and totals', () => {
    expect(pricingSnapshot('88', { kind: 'MARKUP', percent: '12.5' }, '120')).toEqual({
      unitCost: '88',
      strategy: 'MARKUP',
      markupPercent: '12.5',
      srp: '120',
    });
    const totals = priceTotals('14.285714', '19.999999', '3', 'EUR');
    expect([formatMoney(totals.totalCost), formatMoney(totals.totalSell)]).toEqual(['42.86', '60.00']);
    expect(formatMoney(priceTotals('0.5', '1.5', '1', 'JPY').totalCost)).toBe('1');
  });
});
