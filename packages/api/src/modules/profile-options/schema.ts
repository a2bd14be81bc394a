/**
 * The billing profile options at the edge (SPEC §8): one typed zod field per option, shared by the
 * options routes and the billing preview (whose `options` is any subset of them).
 */
import {
  type BillingOptions,
  billingOptionValues,
  defaultBillingOptions,
  validateNumberTemplate,
} from '@cascade/billing-core';
import { z } from 'zod';

const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: `Must be one of ${values.join(', ')}` });

const yesNo = z.boolean({ error: 'Must be true or false' });

const days = z
  .number({ error: 'Must be a whole number of days' })
  .int({ error: 'Must be a whole number of days' })
  .min(0, { error: 'Must be 0 or more' })
  .max(3650, { error: 'At most 3650 days' });

/** A storage location: a relative path of plain segments, never leaving its root. */
const storagePath = z
  .string({ error: 'Must be a storage location (a relative path)' })
  .trim()
  .min(1, { error: 'Must not be empty' })
  .max(200, { error: 'At most 200 characters' })
  .refine((p) => /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/.test(p), {
    error: 'Letters, digits, . _ - and / between segments only (a relative path)',
  })
  .refine((p) => !p.split('/').some((s) => s === '.' || s === '..'), {
    error: 'Must not contain . or .. segments',
  });

const creditPercent = z
  .string({ error: 'Must be a decimal string between 0 and 100' })
  .regex(/^(0|[1-9]\d{0,2})(\.\d{1,6})?$/, { error: 'Must be a decimal string between 0 and 100' })
  .refine((v) => Number(v) <= 100, { error: 'Must be at most 100' });

/** Every option, typed; `.partial()` of it is what a PATCH or a preview may send. */
export const billingOptionFields = {
  accountTransferDisconnectionCreditRule: oneOf(billingOptionValues.accountTransferDisconnectionCreditRule),
  accountTransferCustomCreditPercent: creditPercent,
  allowPaymentsAndAdjustmentsTowardsChildAccount: yesNo,
  amountIncludesTax: yesNo,
  exactDisconnectionCreditOnAdHocPriceChange: yesNo,
  billTillEndOfCurrentPaytermForChangeOrder: yesNo,
  enableConsolidatedPriceline: yesNo,
  enableTaxAggregation: yesNo,
  externalTaxIntegrationRequired: yesNo,
  generateFullMonthChargeEvenAfterDisconnectionOfNodc: yesNo,
  generateZeroValueCharge: yesNo,
  minimumVacationDays: days,
  maximumVacationDays: days,
  monthDefinition: oneOf(billingOptionValues.monthDefinition),
  invoiceGenerationRule: oneOf(billingOptionValues.invoiceGenerationRule),
  invoicePdfFilePath: storagePath,
  prorataInclusive: yesNo,
  regenerateCancelledInvoice: yesNo,
  requiredProrataFlatDiscount: yesNo,
  requiresCustomBillNumber: yesNo,
  revenueRecognitionInterval: oneOf(billingOptionValues.revenueRecognitionInterval),
  taxOnInvoiceDate: yesNo,
  soaFilePath: storagePath,
} satisfies Record<keyof BillingOptions, z.ZodType>;

export type OptionKey = keyof BillingOptions;
export const OPTION_KEYS = Object.keys(billingOptionFields) as OptionKey[];

const minNotAboveMax = (
  v: { minimumVacationDays?: number | undefined; maximumVacationDays?: number | undefined },
  ctx: z.RefinementCtx,
) => {
  if (
    v.minimumVacationDays !== undefined &&
    v.maximumVacationDays !== undefined &&
    v.minimumVacationDays > v.maximumVacationDays
  ) {
    ctx.addIssue({
      code: 'custom',
      path: ['minimumVacationDays'],
      message: 'The minimum vacation days must not be above the maximum',
    });
  }
};

/** Any subset of the options, unknown keys refused by name (the preview's `options`). */
export const partialOptionsSchema = z
  .strictObject(billingOptionFields)
  .partial()
  .superRefine(minNotAboveMax)
  .meta({ id: 'BillingOptionsPartial' });

const template = z
  .string({ error: 'Must be a template such as {ORG}-{YYYY}{MM}-{SEQ:6}' })
  .trim()
  .superRefine((t, ctx) => {
    const check = validateNumberTemplate(t);
    if (!check.ok) ctx.addIssue({ code: 'custom', message: check.message });
  });

/** PATCH body: any subset of the options, plus the custom bill number template. */
export const optionsPatchSchema = z
  .strictObject({ ...billingOptionFields, customBillNumberTemplate: template.nullable() })
  .partial()
  .superRefine(minNotAboveMax)
  .superRefine((v, ctx) => {
    if (Object.keys(v).length === 0) {
      ctx.addIssue({ code: 'custom', path: [], message: 'Send at least one option to change' });
    }
  })
  .meta({ id: 'BillingOptionsPatch' });

export const optionsSchema = z
  .object({ ...billingOptionFields, customBillNumberTemplate: z.string().nullable() })
  .meta({ id: 'BillingOptions' });

/** How the admin SPA draws each option: its kind of control, allowed values and default. */
export type OptionKind = 'choice' | 'boolean' | 'integer' | 'decimal' | 'path';
export const optionDefinitionSchema = z.object({
  key: z.string(),
  kind: z.enum(['choice', 'boolean', 'integer', 'decimal', 'path']),
  values: z.array(z.string()).optional(),
  default: z.union([z.string(), z.boolean(), z.number()]),
});

export const optionDefinitions = OPTION_KEYS.map((key) => {
  const d = defaultBillingOptions[key];
  const values = (billingOptionValues as Record<string, readonly string[]>)[key];
  const kind: OptionKind = values
    ? 'choice'
    : typeof d === 'boolean'
      ? 'boolean'
      : typeof d === 'number'
        ? 'integer'
        : key.endsWith('Percent')
          ? 'decimal'
          : 'path';
  return { key, kind, ...(values ? { values: [...values] } : {}), default: d };
});
