/**
 * The distributor's billing profile options (SPEC §8, issue 7): read by every organization of its
 * marketplace (the storefront only reads them), changed only by the distributor's ADMIN, every
 * change audited with the old and new values of the options that changed.
 */
import { type BillingOptions, Decimal, defaultBillingOptions } from '@cascade/billing-core';
import { auditLog, billingProfileOptions, type Transaction } from '@cascade/db';
import { and, desc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { writeAudit } from '../../platform/audit';
import { ApiError } from '../../platform/errors';
import { pageOf, pageQuery, pageWindow, toPageByLookahead } from '../../platform/pagination';
import { defineRoute } from '../../platform/routes';
import type { DocumentStorage } from '../../platform/storage';
import {
  OPTION_KEYS,
  type OptionKey,
  optionDefinitionSchema,
  optionDefinitions,
  optionsPatchSchema,
  optionsSchema,
} from './schema';

export interface StoredOptions {
  options: BillingOptions;
  customBillNumberTemplate: string | null;
  updatedAt: string | null;
  updatedBy: string | null;
}

type Row = typeof billingProfileOptions.$inferSelect;

function fromRow(row: Row | undefined): StoredOptions {
  if (!row) {
    return {
      options: { ...defaultBillingOptions },
      customBillNumberTemplate: null,
      updatedAt: null,
      updatedBy: null,
    };
  }
  const options = {} as Record<OptionKey, unknown>;
  for (const key of OPTION_KEYS) options[key] = row[key];
  // numeric(9,6) comes back as "12.500000": the option is the plain decimal.
  options.accountTransferCustomCreditPercent = new Decimal(row.accountTransferCustomCreditPercent).toFixed();
  return {
    options: options as unknown as BillingOptions,
    customBillNumberTemplate: row.customBillNumberTemplate,
    updatedAt: row.updatedAt,
    updatedBy: row.updatedBy,
  };
}

/** The options of a marketplace (its defaults until the distributor changes one). */
export async function loadBillingOptions(
  tx: Transaction,
  distributorId: string,
  opts: { forUpdate?: boolean } = {},
): Promise<StoredOptions> {
  const query = tx
    .select()
    .from(billingProfileOptions)
    .where(eq(billingProfileOptions.distributorId, distributorId))
    .limit(1);
  const [row] = opts.forUpdate ? await query.for('update') : await query;
  return fromRow(row);
}

const responseSchema = z
  .object({
    distributorId: z.string(),
    options: optionsSchema,
    defaults: optionsSchema,
    definitions: z.array(optionDefinitionSchema),
    updatedAt: z.string().nullable(),
    updatedBy: z.string().nullable(),
  })
  .meta({ id: 'BillingProfileOptions' });

const respond = (distributorId: string, stored: StoredOptions) => ({
  distributorId,
  options: { ...stored.options, customBillNumberTemplate: stored.customBillNumberTemplate },
  defaults: { ...defaultBillingOptions, customBillNumberTemplate: null },
  definitions: optionDefinitions,
  updatedAt: stored.updatedAt,
  updatedBy: stored.updatedBy,
});

/** The options that name a storage location, and what each holds. */
const STORAGE_OPTIONS = {
  invoicePdfFilePath: 'Invoice PDF File Path',
  soaFilePath: 'SOA File Path',
} as const;

/**
 * A changed storage location must be writable (SPEC §8, issue 7): the folder is created and a probe
 * written and removed. Otherwise a 422 naming the option, before anything is saved.
 */
async function checkStorageLocations(
  storage: DocumentStorage | undefined,
  changed: readonly string[],
  after: Record<string, unknown>,
): Promise<void> {
  const fields: Record<string, string> = {};
  for (const [key, label] of Object.entries(STORAGE_OPTIONS)) {
    if (!changed.includes(key)) continue;
    if (!storage) {
      throw new ApiError(
        'unavailable',
        'This server has no document storage; change storage locations through a server that has one',
        { [key]: 'No document storage on this server' },
      );
    }
    const check = await storage.checkWritable(String(after[key]));
    if (!check.ok) fields[key] = `${label} cannot be written: ${check.reason}`;
  }
  const first = Object.values(fields)[0];
  if (first) throw new ApiError('unprocessable', first, fields);
}

const historyEntry = z.object({
  at: z.string(),
  actorUserId: z.string().nullable(),
  old: z.record(z.string(), z.unknown()).nullable(),
  new: z.record(z.string(), z.unknown()).nullable(),
});

export const profileOptionRoutes = [
  defineRoute({
    method: 'GET',
    path: '/api/v1/profile-options',
    summary: "The marketplace's billing profile options",
    description:
      "Every organization of the marketplace reads its distributor's options, with each option's default and kind.",
    tags: ['profile-options'],
    auth: {},
    response: responseSchema,
    async handler({ session, withTenant }) {
      const stored = await withTenant((tx) => loadBillingOptions(tx, session.tenant.distributorId));
      return respond(session.tenant.distributorId, stored);
    },
  }),
  defineRoute({
    method: 'PATCH',
    path: '/api/v1/profile-options',
    summary: 'Change some billing profile options',
    description:
      'Distributor ADMIN only. Send only the options to change. Minimum vacation days must not be above the maximum, and Requires Custom Bill Number needs a template. Every change is audited with its old and new values.',
    tags: ['profile-options'],
    auth: { roles: ['ADMIN'], orgKinds: ['DISTRIBUTOR'] },
    request: { body: optionsPatchSchema },
    response: responseSchema,
    async handler({ session, body, withTenant, requestId, storage }) {
      const distributorId = session.tenant.distributorId;
      return withTenant(async (tx) => {
        const current = await loadBillingOptions(tx, distributorId, { forUpdate: true });
        const before: Record<string, unknown> = {
          ...current.options,
          customBillNumberTemplate: current.customBillNumberTemplate,
        };
        const after: Record<string, unknown> = { ...before };
        for (const [k, v] of Object.entries(body)) if (v !== undefined) after[k] = v;
        if (body.accountTransferCustomCreditPercent !== undefined) {
          after.accountTransferCustomCreditPercent = new Decimal(
            body.accountTransferCustomCreditPercent,
          ).toFixed();
        }
        if ((after.minimumVacationDays as number) > (after.maximumVacationDays as number)) {
          const field = 'minimumVacationDays' in body ? 'minimumVacationDays' : 'maximumVacationDays';
          throw new ApiError(
            'unprocessable',
            `The minimum vacation days (${after.minimumVacationDays}) must not be above the maximum (${after.maximumVacationDays})`,
            { [field]: 'The minimum vacation days must not be above the maximum' },
          );
        }
        if (after.requiresCustomBillNumber && !after.customBillNumberTemplate) {
          throw new ApiError('unprocessable', 'Requires Custom Bill Number needs a template', {
            customBillNumberTemplate: 'Set a template such as {ORG}-{YYYY}{MM}-{SEQ:6} first',
          });
        }
        const changed = Object.keys(after).filter((k) => after[k] !== before[k]);
        await checkStorageLocations(storage, changed, after);
        if (changed.length === 0) return respond(distributorId, current);
        const set = Object.fromEntries(changed.map((k) => [k, after[k]]));
        const values = {
          ...set,
          updatedAt: new Date().toISOString(),
          updatedBy: session.userId,
        } as Partial<typeof billingProfileOptions.$inferInsert>;
        const [row] = await tx
          .insert(billingProfileOptions)
          .values({ distributorId, resellerId: null, orgId: distributorId, ...values })
          .onConflictDoUpdate({ target: billingProfileOptions.distributorId, set: values })
          .returning();
        await writeAudit(tx, {
          actor: session,
          action: 'profile-options.update',
          entityType: 'profile-options',
          entityId: distributorId,
          old: Object.fromEntries(changed.map((k) => [k, before[k]])),
          new: set,
          requestId,
        });
        return respond(distributorId, fromRow(row));
      });
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/api/v1/profile-options/history',
    summary: 'Who changed which option, when, from what to what',
    description: "The audit log of the options, newest first (the distributor's users only).",
    tags: ['profile-options'],
    auth: { orgKinds: ['DISTRIBUTOR'] },
    request: { query: pageQuery() },
    response: pageOf(historyEntry),
    async handler({ session, query, withTenant }) {
      const { offset, limit } = pageWindow(query);
      const rows = await withTenant((tx) =>
        tx
          .select({
            at: auditLog.at,
            actorUserId: auditLog.actorUserId,
            old: auditLog.old,
            new: auditLog.new,
          })
          .from(auditLog)
          .where(
            and(
              eq(auditLog.distributorId, session.tenant.distributorId),
              eq(auditLog.entityType, 'profile-options'),
            ),
          )
          .orderBy(desc(auditLog.at), desc(auditLog.id))
          .limit(limit + 1)
          .offset(offset),
      );
      return toPageByLookahead(
        rows.map((r) => ({
          ...r,
          old: (r.old as Record<string, unknown> | null) ?? null,
          new: (r.new as Record<string, unknown> | null) ?? null,
        })),
        query,
      );
    },
  }),
];
