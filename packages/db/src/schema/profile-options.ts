import { sql } from 'drizzle-orm';
import { boolean, check, integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { enumCheck, percent, ref, tstz } from './_columns';
import { marketplacePolicies, tenantColumns } from './_tenancy';
import { organizations } from './organizations';

export const DISCONNECTION_CREDIT_RULES = ['NO_DISCONNECTION_CREDIT', 'EXACT_USAGE', 'CUSTOM_RULE'] as const;
export const MONTH_DEFINITIONS = ['CALDAYS', '30_DAYS'] as const;
export const INVOICE_GENERATION_RULES = ['BILLING_PERIOD_WISE', 'CONSOLIDATED'] as const;
export const REVENUE_RECOGNITION_INTERVALS = ['MONTH', 'DAY', 'ACCOUNTING_PERIOD'] as const;

/**
 * The billing profile options of SPEC §8: one row per distributor (org_id = distributor_id), one
 * typed column per option. Typed columns rather than key/value rows, so the database itself checks
 * every value (enums, bounds, min ≤ max) and the engine reads one row with real types. The property
 * names are exactly billing-core's `BillingOptions` keys, and the column defaults its defaults.
 * Readable by the whole marketplace; written by the distributor only.
 */
export const billingProfileOptions = pgTable(
  'billing_profile_options',
  {
    ...tenantColumns(),
    accountTransferDisconnectionCreditRule: text('account_transfer_disconnection_credit_rule', {
      enum: DISCONNECTION_CREDIT_RULES,
    })
      .notNull()
      .default('NO_DISCONNECTION_CREDIT'),
    accountTransferCustomCreditPercent: percent('account_transfer_custom_credit_percent')
      .notNull()
      .default('0'),
    allowPaymentsAndAdjustmentsTowardsChildAccount: boolean(
      'allow_payments_and_adjustments_towards_child_account',
    )
      .notNull()
      .default(false),
    amountIncludesTax: boolean('amount_includes_tax').notNull().default(false),
    exactDisconnectionCreditOnAdHocPriceChange: boolean('exact_disconnection_credit_on_ad_hoc_price_change')
      .notNull()
      .default(true),
    billTillEndOfCurrentPaytermForChangeOrder: boolean('bill_till_end_of_current_payterm_for_change_order')
      .notNull()
      .default(false),
    enableConsolidatedPriceline: boolean('enable_consolidated_priceline').notNull().default(false),
    enableTaxAggregation: boolean('enable_tax_aggregation').notNull().default(false),
    externalTaxIntegrationRequired: boolean('external_tax_integration_required').notNull().default(false),
    generateFullMonthChargeEvenAfterDisconnectionOfNodc: boolean(
      'generate_full_month_charge_even_after_disconnection_of_nodc',
    )
      .notNull()
      .default(false),
    generateZeroValueCharge: boolean('generate_zero_value_charge').notNull().default(false),
    minimumVacationDays: integer('minimum_vacation_days').notNull().default(1),
    maximumVacationDays: integer('maximum_vacation_days').notNull().default(365),
    monthDefinition: text('month_definition', { enum: MONTH_DEFINITIONS }).notNull().default('CALDAYS'),
    invoiceGenerationRule: text('invoice_generation_rule', { enum: INVOICE_GENERATION_RULES })
      .notNull()
      .default('BILLING_PERIOD_WISE'),
    invoicePdfFilePath: text('invoice_pdf_file_path').notNull().default('invoices/pdf'),
    prorataInclusive: boolean('prorata_inclusive').notNull().default(false),
    regenerateCancelledInvoice: boolean('regenerate_cancelled_invoice').notNull().default(true),
    requiredProrataFlatDiscount: boolean('required_prorata_flat_discount').notNull().default(false),
    requiresCustomBillNumber: boolean('requires_custom_bill_number').notNull().default(false),
    /** The template used when Requires Custom Bill Number is on, e.g. `{ORG}-{YYYY}{MM}-{SEQ:6}`. */
    customBillNumberTemplate: text('custom_bill_number_template'),
    revenueRecognitionInterval: text('revenue_recognition_interval', { enum: REVENUE_RECOGNITION_INTERVALS })
      .notNull()
      .default('MONTH'),
    taxOnInvoiceDate: boolean('tax_on_invoice_date').notNull().default(false),
    soaFilePath: text('soa_file_path').notNull().default('soa/pdf'),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
    updatedBy: text('updated_by'),
  },
  (t) => [
    primaryKey({ columns: [t.distributorId] }),
    ref('billing_profile_options_org_fk', t, t.orgId, organizations),
    check('billing_profile_options_owner', sql`${t.orgId} = ${t.distributorId} and ${t.resellerId} is null`),
    enumCheck(
      'billing_profile_options_disconnection_rule',
      t.accountTransferDisconnectionCreditRule,
      DISCONNECTION_CREDIT_RULES,
    ),
    enumCheck('billing_profile_options_month_definition', t.monthDefinition, MONTH_DEFINITIONS),
    enumCheck('billing_profile_options_generation_rule', t.invoiceGenerationRule, INVOICE_GENERATION_RULES),
    enumCheck(
      'billing_profile_options_revenue_interval',
      t.revenueRecognitionInterval,
      REVENUE_RECOGNITION_INTERVALS,
    ),
    check(
      'billing_profile_options_custom_percent',
      sql`${t.accountTransferCustomCreditPercent} >= 0 and ${t.accountTransferCustomCreditPercent} <= 100`,
    ),
    check(
      'billing_profile_options_vacation',
      sql`${t.minimumVacationDays} >= 0 and ${t.minimumVacationDays} <= ${t.maximumVacationDays}`,
    ),
    check(
      'billing_profile_options_custom_number',
      sql`not ${t.requiresCustomBillNumber} or ${t.customBillNumberTemplate} is not null`,
    ),
    check(
      'billing_profile_options_paths',
      sql`length(${t.invoicePdfFilePath}) > 0 and length(${t.soaFilePath}) > 0`,
    ),
    ...marketplacePolicies(t),
  ],
);
