/** The edge schemas of the billing preview (issue 3): every bad field named, never a 500. */
import { isKnownCurrency, isValidIsoDate } from '@cascade/billing-core';
import { z } from 'zod';
import { partialOptionsSchema } from '../profile-options/schema';

export const isoDateSchema = z
  .string({ error: 'Must be a date as YYYY-MM-DD' })
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'Must be a date as YYYY-MM-DD' })
  .refine(isValidIsoDate, { error: 'Not a date on the calendar' });

export const currencySchema = z
  .string({ error: 'Must be an ISO 4217 currency code' })
  .refine(isKnownCurrency, { error: 'Unknown currency: must be an ISO 4217 code such as EUR' });

/** A non-negative decimal string with at most `decimals` decimals (no exponent, no float). */
export const decimalString = (decimals: number) =>
  z.string({ error: 'Must be a decimal string such as "12.50"' }).superRefine((v, ctx) => {
    if (/^-/.test(v)) {
      ctx.addIssue({ code: 'custom', message: 'Must not be negative' });
      return;
    }
    const m = /^(0|[1-9]\d{0,13})(?:\.(\d+))?$/.exec(v);
    if (!m) ctx.addIssue({ code: 'custom', message: 'Must be a decimal string such as "12.50"' });
    else if ((m[2]?.length ?? 0) > decimals)
      ctx.addIssue({ code: 'custom', message: `At most ${decimals} decimals` });
  });

const id = z.string({ error: 'Required' }).min(1, { error: 'Must not be empty' }).max(200);

const taxSchema = z.strictObject({
  code: z.string().min(1).max(50),
  type: z.string().min(1).max(50),
  chargeComponent: z.string().min(1).max(50),
  rates: z
    .array(
      z.strictObject({
        from: isoDateSchema,
        percent: decimalString(6).refine((p) => Number(p) <= 100, { error: 'At most 100' }),
      }),
    )
    .min(1, { error: 'At least one rate' })
    .max(100),
});

const lineSchema = z.strictObject({
  id,
  description: z.string().max(500),
  unitPrice: decimalString(6),
  adHocPrice: decimalString(6).nullable().optional(),
  quantity: decimalString(6),
  term: z.enum(['MONTH', 'YEAR'], { error: 'Term must be MONTH or YEAR' }),
  flatDiscount: decimalString(6).nullable().optional(),
  prorataRule: z.enum(['DAILY', 'FULL_MONTH'], { error: 'Must be DAILY or FULL_MONTH' }).optional(),
  installments: z
    .number({ error: 'Must be a whole number from 1 to 12' })
    .int({ error: 'Must be a whole number from 1 to 12' })
    .min(1, { error: 'Must be a whole number from 1 to 12' })
    .max(12, { error: 'Must be a whole number from 1 to 12' })
    .nullable()
    .optional(),
  taxes: z.array(taxSchema).max(20).optional(),
});

const subscriptionSchema = z.strictObject({
  id,
  name: z.string().max(200).optional(),
  accountId: id,
  orderDate: isoDateSchema,
  startDate: isoDateSchema,
  endDate: isoDateSchema.nullable().optional(),
  billingFrequencyMonths: z.union([z.literal(1), z.literal(3), z.literal(6), z.literal(12)], {
    error: 'Must be 1, 3, 6 or 12',
  }),
  lines: z.array(lineSchema).min(1, { error: 'At least one line' }).max(100),
});

export const previewRequestSchema = z
  .strictObject({
    currency: currencySchema,
    invoiceDate: isoDateSchema,
    options: partialOptionsSchema.optional(),
    subscriptions: z.array(subscriptionSchema).max(5000, { error: 'At most 5000 subscriptions' }),
  })
  .meta({ id: 'BillingPreviewRequest' });

const previewLine = z.object({
  subscriptionId: z.string(),
  lineIds: z.array(z.string()),
  description: z.string(),
  periodStart: z.string(),
  periodEnd: z.string(),
  quantity: z.string(),
  unitPrice: z.string(),
  discount: z.string(),
  amount: z.string(),
});

const previewTax = z.object({
  code: z.string(),
  type: z.string(),
  chargeComponent: z.string(),
  percent: z.string(),
  base: z.string(),
  amount: z.string(),
});

export const previewInvoiceSchema = z
  .object({
    accountId: z.string(),
    currency: z.string(),
    invoiceDate: z.string(),
    periodStart: z.string(),
    periodEnd: z.string(),
    lines: z.array(previewLine),
    taxes: z.array(previewTax),
    subtotal: z.string(),
    taxTotal: z.string(),
    total: z.string(),
  })
  .meta({ id: 'PreviewInvoice' });

export const previewResponseSchema = z
  .object({ invoices: z.array(previewInvoiceSchema) })
  .meta({ id: 'BillingPreviewResponse' });
