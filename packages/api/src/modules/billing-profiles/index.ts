/**
 * Billing profiles (SPEC §5): the billing address, payment method and contacts of a client account;
 * subscriptions (and through them invoices) point at one. A profile's payment method must be one
 * of the same account. One default per account: the first profile becomes it, setting another
 * switches it in one transaction, and the default cannot be unset (make another the default).
 */
import { billingProfiles, paymentMethods, type Tenant, type Transaction, tenantScope } from '@cascade/db';
import { and, eq, type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import { writeAudit } from '../../platform/audit';
import { ApiError } from '../../platform/errors';
import { pageOf, pageQuery, pageWindow, toPage } from '../../platform/pagination';
import { defineRoute } from '../../platform/routes';
import { countOfAccount, pageOfAccountRows, switchDefault } from '../subscriptions/account-defaults';
import { BILLING_WRITERS, loadAccount } from '../subscriptions/accounts';
import { changedFields } from '../subscriptions/audit-diff';
import { findRegion } from '../subscriptions/regions';

export const billingProfileSchema = z
  .object({
    id: z.string(),
    accountId: z.string(),
    accountName: z.string(),
    orgId: z.string(),
    name: z.string(),
    isDefault: z.boolean(),
    paymentMethodId: z.string().nullable(),
    paymentMethodDetails: z.string().nullable().describe('The masked details of its payment method.'),
    addressLine1: z.string().nullable(),
    addressLine2: z.string().nullable(),
    city: z.string().nullable(),
    postalCode: z.string().nullable(),
    region: z.string().nullable().describe('State/province (ISO 3166-2) where the country has a list.'),
    country: z.string().nullable().describe('ISO 3166-1 alpha-2.'),
    contactName: z.string().nullable(),
    contactEmail: z.string().nullable(),
    contactPhone: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'BillingProfile' });
type BillingProfileOut = z.infer<typeof billingProfileSchema>;

const text = (max: number) =>
  z
    .string({ error: 'Must be text' })
    .trim()
    .max(max, { error: `At most ${max} characters` });
const required = (max: number, what: string) => text(max).min(1, { error: `Required: ${what}` });
const optional = (max: number) =>
  text(max)
    .nullable()
    .optional()
    .transform((v) => (v === '' ? null : v));

const fields = {
  name: required(200, 'a name for this profile'),
  isDefault: z.boolean({ error: 'Must be true or false' }).optional(),
  paymentMethodId: z.string().min(1).max(200).nullable().optional(),
  addressLine1: required(200, 'the street address'),
  addressLine2: optional(200),
  city: required(100, 'the city'),
  postalCode: optional(20).refine((v) => v == null || /^[A-Za-z0-9 -]{2,12}$/.test(v), {
    error: 'Letters, digits, spaces and dashes, 2 to 12 characters',
  }),
  region: optional(100),
  country: z
    .string({ error: 'Required: the country (ISO code such as "DE")' })
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]{2}$/, { error: 'A two-letter country code such as "DE"' }),
  contactName: optional(200),
  contactEmail: optional(254).refine((v) => v == null || z.email().safeParse(v).success, {
    error: 'Must be an e-mail address',
  }),
  contactPhone: optional(40).refine((v) => v == null || /^\+?[0-9 ()./-]{5,30}$/.test(v), {
    error: 'Digits, spaces and + ( ) . / - only, 5 to 30 characters',
  }),
};

/** The address's state/province, when its country has a list: one of that list. */
function regionIssue(country: string | undefined, region: string | null | undefined): string | null {
  if (!country || region == null) return null;
  const known = findRegion(country);
  if (!known || known.states.length === 0) return null;
  return known.states.some((s) => s.code === region)
    ? null
    : `Choose a ${known.subdivisionLabel.toLowerCase()} of ${known.name}`;
}

const createBody = z
  .strictObject({ accountId: z.string().min(1).max(200), ...fields })
  .superRefine((v, ctx) => {
    const issue = regionIssue(v.country, v.region);
    if (issue) ctx.addIssue({ code: 'custom', path: ['region'], message: issue });
  })
  .meta({ id: 'BillingProfileCreate' });

const patchBody = z
  .strictObject(fields)
  .partial()
  .superRefine((v, ctx) => {
    if (Object.keys(v).length === 0) {
      ctx.addIssue({ code: 'custom', path: [], message: 'Send at least one field to change' });
    }
  })
  .meta({ id: 'BillingProfilePatch' });

const idParam = z.object({ id: z.string().min(1).max(200) });

const columns = {
  id: billingProfiles.id,
  accountId: billingProfiles.accountId,
  orgId: billingProfiles.orgId,
  name: billingProfiles.name,
  isDefault: billingProfiles.isDefault,
  paymentMethodId: billingProfiles.paymentMethodId,
  addressLine1: billingProfiles.addressLine1,
  addressLine2: billingProfiles.addressLine2,
  city: billingProfiles.city,
  postalCode: billingProfiles.postalCode,
  region: billingProfiles.region,
  country: billingProfiles.country,
  contactName: billingProfiles.contactName,
  contactEmail: billingProfiles.contactEmail,
  contactPhone: billingProfiles.contactPhone,
  createdAt: billingProfiles.createdAt,
  accountName: sql<string>`(select a.name from accounts a where a.distributor_id = "billing_profiles"."distributor_id" and a.id = "billing_profiles"."account_id")`,
  paymentMethodDetails: sql<
    string | null
  >`(select pm.masked_details from payment_methods pm where pm.distributor_id = "billing_profiles"."distributor_id" and pm.id = "billing_profiles"."payment_method_id")`,
};

const out = (r: Record<keyof typeof columns, unknown>): BillingProfileOut =>
  ({ ...r, accountName: String(r.accountName ?? '') }) as BillingProfileOut;

async function readOne(tx: Transaction, tenant: Tenant, id: string): Promise<BillingProfileOut> {
  const [row] = await tx
    .select(columns)
    .from(billingProfiles)
    .where(and(tenantScope(billingProfiles, tenant), eq(billingProfiles.id, id)))
    .limit(1);
  if (!row) throw ApiError.notFound('Billing profile');
  return out(row);
}

/** A payment method of the same account, else 404 (not visible) or 422 (another account's). */
async function checkPaymentMethod(tx: Transaction, tenant: Tenant, accountId: string, id: string) {
  const [pm] = await tx
    .select({ accountId: paymentMethods.accountId })
    .from(paymentMethods)
    .where(and(tenantScope(paymentMethods, tenant), eq(paymentMethods.id, id)))
    .limit(1);
  if (!pm) {
    throw new ApiError('not_found', 'Payment method not found', {
      paymentMethodId: 'No such payment method (or not one you may see)',
    });
  }
  if (pm.accountId !== accountId) {
    throw new ApiError('unprocessable', 'The payment method belongs to another account', {
      paymentMethodId: 'Choose a payment method of this account',
    });
  }
}

const SORTS = {
  name: billingProfiles.name,
  city: billingProfiles.city,
  country: billingProfiles.country,
  accountId: billingProfiles.accountId,
  createdAt: billingProfiles.createdAt,
} as const;

export const billingProfileRoutes = [
  defineRoute({
    method: 'GET',
    path: '/api/v1/billing-profiles',
    summary: 'Billing profiles of the accounts the caller may see',
    tags: ['billing-profiles'],
    auth: {},
    request: {
      query: pageQuery({
        accountId: z.string().min(1).max(200).optional().describe('Only this account’s profiles.'),
        sort: z.enum(Object.keys(SORTS) as [keyof typeof SORTS]).optional(),
        order: z.enum(['asc', 'desc']).optional(),
      }),
    },
    response: pageOf(billingProfileSchema),
    async handler({ session, query, withTenant }) {
      const { offset, limit } = pageWindow(query);
      const where: SQL[] = [tenantScope(billingProfiles, session.tenant)];
      if (query.accountId) where.push(eq(billingProfiles.accountId, query.accountId));
      return withTenant(async (tx) => {
        const { rows, total } = await pageOfAccountRows(tx, billingProfiles, {
          columns,
          where,
          sort: query.sort && SORTS[query.sort],
          order: query.order,
          thenBy: billingProfiles.name,
          offset,
          limit,
        });
        return toPage(rows.map(out), total);
      });
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/api/v1/billing-profiles/:id',
    summary: 'One billing profile',
    tags: ['billing-profiles'],
    auth: {},
    request: { params: idParam },
    response: billingProfileSchema,
    async handler({ session, params, withTenant }) {
      return withTenant((tx) => readOne(tx, session.tenant, params.id));
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/api/v1/billing-profiles',
    summary: 'Create a billing profile for an account',
    description:
      "ADMIN or BILLING_MANAGER. The payment method must be one of the same account. The account's first profile becomes its default. Needs an Idempotency-Key.",
    tags: ['billing-profiles'],
    auth: { roles: BILLING_WRITERS },
    status: 201,
    moneyMoving: true,
    request: { body: createBody },
    response: billingProfileSchema,
    async handler({ session, body, withTenant, requestId }) {
      return withTenant(async (tx) => {
        const account = await loadAccount(tx, session.tenant, body.accountId, 'accountId', {
          forUpdate: true,
        });
        if (body.paymentMethodId) {
          await checkPaymentMethod(tx, session.tenant, account.id, body.paymentMethodId);
        }
        const key = { distributorId: account.owner.distributorId, accountId: account.id };
        const existing = await countOfAccount(tx, billingProfiles, key);
        const id = crypto.randomUUID();
        const { accountId: _account, isDefault, ...values } = body;
        await tx.insert(billingProfiles).values({
          ...account.owner,
          ...values,
          id,
          accountId: account.id,
          paymentMethodId: body.paymentMethodId ?? null,
          isDefault: false,
        });
        if (isDefault === true || existing === 0) await switchDefault(tx, billingProfiles, key, id);
        const created = await readOne(tx, session.tenant, id);
        await writeAudit(tx, {
          actor: session,
          owner: account.owner,
          action: 'billing-profile.create',
          entityType: 'billing-profile',
          entityId: id,
          new: created,
          requestId,
        });
        return created;
      });
    },
  }),
  defineRoute({
    method: 'PATCH',
    path: '/api/v1/billing-profiles/:id',
    summary: 'Change a billing profile',
    description:
      'ADMIN or BILLING_MANAGER. Send only what changes. `isDefault: true` makes it the account’s default (the previous one stops being it); the default cannot be unset.',
    tags: ['billing-profiles'],
    auth: { roles: BILLING_WRITERS },
    request: { params: idParam, body: patchBody },
    response: billingProfileSchema,
    async handler({ session, params, body, withTenant, requestId }) {
      return withTenant(async (tx) => {
        const before = await readOne(tx, session.tenant, params.id);
        const account = await loadAccount(tx, session.tenant, before.accountId, undefined, {
          forUpdate: true,
        });
        const issue = regionIssue(
          body.country ?? before.country ?? undefined,
          body.region === undefined ? before.region : body.region,
        );
        if (issue && (body.country !== undefined || body.region !== undefined)) {
          throw new ApiError('validation_failed', `Invalid request body: region`, { region: issue });
        }
        if (body.isDefault === false && before.isDefault) {
          throw new ApiError('unprocessable', 'An account always has a default billing profile', {
            isDefault: 'Make another profile the default instead',
          });
        }
        if (body.paymentMethodId) {
          await checkPaymentMethod(tx, session.tenant, account.id, body.paymentMethodId);
        }
        const { isDefault, ...values } = body;
        const set = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined));
        if (Object.keys(set).length > 0) {
          await tx
            .update(billingProfiles)
            .set(set)
            .where(
              and(
                eq(billingProfiles.distributorId, account.owner.distributorId),
                eq(billingProfiles.id, params.id),
              ),
            );
        }
        if (isDefault === true && !before.isDefault) {
          await switchDefault(
            tx,
            billingProfiles,
            { distributorId: account.owner.distributorId, accountId: account.id },
            params.id,
          );
        }
        const after = await readOne(tx, session.tenant, params.id);
        const changes = changedFields(before, after);
        if (changes) {
          await writeAudit(tx, {
            actor: session,
            owner: account.owner,
            action: 'billing-profile.update',
            entityType: 'billing-profile',
            entityId: params.id,
            ...changes,
            requestId,
          });
        }
        return after;
      });
    },
  }),
];
