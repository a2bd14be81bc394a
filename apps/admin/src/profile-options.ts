// Billing profile options (SPEC §8, seed 004) as the admin shows them: each option's label, group,
// control and help text, plus the pure rules of the screen (what changed, client-side checks that
// mirror the API). The API has the last word; its definitions give the kinds and defaults.
import type { ApiClient, Page } from '@cascade/ui';

export type OptionValue = string | number | boolean | null;
export type OptionValues = Record<string, OptionValue>;
export type OptionKind = 'choice' | 'boolean' | 'integer' | 'decimal' | 'path' | 'template';

export interface OptionDefinition {
  key: string;
  kind: Exclude<OptionKind, 'template'>;
  values?: string[];
  default: string | number | boolean;
}

export interface ProfileOptionsAnswer {
  distributorId: string;
  options: OptionValues;
  defaults: OptionValues;
  definitions: OptionDefinition[];
  updatedAt: string | null;
  updatedBy: string | null;
}

export interface OptionHistoryEntry {
  at: string;
  actorUserId: string | null;
  old: Record<string, unknown> | null;
  new: Record<string, unknown> | null;
}

export interface OptionInfo {
  label: string;
  help: string;
  /** Labels of a choice's values, or of Yes/No. */
  valueLabels?: Record<string, string>;
}

export const OPTION_INFO: Record<string, OptionInfo> = {
  invoiceGenerationRule: {
    label: 'Invoice Generation Rule',
    help: 'When several billing periods are billed at once: one invoice per period, or a single consolidated invoice.',
    valueLabels: {
      BILLING_PERIOD_WISE: 'One invoice per billing period',
      CONSOLIDATED: 'One consolidated invoice',
    },
  },
  enableConsolidatedPriceline: {
    label: 'Enable Consolidated Priceline',
    help: 'Yes shows all services of a subscription in one period as a single priceline; taxes are still computed per service.',
  },
  generateZeroValueCharge: {
    label: 'Generate Zero Value Charge',
    help: 'Yes keeps lines whose price is zero on the invoice; No leaves them out.',
  },
  regenerateCancelledInvoice: {
    label: 'Regenerate Cancelled Invoice',
    help: 'Yes: a billing run for a period whose invoice was canceled issues a new one. No: that period is skipped.',
  },
  requiresCustomBillNumber: {
    label: 'Requires Custom Bill Number',
    help: 'Yes numbers invoices with the template below instead of the plain gapless sequence.',
  },
  customBillNumberTemplate: {
    label: 'Custom bill number template',
    help: 'Used when Requires Custom Bill Number is Yes, for example {ORG}-{YYYY}{MM}-{SEQ:6}.',
  },
  amountIncludesTax: {
    label: 'Amount Includes Tax',
    help: 'Yes shows prices including tax in bills, credit notes, debit notes and the account summary; No shows price and tax separately.',
  },
  enableTaxAggregation: {
    label: 'Enable Tax Aggregation',
    help: 'Yes computes tax once per group of charges sharing tax rate, code, type and charge component; No computes it per charge.',
  },
  externalTaxIntegrationRequired: {
    label: 'External Tax Integration Required',
    help: 'Yes takes tax amounts from an external tax service; if it fails, the invoice stays pending with the error recorded.',
  },
  taxOnInvoiceDate: {
    label: 'Tax on Invoice Date',
    help: 'Yes applies the tax rate in force on the invoice date; No applies the rate in force on the order date.',
  },
  monthDefinition: {
    label: 'Month Definition',
    help: 'How a daily price is derived: the monthly price divided by the days of that calendar month, or by 30.',
    valueLabels: { CALDAYS: 'Calendar days of the month', '30_DAYS': 'Always 30 days' },
  },
  prorataInclusive: {
    label: 'Prorata Inclusive',
    help: 'Yes bills the partial first period within the billing frequency (15 June to 31 August for 3 months); No adds it on top (15 June to 30 September).',
  },
  requiredProrataFlatDiscount: {
    label: 'Required Prorata Flat Discount',
    help: 'Yes prorates a flat discount when the charge is not for a full month; No applies it in full.',
  },
  billTillEndOfCurrentPaytermForChangeOrder: {
    label: 'Bill Till End of Current Payterm for Change Order',
    help: 'Yes bills a change order’s new configuration to the end of the current pay term at once; No bills it from the next period.',
  },
  accountTransferDisconnectionCreditRule: {
    label: 'Account Transfer – Disconnection Credit Rule',
    help: 'When a subscription moves to another account mid-period, what the transferer is credited for the unused days.',
    valueLabels: {
      NO_DISCONNECTION_CREDIT: 'No disconnection credit',
      EXACT_USAGE: 'Exact usage (credit for unused days)',
      CUSTOM_RULE: 'Custom rule (a percentage of the unused amount)',
    },
  },
  accountTransferCustomCreditPercent: {
    label: 'Custom rule credit (%)',
    help: 'With the custom rule: the percentage of the unused amount credited to the transferer (0 to 100).',
  },
  exactDisconnectionCreditOnAdHocPriceChange: {
    label: 'Exact Disconnection Credit on Ad Hoc Price Change',
    help: 'For a line whose price was changed ad hoc: Yes credits exactly from that price on disconnection; No gives no credit.',
  },
  generateFullMonthChargeEvenAfterDisconnectionOfNodc: {
    label: 'Generate Full Month Charge Even After Disconnection of NODC',
    help: 'For plans with prorata rule Full Month and credit rule NODC: No still credits the remaining whole months; Yes gives no credit.',
  },
  allowPaymentsAndAdjustmentsTowardsChildAccount: {
    label: 'Allow Payments and Adjustments towards Child Account',
    help: 'Yes lets payments, credit notes and debit notes target a child account; No refuses them with a clear error.',
  },
  invoicePdfFilePath: {
    label: 'Invoice PDF File Path',
    help: 'The storage location (a relative path) where invoice PDFs are written.',
  },
  soaFilePath: {
    label: 'SOA File Path',
    help: 'The storage location (a relative path) where statement-of-account PDFs are written.',
  },
  minimumVacationDays: {
    label: 'Minimum Vacation Days',
    help: 'The shortest vacation (suspension) a customer may request. Vacation days are not charged.',
  },
  maximumVacationDays: {
    label: 'Maximum Vacation Days',
    help: 'The longest vacation (suspension) a customer may request.',
  },
  revenueRecognitionInterval: {
    label: 'Revenue Recognition Interval',
    help: 'Revenue of each invoiced line is recognized per calendar month, per day, or per accounting period.',
    valueLabels: { MONTH: 'Month', DAY: 'Day', ACCOUNTING_PERIOD: 'Accounting period' },
  },
};

export const OPTION_GROUPS: { id: string; title: string; keys: string[] }[] = [
  {
    id: 'invoicing',
    title: 'Invoicing',
    keys: [
      'invoiceGenerationRule',
      'enableConsolidatedPriceline',
      'generateZeroValueCharge',
      'regenerateCancelledInvoice',
      'requiresCustomBillNumber',
      'customBillNumberTemplate',
    ],
  },
  {
    id: 'taxes',
    title: 'Taxes',
    keys: ['amountIncludesTax', 'enableTaxAggregation', 'externalTaxIntegrationRequired', 'taxOnInvoiceDate'],
  },
  {
    id: 'proration',
    title: 'Proration & periods',
    keys: [
      'monthDefinition',
      'prorataInclusive',
      'requiredProrataFlatDiscount',
      'billTillEndOfCurrentPaytermForChangeOrder',
    ],
  },
  {
    id: 'disconnection',
    title: 'Disconnection & transfer',
    keys: [
      'accountTransferDisconnectionCreditRule',
      'accountTransferCustomCreditPercent',
      'exactDisconnectionCreditOnAdHocPriceChange',
      'generateFullMonthChargeEvenAfterDisconnectionOfNodc',
    ],
  },
  { id: 'payments', title: 'Payments', keys: ['allowPaymentsAndAdjustmentsTowardsChildAccount'] },
  { id: 'documents', title: 'Documents & storage', keys: ['invoicePdfFilePath', 'soaFilePath'] },
  { id: 'vacations', title: 'Vacations', keys: ['minimumVacationDays', 'maximumVacationDays'] },
  { id: 'revenue', title: 'Revenue', keys: ['revenueRecognitionInterval'] },
];

/** The control of an option: from the API's definition, the template being the one extra. */
export function kindOf(key: string, definitions: OptionDefinition[]): OptionKind {
  if (key === 'customBillNumberTemplate') return 'template';
  return definitions.find((d) => d.key === key)?.kind ?? 'path';
}

/** An option's value as a person reads it. */
export function displayValue(key: string, value: unknown): string {
  if (value === null || value === undefined || value === '') return '(none)';
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  const label = OPTION_INFO[key]?.valueLabels?.[String(value)];
  return label ?? String(value);
}

/** The options that differ from what is stored: the PATCH body. */
export function changedOptions(saved: OptionValues, draft: OptionValues): OptionValues {
  const out: OptionValues = {};
  for (const [key, value] of Object.entries(draft)) {
    const normal = typeof value === 'string' && key !== 'customBillNumberTemplate' ? value.trim() : value;
    const template =
      key === 'customBillNumberTemplate' && typeof value === 'string' ? value.trim() || null : normal;
    if (template !== saved[key]) out[key] = template;
  }
  return out;
}

/** Checks the API also makes, so the obvious mistakes show before a round trip. */
export function validateOptions(draft: OptionValues): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const key of ['minimumVacationDays', 'maximumVacationDays']) {
    const v = draft[key];
    if (typeof v !== 'number' || !Number.isInteger(v)) errors[key] = 'Must be a whole number of days';
    else if (v < 0) errors[key] = 'Must be 0 or more';
    else if (v > 3650) errors[key] = 'At most 3650 days';
  }
  const min = draft.minimumVacationDays;
  const max = draft.maximumVacationDays;
  if (!errors.minimumVacationDays && !errors.maximumVacationDays && (min as number) > (max as number)) {
    errors.minimumVacationDays = 'The minimum vacation days must not be above the maximum';
  }
  for (const key of ['invoicePdfFilePath', 'soaFilePath']) {
    const v = typeof draft[key] === 'string' ? (draft[key] as string).trim() : '';
    if (!v) errors[key] = 'Must not be empty';
    else if (!/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/.test(v)) {
      errors[key] = 'Letters, digits, . _ - and / between segments only (a relative path)';
    } else if (v.split('/').some((s) => s === '.' || s === '..'))
      errors[key] = 'Must not contain . or .. segments';
  }
  const pct = draft.accountTransferCustomCreditPercent;
  if (typeof pct === 'string' && (!/^(0|[1-9]\d{0,2})(\.\d{1,6})?$/.test(pct.trim()) || Number(pct) > 100)) {
    errors.accountTransferCustomCreditPercent = 'Must be a number between 0 and 100';
  }
  const template =
    typeof draft.customBillNumberTemplate === 'string' ? draft.customBillNumberTemplate.trim() : '';
  if (draft.requiresCustomBillNumber === true && !template) {
    errors.customBillNumberTemplate = 'Set a template such as {ORG}-{YYYY}{MM}-{SEQ:6} first';
  }
  return errors;
}

/** One option's changes, newest first, from the history of the whole options record. */
export function historyOf(key: string, history: OptionHistoryEntry[]) {
  return history
    .filter((entry) => entry.new !== null && Object.hasOwn(entry.new, key))
    .map((entry) => ({
      at: entry.at,
      actorUserId: entry.actorUserId,
      old: entry.old?.[key],
      new: entry.new?.[key],
    }));
}

export function profileOptionsApi(client: ApiClient) {
  return {
    get: (signal?: AbortSignal) => client.get<ProfileOptionsAnswer>('/v1/profile-options', { signal }),
    save: (changes: OptionValues) => client.patch<ProfileOptionsAnswer>('/v1/profile-options', changes),
    history: (signal?: AbortSignal) =>
      client.get<Page<OptionHistoryEntry>>('/v1/profile-options/history', {
        signal,
        query: { startRow: 0, endRow: 500 },
      }),
  };
}
