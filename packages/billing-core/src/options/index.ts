/**
 * Billing profile options (SPEC §8): the distributor's settings that change what the engine does.
 * `defaultBillingOptions` holds the default of every option; `resolveBillingOptions` fills a
 * partial set (e.g. the preview request's `options`) and rejects unknown values.
 */
import { BillingCoreError } from '../errors';

export type DisconnectionCreditRule = 'NO_DISCONNECTION_CREDIT' | 'EXACT_USAGE' | 'CUSTOM_RULE';
export type InvoiceGenerationRule = 'BILLING_PERIOD_WISE' | 'CONSOLIDATED';
export type RevenueRecognitionInterval = 'MONTH' | 'DAY' | 'ACCOUNTING_PERIOD';
export type MonthDefinitionOption = 'CALDAYS' | '30_DAYS';

export interface BillingOptions {
  /** Account Transfer – Disconnection Credit Rule. */
  accountTransferDisconnectionCreditRule: DisconnectionCreditRule;
  /** Percentage of the unused amount credited under CUSTOM_RULE (a decimal string, "0".."100"). */
  accountTransferCustomCreditPercent: string;
  allowPaymentsAndAdjustmentsTowardsChildAccount: boolean;
  amountIncludesTax: boolean;
  exactDisconnectionCreditOnAdHocPriceChange: boolean;
  billTillEndOfCurrentPaytermForChangeOrder: boolean;
  enableConsolidatedPriceline: boolean;
  enableTaxAggregation: boolean;
  externalTaxIntegrationRequired: boolean;
  generateFullMonthChargeEvenAfterDisconnectionOfNodc: boolean;
  generateZeroValueCharge: boolean;
  minimumVacationDays: number;
  maximumVacationDays: number;
  monthDefinition: MonthDefinitionOption;
  invoiceGenerationRule: InvoiceGenerationRule;
  invoicePdfFilePath: string;
  prorataInclusive: boolean;
  regenerateCancelledInvoice: boolean;
  requiredProrataFlatDiscount: boolean;
  requiresCustomBillNumber: boolean;
  revenueRecognitionInterval: RevenueRecognitionInterval;
  taxOnInvoiceDate: boolean;
  soaFilePath: string;
}

export const defaultBillingOptions: Readonly<BillingOptions> = Object.freeze({
  accountTransferDisconnectionCreditRule: 'NO_DISCONNECTION_CREDIT',
  accountTransferCustomCreditPercent: '0',
  allowPaymentsAndAdjustmentsTowardsChildAccount: false,
  amountIncludesTax: false,
  exactDisconnectionCreditOnAdHocPriceChange: true,
  billTillEndOfCurrentPaytermForChangeOrder: false,
  enableConsolidatedPriceline: false,
  enableTaxAggregation: false,
  externalTaxIntegrationRequired: false,
  generateFullMonthChargeEvenAfterDisconnectionOfNodc: false,
  generateZeroValueCharge: false,
  // The seed gives no defaults for the vacation bounds: one day up to a year.
  minimumVacationDays: 1,
  maximumVacationDays: 365,
  monthDefinition: 'CALDAYS',
  invoiceGenerationRule: 'BILLING_PERIOD_WISE',
  invoicePdfFilePath: 'invoices/pdf',
  prorataInclusive: false,
  regenerateCancelledInvoice: true,
  requiredProrataFlatDiscount: false,
  requiresCustomBillNumber: false,
  revenueRecognitionInterval: 'MONTH',
  taxOnInvoiceDate: false,
  soaFilePath: 'soa/pdf',
});

/** Allowed values of the enumerated options (default first), for validators and the admin SPA. */
export const billingOptionValues = {
  accountTransferDisconnectionCreditRule: ['NO_DISCONNECTION_CREDIT', 'EXACT_USAGE', 'CUSTOM_RULE'],
  monthDefinition: ['CALDAYS', '30_DAYS'],
  invoiceGenerationRule: ['BILLING_PERIOD_WISE', 'CONSOLIDATED'],
  revenueRecognitionInterval: ['MONTH', 'DAY', 'ACCOUNTING_PERIOD'],
} as const;

export function resolveBillingOptions(partial: Partial<BillingOptions> = {}): BillingOptions {
  const options: BillingOptions = { ...defaultBillingOptions };
  for (const [key, value] of Object.entries(partial)) {
    if (value === undefined) continue;
    const field = `options.${key}`;
    if (!Object.hasOwn(defaultBillingOptions, key)) {
      throw new BillingCoreError('UNKNOWN_OPTION', `Unknown billing option "${key}"`, field);
    }
    const k = key as keyof BillingOptions;
    const expected = typeof defaultBillingOptions[k];
    if (typeof value !== expected) {
      throw new BillingCoreError('INVALID_OPTION', `${key} must be a ${expected}`, field);
    }
    const allowed = (billingOptionValues as Record<string, readonly string[]>)[key];
    if (allowed && !allowed.includes(value as string)) {
      throw new BillingCoreError('INVALID_OPTION', `${key} must be one of ${allowed.join(', ')}`, field);
    }
    if (expected === 'number' && (!Number.isInteger(value) || (value as number) < 0)) {
      throw new BillingCoreError('INVALID_OPTION', `${key} must be a non-negative integer`, field);
    }
    (options as unknown as Record<string, unknown>)[key] = value;
  }
  if (options.minimumVacationDays > options.maximumVacationDays) {
    throw new BillingCoreError(
      'INVALID_OPTION',
      'minimumVacationDays must not exceed maximumVacationDays',
      'options.minimumVacationDays',
    );
  }
  const pct = Number(options.accountTransferCustomCreditPercent);
  if (!/^\d{1,3}(\.\d{1,6})?$/.test(options.accountTransferCustomCreditPercent) || pct > 100) {
    throw new BillingCoreError(
      'INVALID_OPTION',
      'accountTransferCustomCreditPercent must be a decimal between 0 and 100',
      'options.accountTransferCustomCreditPercent',
    );
  }
  return options;
}
