/**
 * Payment methods (SPEC §5): the client's chosen financial accounts, per client account. Stored as
 * the payment provider's reference plus masked details derived from the last 4 digits; a full card
 * or account number is refused (400) wherever it is sent. One default per account: the first
 * method added becomes it, setting another switches it in one transaction, and removing the
 * default (while others exist) or a method a billing profile uses is refused (409).
 */
import {
  billingProfiles,
  PAYMENT_METHOD_KINDS,
  paymentMethods,
  type Tenant,
  type Transaction,
  tenantScope,
} from '@cascade/db';
import { and, asc, count, eq, ne, type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import { writeAudit } from '../../platform/audit';
import { ApiError } from '../../platform/errors';
import { pageOf, pageQuery, pageWindow, toPage } from '../../platform/pagination';
import { defineRoute } from '../../platform/routes';
import { today } from '../ledger/command';
import {
  countOfAccount,
  defaultIdOf,
  pageOfAccountRows,
  switchDefault,
} from '../subscriptions/account-defaults';
import { BILLING_WRITERS, loadAccount, lockAccount } from '../subscriptions/accounts';
import {
  expiredBefore,
  FULL_NUMBER_MESSAGE,
  looksLikeFullNumber,
  maskedDetails,
  requiredDetails,
} from './masking';

export const paymentMethodSchema = z
  .object({
    id: z.string(),
    accountId: z.string(),
    accountName: z.string(),
    orgId: z.string(),
    kind: z.enum(PAYMENT_METHOD_KINDS),
    reference: z.string().describe("The payment provider's token or mandate reference."),
    maskedDetails: z.string().describe('For example `VISA **** 4242`; never a full number.'),
    holderName: z.string().nullable(),
    expires: z.string().nullable().describe('Cards: MM/YY.'),
    isDefault: z.boolean(),
    usedByProfiles: z.number().int().describe('How many billing profiles pay with it.'),
    createdAt: z.string(),
  })
  .meta({ id: 'PaymentMethod' });
type PaymentMethodOut = z.infer<typeof paymentMethodSchema>;

const noFullNumber = (schema: z.ZodString) =>
  schema.refine((v) => !looksLikeFullNumber(v), { error: FULL_NUMBER_MESSAGE });

const createBody = z
  .strictObject({
    accountId: z.string().min(1).max(200),
    kind: z.enum(PAYMENT_METHOD_KINDS, { error: `Must be one of ${PAYMENT_METHOD_KINDS.join(', ')}` }),
    reference: noFullNumber(
      z
        .string()
        .trim()
        .min(4, { error: "The payment provider's reference (token or mandate id), 4 to 200 characters" })
        .max(200, { error: 'At most 200 characters' })
        .regex(/^[A-Za-z0-9_:.-]+$/, { error: 'Letters, digits and _ : . - only (a provider reference)' }),
    ),
    label: noFullNumber(z.string().trim().max(40, { error: 'At most 40 characters' }))
      .optional()
      .describe('Card brand, bank or payment system name: `VISA`, `IBAN`, `PayPal`.'),
    last4: z
      .string()
      .trim()
      .refine((v) => !looksLikeFullNumber(v), { error: FULL_NUMBER_MESSAGE })
      .refine((v) => /^\d{4}$/.test(v), { error: 'The last 4 digits only' })
      .optional(),
    holderName: noFullNumber(z.string().trim().max(200, { error: 'At most 200 characters' })).optional(),
    expires: z
      .string()
      .regex(/^(0[1-9]|1[0-2])\/\d{2}$/, { error: 'Must be MM/YY, e.g. 08/28' })
      .optional(),
    isDefault: z.boolean().optional(),
  })
  .superRefine((v, ctx) => {
    const need = requiredDetails(v.kind);
    if (need.last4 && !v.last4) {
      ctx.addIssue({ code: 'custom', path: ['last4'], message: 'Required: the last 4 digits' });
    }
    if (need.expires && !v.expires) {
      ctx.addIssue({ code: 'custom', path: ['expires'], message: 'Required for a card: MM/YY' });
    }
    if (!need.expires && v.expires) {
      ctx.addIssue({ code: 'custom', path: ['expires'], message: 'Only cards have an expiry date' });
    }
    if (need.label && !v.label) {
      ctx.addIssue({
        code: 'custom',
        path: ['label'],
        message: 'Required: the payment system or method name',
      });
    }
    if (v.expires && expiredBefore(v.expires, today())) {
      ctx.addIssue({ code: 'custom', path: ['expires'], message: 'This card has expired' });
    }
  })
  .meta({ id: 'PaymentMethodCreate' });

const idParam = z.object({ id: z.string().min(1).max(200) });

const columns = {
  id: paymentMethods.id,
  accountId: paymentMethods.accountId,
  orgId: paymentMethods.orgId,
  kind: paymentMethods.kind,
  reference: paymentMethods.reference,
  maskedDetails: paymentMethods.maskedDetails,
  holderName: paymentMethods.holderName,
  expires: paymentMethods.expires,
  isDefault: paymentMethods.isDefault,
  createdAt: paymentMethods.createdAt,
  accountName: sql<string>`(select a.name from accounts a where a.distributor_id = "payment_methods"."distributor_id" and a.id = "payment_methods"."account_id")`,
  usedByProfiles: sql<number>`(select count(*)::int from billing_profiles bp where bp.distributor_id = "payment_methods"."distributor_id" and bp.payment_method_id = "payment_methods"."id")`,
};

const out = (r: Record<keyof typeof columns, unknown>): PaymentMethodOut =>
  ({
    ...r,
    usedByProfiles: Number(r.usedByProfiles),
    accountName: String(r.accountName ?? ''),
  }) as PaymentMethodOut;

async function readOne(tx: Transaction, session: { tenant: Tenant }, id: string) {
  const [row] = await tx
    .select(columns)
    .from(paymentMethods)
    .where(and(tenantScope(paymentMethods, session.tenant), eq(paymentMethods.id, id)))
    .limit(1);
  if (!row) throw ApiError.notFound('Payment method');
  return out(row);
}

/** Makes `id` the only default of its account (the account row is locked by the caller). */
const SORTS = {
  maskedDetails: paymentMethods.maskedDetails,
  kind: paymentMethods.kind,
  holderName: paymentMethods.holderName,
  createdAt: paymentMethods.createdAt,
  accountId: paymentMethods.accountId,
} as const;

export const paymentMethodRoutes = [
  defineRoute({
    method: 'GET',
    path: '/api/v1/payment-methods',
    summary: 'Payment methods of the accounts the caller may see',
    tags: ['payment-methods'],
    auth: {},
    request: {
      query: pageQuery({
        accountId: z.string().min(1).max(200).optional().describe('Only this account’s methods.'),
        sort: z.enum(Object.keys(SORTS) as [keyof typeof SORTS]).optional(),
        order: z.enum(['asc', 'desc']).optional(),
      }),
    },
    response: pageOf(paymentMethodSchema),
    async handler({ session, query, withTenant }) {
      const { offset, limit } = pageWindow(query);
      const where: SQL[] = [tenantScope(paymentMethods, session.tenant)];
      if (query.accountId) where.push(eq(paymentMethods.accountId, query.accountId));
      return withTenant(async (tx) => {
        const { rows, total } = await pageOfAccountRows(tx, paymentMethods, {
          columns,
          where,
          sort: query.sort && SORTS[query.sort],
          order: query.order,
          thenBy: paymentMethods.createdAt,
          offset,
          limit,
        });
        return toPage(rows.map(out), total);
      });
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/api/v1/payment-methods/:id',
    summary: 'One payment method',
    tags: ['payment-methods'],
    auth: {},
    request: { params: idParam },
    response: paymentMethodSchema,
    async handler({ session, params, withTenant }) {
      return withTenant((tx) => readOne(tx, session, params.id));
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/api/v1/payment-methods',
    summary: 'Add a payment method to an account',
    description:
      "ADMIN or BILLING_MANAGER. Send the payment provider's reference and the last 4 digits (cards: and MM/YY); the masked details are derived from them. A full card or account number anywhere is refused (400). The account's first method becomes its default. Needs an Idempotency-Key.",
    tags: ['payment-methods'],
    auth: { roles: BILLING_WRITERS },
    status: 201,
    moneyMoving: true,
    request: { body: createBody },
    response: paymentMethodSchema,
    async handler({ session, body, withTenant, requestId }) {
      return withTenant(async (tx) => {
        const account = await loadAccount(tx, session.tenant, body.accountId, 'accountId', {
          forUpdate: true,
        });
        const key = { distributorId: account.owner.distributorId, accountId: account.id };
        const id = crypto.randomUUID();
        const makeDefault = body.isDefault === true || (await countOfAccount(tx, paymentMethods, key)) === 0;
        await tx.insert(paymentMethods).values({
          ...account.owner,
          id,
          accountId: account.id,
          kind: body.kind,
          reference: body.reference,
          maskedDetails: maskedDetails(body),
          holderName: body.holderName || null,
          expires: body.expires ?? null,
          isDefault: false,
        });
        if (makeDefault) await switchDefault(tx, paymentMethods, key, id);
        const created = await readOne(tx, session, id);
        await writeAudit(tx, {
          actor: session,
          owner: account.owner,
          action: 'payment-method.create',
          entityType: 'payment-method',
          entityId: id,
          new: created,
          requestId,
        });
        return created;
      });
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/api/v1/payment-methods/:id/default',
    summary: "Make a payment method its account's default",
    description: 'ADMIN or BILLING_MANAGER. The previous default stops being one in the same transaction.',
    tags: ['payment-methods'],
    auth: { roles: BILLING_WRITERS },
    request: { params: idParam },
    response: paymentMethodSchema,
    async handler({ session, params, withTenant, requestId }) {
      return withTenant(async (tx) => {
        const before = await readOne(tx, session, params.id);
        const account = await lockAccount(tx, session.tenant, before.accountId);
        const key = { distributorId: account.owner.distributorId, accountId: account.id };
        const previous = await defaultIdOf(tx, paymentMethods, key);
        if (previous === params.id) return before;
        await switchDefault(tx, paymentMethods, key, params.id);
        const after = await readOne(tx, session, params.id);
        await writeAudit(tx, {
          actor: session,
          owner: account.owner,
          action: 'payment-method.set-default',
          entityType: 'payment-method',
          entityId: params.id,
          old: { isDefault: false, previousDefaultId: previous },
          new: { isDefault: true },
          requestId,
        });
        return after;
      });
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/api/v1/payment-methods/:id',
    summary: 'Remove a payment method',
    description:
      'ADMIN or BILLING_MANAGER. Refused (409) while a billing profile pays with it, or while it is the default and the account has other methods (make another the default first).',
    tags: ['payment-methods'],
    auth: { roles: BILLING_WRITERS },
    request: { params: idParam },
    response: z.object({ id: z.string(), removed: z.literal(true) }),
    async handler({ session, params, withTenant, requestId }) {
      return withTenant(async (tx) => {
        const before = await readOne(tx, session, params.id);
        const account = await lockAccount(tx, session.tenant, before.accountId);
        const users = await tx
          .select({ name: billingProfiles.name })
          .from(billingProfiles)
          .where(
            and(
              eq(billingProfiles.distributorId, account.owner.distributorId),
              eq(billingProfiles.paymentMethodId, params.id),
            ),
          )
          .orderBy(asc(billingProfiles.name));
        if (users.length > 0) {
          throw new ApiError(
            'conflict',
            `The billing profile${users.length > 1 ? 's' : ''} ${users.map((u) => `"${u.name}"`).join(', ')} pay${users.length > 1 ? '' : 's'} with this payment method: choose another one there first`,
            { id: 'Used by a billing profile' },
          );
        }
        if (before.isDefault) {
          const [others] = await tx
            .select({ n: count() })
            .from(paymentMethods)
            .where(
              and(
                eq(paymentMethods.distributorId, account.owner.distributorId),
                eq(paymentMethods.accountId, account.id),
                ne(paymentMethods.id, params.id),
              ),
            );
          if (Number(others?.n ?? 0) > 0) {
            throw new ApiError(
              'conflict',
              'This is the account’s default payment method: make another one the default first',
              { id: 'The default payment method' },
            );
          }
        }
        await tx
          .delete(paymentMethods)
          .where(
            and(
              eq(paymentMethods.distributorId, account.owner.distributorId),
              eq(paymentMethods.id, params.id),
            ),
          );
        await writeAudit(tx, {
          actor: session,
          owner: account.owner,
          action: 'payment-method.delete',
          entityType: 'payment-method',
          entityId: params.id,
          old: before,
          requestId,
        });
        return { id: params.id, removed: true as const };
      });
    },
  }),
];
