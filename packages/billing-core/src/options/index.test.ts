import { describe, expect, it } from 'vitest';
import { defaultBillingOptions, resolveBillingOptions } from './index';

describe('billing options', () => {
  it('defaults every SPEC §8 option', () => {
    expect(defaultBillingOptions).toMatchObject({
      accountTransferDisconnectionCreditRule: 'NO_DISCONNECTION_CREDIT',
      allowPaymentsAndAdjustmentsTowardsChildAccount: false,
      amountIncludesTax: false,
      exactDisconnectionCreditOnAdHocPriceChange: true,
      billTillEndOfCurrentPaytermForChangeOrder: false,
      enableConsolidatedPriceline: false,
      enableTaxAggregation: false,
      externalTaxIntegrationRequired: false,
      generateFullMonthChargeEvenAfterDisconnectionOfNodc: false,
      generateZeroValueCharge: false,
      monthDefinition: 'CALDAYS',
      invoiceGenerationRule: 'BILLING_PERIOD_WISE',
      prorataInclusive: false,
      regenerateCancelledInvoice: true,
      requiredProrataFlatDiscount: false,
      requiresCustomBillNumber: false,
      revenueRecognitionInterval: 'MONTH',
      taxOnInvoiceDate: false,
    });
  });

  it('fills a subset with defaults', () => {
    const o = resolveBillingOptions({ monthDefinition: '30_DAYS', prorataInclusive: true });
    expect(o.monthDefinition).toBe('30_DAYS');
    expect(o.prorataInclusive).toBe(true);
    expect(o.invoiceGenerationRule).toBe('BILLING_PERIOD_WISE');
  });

  it('rejects unknown options and values, naming the field', () => {
    expect(() => resolveBillingOptions({ monthDefinition: '31_DAYS' as 'CALDAYS' })).toThrowError(
      expect.objectContaining({ code: 'INVALID_OPTION', field: 'options.monthDefinition' }),
    );
    expect(() => resolveBillingOptions({ prorataInclusive: 'yes' as unknown as boolean })).toThrowError(
      expect.objectContaining({ code: 'INVALID_OPTION', field: 'options.prorataInclusive' }),
    );
    expect(() => resolveBillingOptions({ nope: true } as never)).toThrowError(
      expect.objectContaining({ code: 'UNKNOWN_OPTION', field: 'options.nope' }),
    );
    expect(() => resolveBillingOptions({ minimumVacationDays: 10, maximumVacationDays: 5 })).toThrowError(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    );
  });
});
