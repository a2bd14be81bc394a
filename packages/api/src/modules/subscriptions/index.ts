/**
 * Subscriptions (SPEC §5): licenses grouped under one client account. Name, region and
 * state/province (from the region's list, checked on save), the billing profile (one of the same
 * account; the account's default when none is given), and a default flag: exactly one default per
 * account once it has subscriptions (the first becomes it; setting another switches it in one
 * transaction; the default cannot be unset). Lines: list, add, change the quantity. Disconnecting,
 * transfers and change orders are the subscription-changes module's.
 */
import { isValidIsoDate } from '@cascade/billing-core';
import {
  billingProfiles,
  marketplaceScope,
  PURCHASE_CHANNELS,
  products,
  SUBSCRIPTION_STATES,
  subscriptionLines,
  subscriptions,
  TERMS,
  type Tenant,
  type Transaction,
  tenantScope,
} from '@cascade/db';
import { and, asc, count, eq, ilike, or, type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import { writeAudit } from '../../platform/audit';
import { ApiError } from '../../platform/errors';
import { pageOf, pageQuery, pageWindow, toPage } from '../../platform/pagination';
import { defineRoute } from '../../platform/routes';
import { today } from '../ledger/command';
import { countOfAccount, defaultIdOf, pageOfAccountRows, switchDefault } from './account-defaults';
import { type AccountRef, BILLING_WRITERS, loadAccount } from './accounts';
import { changedFields } from './audit-diff';
import { checkRegionState, REGIONS } from './regions';

export const subscriptionSchema = z
  .object({
    id: z.string(),
    accountId: z.string(),
    accountName: z.string(),
    orgId: z.string(),
    name: z.string(),
    region: z.string().nullable().describe('A region code of GET /api/v1/regions (ISO 3166-1).'),
    stateProvince: z.string().nullable().describe('One of the region’s states/provinces (ISO 3166-2).'),
    billingProfileId: z.string().nullable(),
    billingProfileName: z.string().nullable(),
    isDefault: z.boolean(),
    channel: z.enum(PURCHASE_CHANNELS),
    state: z.enum(SUBSCRIPTION_STATES),
    orderDate: z.string(),
    startDate: z.string(),
    endDate: z.string().nullable(),
    lineCount: z.number().int(),
    createdAt: z.string(),
  })
  .meta({ id: 'Subscription' });
type SubscriptionOut = z.infer<typeof subscriptionSchema>;

export const subscriptionLineSchema = z
  .object({
    id: z.string(),
    subscriptionId: z.string(),
    productId: z.string(),
    productName: z.string(),
    quantity: z.string(),
    unitPrice: z.string().nullable(),
    adHocPrice: z.string().nullable(),
    term: z.enum(TERMS),
    billingFrequencyMonths: z.number().int(),
    installments: z.number().int().nullable(),
    flatDiscount: z.string(),
    state: z.enum(SUBSCRIPTION_STATES),
    startDate: z.string(),
    endDate: z.string().nullable(),
  })
  .meta({ id: 'SubscriptionLine' });
type LineOut = z.infer<typeof subscriptionLineSchema>;

const regionSchema = z
  .object({
    code: z.string(),
    name: z.string(),
    group: z.string(),
    subdivisionLabel: z.string(),
    stateRequired: z.boolean(),
    states: z.array(z.object({ code: z.string(), name: z.string() })),
  })
  .meta({ id: 'Region' });

const id = z.string().min(1).max(200);
const name = z
  .string({ error: 'Required: a name' })
  .trim()
  .min(1, { error: 'Required: a name' })
  .max(200, { error: 'At most 200 characters' });
const code = z.string().trim().min(1).max(20);
const dateInput = z.string().refine((v) => isValidIsoDate(v), { error: 'Must be a date as YYYY-MM-DD' });

/**
 * Whole or decimal, at most 4 decimals, not negative; below 10^12, well inside the bound invoice
 * items and subscription lines keep (10^14: Customer Charges sorts quantities as bigints of 10^-4).
 */
export const quantityInput = z
  .string({ error: 'Must be a number of licenses as a string, e.g. "10"' })
  .trim()
  .regex(/^(0|[1-9]\d{0,11})(\.\d{1,4})?$/, {
    error: 'A number of licenses, 0 or more, at most 4 decimals (e.g. "10")',
  });
export const priceInput = z
  .string()
  .trim()
  .regex(/^(0|[1-9]\d{0,11})(\.\d{1,6})?$/, { error: 'A price, 0 or more, at most 6 decimals' });
const discountInput = z
  .string()
  .trim()
  .regex(/^(0|[1-9]\d{0,11})(\.\d{1,4})?$/, { error: 'An amount, 0 or more, at most 4 decimals' });

const regionFields = {
  region: code.nullable().optional(),
  stateProvince: code.nullable().optional(),
};

const createBody = z
  .strictObject({
    accountId: id,
    name,
    ...regionFields,
    billingProfileId: id.nullable().optional().describe('Default: the account’s default billing profile.'),
    isDefault: z.boolean().optional(),
    startDate: dateInput.optional().describe('YYYY-MM-DD; default today (UTC).'),
  })
  .superRefine((v, ctx) => {
    const issue = checkRegionState(v.region ?? null, v.stateProvince ?? null);
    if (issue) ctx.addIssue({ code: 'custom', path: [issue.field], message: issue.message });
  })
  .meta({ id: 'SubscriptionCreate' });

const patchBody = z
  .strictObject({
    name: name.optional(),
    ...regionFields,
    billingProfileId: id.nullable().optional(),
    isDefault: z.boolean().optional(),
  })
  .superRefine((v, ctx) => {
    if (Object.keys(v).length === 0) {
      ctx.addIssue({ code: 'custom', path: [], message: 'Send at least one field to change' });
    }
  })
  .meta({ id: 'SubscriptionPatch' });

const lineBody = z
  .strictObject({
    productId: id,
    quantity: quantityInput,
    term: z.enum(TERMS).optional().describe("Default: the product's (usage products: MONTH)."),
    billingFrequencyMonths: z
      .union([z.literal(1), z.literal(3), z.literal(6), z.literal(12)], {
        error: 'One of 1, 3, 6, 12 months',
      })
      .optional(),
    startDate: dateInput.optional(),
    installments: z.number().int({ error: 'A whole number' }).min(1).max(12).nullable().optional(),
    unitPrice: priceInput.nullable().optional(),
    adHocPrice: priceInput.nullable().optional(),
    flatDiscount: discountInput.optional(),
  })
  .superRefine((v, ctx) => {
    if (v.installments != null && v.term !== 'YEAR') {
      ctx.addIssue({
        code: 'custom',
        path: ['installments'],
        message: 'Only a yearly term is bought in installments',
      });
    }
  })
  .meta({ id: 'SubscriptionLineCreate' });

const linePatch = z.strictObject({ quantity: quantityInput }).meta({ id: 'SubscriptionLinePatch' });

const idParam = z.object({ id });
const lineParam = z.object({ id, lineId: id });

const columns = {
  id: subscriptions.id,
  accountId: subscriptions.accountId,
  orgId: subscriptions.orgId,
  name: subscriptions.name,
  region: subscriptions.region,
  stateProvince: subscriptions.stateProvince,
  billingProfileId: subscriptions.billingProfileId,
  isDefault: subscriptions.isDefault,
  channel: subscriptions.channel,
  state: subscriptions.state,
  orderDate: subscriptions.orderDate,
  startDate: subscriptions.startDate,
  endDate: subscriptions.endDate,
  createdAt: subscriptions.createdAt,
  accountName: sql<string>`(select a.name from accounts a where a.distributor_id = "subscriptions"."distributor_id" and a.id = "subscriptions"."account_id")`,
  billingProfileName: sql<
    string | null
  >`(select bp.name from billing_profiles bp where bp.distributor_id = "subscriptions"."distributor_id" and bp.id = "subscriptions"."billing_profile_id")`,
  lineCount: sql<number>`(select count(*)::int from subscription_lines l where l.distributor_id = "subscriptions"."distributor_id" and l.subscription_id = "subscriptions"."id")`,
};

const out = (r: Record<keyof typeof columns, unknown>): SubscriptionOut =>
  ({ ...r, lineCount: Number(r.lineCount), accountName: String(r.accountName ?? '') }) as SubscriptionOut;

async function readOne(tx: Transaction, tenant: Tenant, subscriptionId: string): Promise<SubscriptionOut> {
  const [row] = await tx
    .select(columns)
    .from(subscriptions)
    .where(and(tenantScope(subscriptions, tenant), eq(subscriptions.id, subscriptionId)))
    .limit(1);
  if (!row) throw ApiError.notFound('Subscription');
  return out(row);
}

/** A billing profile of the same account, else 404 (not visible) or 422 (another account's). */
async function checkBillingProfile(tx: Transaction, tenant: Tenant, accountId: string, profileId: string) {
  const [bp] = await tx
    .select({ accountId: billingProfiles.accountId })
    .from(billingProfiles)
    .where(and(tenantScope(billingProfiles, tenant), eq(billingProfiles.id, profileId)))
    .limit(1);
  if (!bp) {
    throw new ApiError('not_found', 'Billing profile not found', {
      billingProfileId: 'No such billing profile (or not one you may see)',
    });
  }
  if (bp.accountId !== accountId) {
    throw new ApiError('unprocessable', 'The billing profile belongs to another account', {
      billingProfileId: 'Choose a billing profile of this subscription’s account',
    });
  }
}

/**
 * How the subscription is bought, from the account's client: a reseller's own account is for its
 * personal use; an end customer buys through its seller's storefront (its reseller's, else the
 * distributor's).
 */
function channelFor(account: AccountRef): (typeof PURCHASE_CHANNELS)[number] {
  const { orgId, resellerId } = account.owner;
  if (resellerId === orgId) return 'PERSONAL_USE';
  return resellerId ? 'RESELLER_STOREFRONT' : 'DISTRIBUTOR_STOREFRONT';
}

const lineColumns = {
  id: subscriptionLines.id,
  subscriptionId: subscriptionLines.subscriptionId,
  productId: subscriptionLines.productId,
  quantity: subscriptionLines.quantity,
  unitPrice: subscriptionLines.unitPrice,
  adHocPrice: subscriptionLines.adHocPrice,
  term: subscriptionLines.term,
  billingFrequencyMonths: subscriptionLines.billingFrequencyMonths,
  installments: subscriptionLines.installments,
  flatDiscount: subscriptionLines.flatDiscount,
  state: subscriptionLines.state,
  startDate: subscriptionLines.startDate,
  endDate: subscriptionLines.endDate,
  productName: sql<string>`(select p.name from products p where p.distributor_id = "subscription_lines"."distributor_id" and p.id = "subscription_lines"."product_id")`,
};

/** numeric(20,4) comes back as "10.0000": the line shows the plain decimal. */
const plain = (v: string | null): string | null =>
  v === null ? null : v.replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');

const lineOut = (r: Record<keyof typeof lineColumns, unknown>): LineOut => {
  const l = r as unknown as LineOut;
  return {
    ...l,
    productName: String(r.productName ?? ''),
    quantity: plain(l.quantity) ?? '0',
    unitPrice: plain(l.unitPrice),
    adHocPrice: plain(l.adHocPrice),
    flatDiscount: plain(l.flatDiscount) ?? '0',
  };
};

async function readLine(tx: Transaction, tenant: Tenant, subscriptionId: string, lineId: string) {
  const [row] = await tx
    .select(lineColumns)
    .from(subscriptionLines)
    .where(
      and(
        tenantScope(subscriptionLines, tenant),
        eq(subscriptionLines.subscriptionId, subscriptionId),
        eq(subscriptionLines.id, lineId),
      ),
    )
    .limit(1);
  if (!row) throw ApiError.notFound('Subscription line');
  return lineOut(row);
}

function refuseDisconnected(sub: SubscriptionOut) {
  if (sub.state === 'DISCONNECTED') {
    throw new ApiError('unprocessable', 'The subscription is disconnected: it can no longer be changed', {
      id: 'Disconnected',
    });
  }
}

const SORTS = {
  name: subscriptions.name,
  region: subscriptions.region,
  accountId: subscriptions.accountId,
  startDate: subscriptions.startDate,
  state: subscriptions.state,
  createdAt: subscriptions.createdAt,
} as const;

const productSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    type: z.string(),
    unit: z.string(),
    term: z.enum(['MONTH', 'YEAR', 'USAGE']),
    currency: z.string(),
  })
  .meta({ id: 'SubscriptionProduct' });

export const subscriptionRoutes = [
  defineRoute({
    method: 'GET',
    path: '/api/v1/subscriptions/products',
    summary: 'Products a subscription line may hold',
    description:
      "The marketplace catalogue's active products, by type and name (what the line form offers). Registered before /subscriptions/:id, so `products` is never read as a subscription id.",
    tags: ['subscriptions'],
    auth: {},
    request: { query: pageQuery() },
    response: pageOf(productSchema),
    async handler({ session, query, withTenant }) {
      const { offset, limit } = pageWindow(query);
      const where = and(marketplaceScope(products, session.tenant), eq(products.active, true));
      return withTenant(async (tx) => {
        const rows = await tx
          .select({
            id: products.id,
            name: products.name,
            type: products.type,
            unit: products.unit,
            term: products.term,
            currency: products.currency,
          })
          .from(products)
          .where(where)
          .orderBy(asc(products.type), asc(products.name), asc(products.id))
          .limit(limit)
          .offset(offset);
        const [total] = await tx.select({ n: count() }).from(products).where(where);
        return toPage(rows, total?.n);
      });
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/api/v1/regions',
    summary: 'Regions and their states/provinces',
    description:
      'The reference list a subscription’s region and state/province come from (US states, Canadian provinces, Australian states, EU countries with their regions or none, a few others).',
    tags: ['subscriptions'],
    auth: {},
    request: { query: pageQuery() },
    response: pageOf(regionSchema),
    handler({ query }) {
      const { offset, limit } = pageWindow(query);
      return toPage(REGIONS.slice(offset, offset + limit), REGIONS.length);
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/api/v1/subscriptions',
    summary: 'Subscriptions of the accounts the caller may see',
    tags: ['subscriptions'],
    auth: {},
    request: {
      query: pageQuery({
        accountId: id.optional().describe('Only this account’s subscriptions.'),
        search: z.string().trim().max(200).optional().describe('Part of the name.'),
        sort: z.enum(Object.keys(SORTS) as [keyof typeof SORTS]).optional(),
        order: z.enum(['asc', 'desc']).optional(),
      }),
    },
    response: pageOf(subscriptionSchema),
    async handler({ session, query, withTenant }) {
      const { offset, limit } = pageWindow(query);
      const where: SQL[] = [tenantScope(subscriptions, session.tenant)];
      if (query.accountId) where.push(eq(subscriptions.accountId, query.accountId));
      if (query.search) {
        const pattern = `%${query.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        where.push(or(ilike(subscriptions.name, pattern), ilike(subscriptions.id, pattern)) as SQL);
      }
      return withTenant(async (tx) => {
        const { rows, total } = await pageOfAccountRows(tx, subscriptions, {
          columns,
          where,
          sort: query.sort && SORTS[query.sort],
          order: query.order,
          thenBy: subscriptions.name,
          offset,
          limit,
        });
        return toPage(rows.map(out), total);
      });
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/api/v1/subscriptions/:id',
    summary: 'One subscription',
    tags: ['subscriptions'],
    auth: {},
    request: { params: idParam },
    response: subscriptionSchema,
    async handler({ session, params, withTenant }) {
      return withTenant((tx) => readOne(tx, session.tenant, params.id));
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/api/v1/subscriptions',
    summary: 'Create a subscription for an account',
    description:
      "ADMIN or BILLING_MANAGER. The state/province must be one of the region's (400 naming stateProvince); the billing profile one of the same account (default: the account's default profile). The account's first subscription becomes its default. Needs an Idempotency-Key.",
    tags: ['subscriptions'],
    auth: { roles: BILLING_WRITERS },
    status: 201,
    moneyMoving: true,
    request: { body: createBody },
    response: subscriptionSchema,
    async handler({ session, body, withTenant, requestId }) {
      return withTenant(async (tx) => {
        const account = await loadAccount(tx, session.tenant, body.accountId, 'accountId', {
          forUpdate: true,
        });
        let profileId = body.billingProfileId ?? null;
        const key = { distributorId: account.owner.distributorId, accountId: account.id };
        if (profileId) await checkBillingProfile(tx, session.tenant, account.id, profileId);
        else if (body.billingProfileId === undefined) profileId = await defaultIdOf(tx, billingProfiles, key);
        const existing = await countOfAccount(tx, subscriptions, key);
        const subscriptionId = crypto.randomUUID();
        const start = body.startDate ?? today();
        await tx.insert(subscriptions).values({
          ...account.owner,
          id: subscriptionId,
          accountId: account.id,
          billingProfileId: profileId,
          name: body.name,
          region: body.region ?? null,
          stateProvince: body.stateProvince ?? null,
          isDefault: false,
          channel: channelFor(account),
          orderDate: [today(), start].sort()[0]!,
          startDate: start,
        });
        if (body.isDefault === true || existing === 0) {
          await switchDefault(tx, subscriptions, key, subscriptionId);
        }
        const created = await readOne(tx, session.tenant, subscriptionId);
        await writeAudit(tx, {
          actor: session,
          owner: account.owner,
          action: 'subscription.create',
          entityType: 'subscription',
          entityId: subscriptionId,
          new: created,
          requestId,
        });
        return created;
      });
    },
  }),
  defineRoute({
    method: 'PATCH',
    path: '/api/v1/subscriptions/:id',
    summary: 'Change a subscription',
    description:
      "ADMIN or BILLING_MANAGER. Send only what changes; region and state/province are checked together (400 naming stateProvince). `isDefault: true` makes it the account's default (the previous one stops being it); the default cannot be unset.",
    tags: ['subscriptions'],
    auth: { roles: BILLING_WRITERS },
    request: { params: idParam, body: patchBody },
    response: subscriptionSchema,
    async handler({ session, params, body, withTenant, requestId }) {
      return withTenant(async (tx) => {
        const before = await readOne(tx, session.tenant, params.id);
        const account = await loadAccount(tx, session.tenant, before.accountId, undefined, {
          forUpdate: true,
        });
        refuseDisconnected(before);
        if (body.region !== undefined || body.stateProvince !== undefined) {
          // A new region without a state clears the old state (it belonged to the old region).
          const region = body.region === undefined ? before.region : body.region;
          const state =
            body.stateProvince !== undefined
              ? body.stateProvince
              : body.region !== undefined && body.region !== before.region
                ? null
                : before.stateProvince;
          const issue = checkRegionState(region, state);
          if (issue) {
            throw new ApiError('validation_failed', `Invalid request body: ${issue.field}`, {
              [issue.field]: issue.message,
            });
          }
          body = { ...body, region, stateProvince: state };
        }
        if (body.isDefault === false && before.isDefault) {
          throw new ApiError('unprocessable', 'An account always has a default subscription', {
            isDefault: 'Make another subscription the default instead',
          });
        }
        if (body.billingProfileId)
          await checkBillingProfile(tx, session.tenant, account.id, body.billingProfileId);
        const { isDefault, ...values } = body;
        const set = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined));
        if (Object.keys(set).length > 0) {
          await tx
            .update(subscriptions)
            .set(set)
            .where(
              and(
                eq(subscriptions.distributorId, account.owner.distributorId),
                eq(subscriptions.id, params.id),
              ),
            );
        }
        if (isDefault === true && !before.isDefault) {
          await switchDefault(
            tx,
            subscriptions,
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
            action: 'subscription.update',
            entityType: 'subscription',
            entityId: params.id,
            ...changes,
            requestId,
          });
        }
        return after;
      });
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/api/v1/subscriptions/:id/lines',
    summary: "A subscription's lines (licenses)",
    tags: ['subscriptions'],
    auth: {},
    request: { params: idParam, query: pageQuery() },
    response: pageOf(subscriptionLineSchema),
    async handler({ session, params, query, withTenant }) {
      const { offset, limit } = pageWindow(query);
      return withTenant(async (tx) => {
        await readOne(tx, session.tenant, params.id);
        const where = and(
          tenantScope(subscriptionLines, session.tenant),
          eq(subscriptionLines.subscriptionId, params.id),
        );
        const rows = await tx
          .select(lineColumns)
          .from(subscriptionLines)
          .where(where)
          .orderBy(asc(subscriptionLines.startDate), asc(subscriptionLines.id))
          .limit(limit)
          .offset(offset);
        const [total] = await tx.select({ n: count() }).from(subscriptionLines).where(where);
        return toPage(rows.map(lineOut), total?.n);
      });
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/api/v1/subscriptions/:id/lines',
    summary: 'Add a line (licenses of one product) to a subscription',
    description:
      'ADMIN or BILLING_MANAGER. The product comes from the marketplace catalogue; term defaults to the product’s; billing frequency to 12 months for a yearly term bought at once, else 1. Needs an Idempotency-Key.',
    tags: ['subscriptions'],
    auth: { roles: BILLING_WRITERS },
    status: 201,
    moneyMoving: true,
    request: { params: idParam, body: lineBody },
    response: subscriptionLineSchema,
    async handler({ session, params, body, withTenant, requestId }) {
      return withTenant(async (tx) => {
        const sub = await readOne(tx, session.tenant, params.id);
        const account = await loadAccount(tx, session.tenant, sub.accountId);
        refuseDisconnected(sub);
        const [product] = await tx
          .select({ id: products.id, term: products.term, active: products.active })
          .from(products)
          .where(and(marketplaceScope(products, session.tenant), eq(products.id, body.productId)))
          .limit(1);
        if (!product) {
          throw new ApiError('not_found', 'Product not found', {
            productId: 'No such product in this marketplace',
          });
        }
        if (!product.active) {
          throw new ApiError('unprocessable', 'The product is no longer sold', {
            productId: 'No longer sold',
          });
        }
        const term = body.term ?? (product.term === 'YEAR' ? 'YEAR' : 'MONTH');
        if (product.term === 'USAGE' && term !== 'MONTH') {
          throw new ApiError('validation_failed', 'Invalid request body: term', {
            term: 'A pay-per-use product is billed monthly',
          });
        }
        const frequency = body.billingFrequencyMonths ?? (term === 'YEAR' && !body.installments ? 12 : 1);
        const start = body.startDate ?? [sub.startDate, today()].sort()[1]!;
        if (start < sub.startDate) {
          throw new ApiError('validation_failed', 'Invalid request body: startDate', {
            startDate: `Not before the subscription starts (${sub.startDate})`,
          });
        }
        const lineId = crypto.randomUUID();
        await tx.insert(subscriptionLines).values({
          ...account.owner,
          id: lineId,
          subscriptionId: sub.id,
          productId: product.id,
          quantity: body.quantity,
          unitPrice: body.unitPrice ?? null,
          adHocPrice: body.adHocPrice ?? null,
          term,
          billingFrequencyMonths: frequency,
          installments: body.installments ?? null,
          flatDiscount: body.flatDiscount ?? '0',
          startDate: start,
        });
        const created = await readLine(tx, session.tenant, sub.id, lineId);
        await writeAudit(tx, {
          actor: session,
          owner: account.owner,
          action: 'subscription-line.create',
          entityType: 'subscription-line',
          entityId: lineId,
          new: created,
          requestId,
        });
        return created;
      });
    },
  }),
  defineRoute({
    method: 'PATCH',
    path: '/api/v1/subscriptions/:id/lines/:lineId',
    summary: "Change a line's quantity",
    tags: ['subscriptions'],
    auth: { roles: BILLING_WRITERS },
    request: { params: lineParam, body: linePatch },
    response: subscriptionLineSchema,
    async handler({ session, params, body, withTenant, requestId }) {
      return withTenant(async (tx) => {
        const sub = await readOne(tx, session.tenant, params.id);
        const before = await readLine(tx, session.tenant, params.id, params.lineId);
        const account = await loadAccount(tx, session.tenant, sub.accountId);
        refuseDisconnected(sub);
        if (before.state === 'DISCONNECTED') {
          throw new ApiError('unprocessable', 'The line is disconnected: it can no longer be changed', {
            lineId: 'Disconnected',
          });
        }
        await tx
          .update(subscriptionLines)
          .set({ quantity: body.quantity })
          .where(
            and(
              eq(subscriptionLines.distributorId, account.owner.distributorId),
              eq(subscriptionLines.id, params.lineId),
            ),
          );
        const after = await readLine(tx, session.tenant, params.id, params.lineId);
        if (after.quantity !== before.quantity) {
          await writeAudit(tx, {
            actor: session,
            owner: account.owner,
            action: 'subscription-line.update',
            entityType: 'subscription-line',
            entityId: params.lineId,
            old: { quantity: before.quantity },
            new: { quantity: after.quantity },
            requestId,
          });
        }
        return after;
      });
    },
  }),
];
