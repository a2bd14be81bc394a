import type { invoiceStatuses, invoiceTypes } from '@cascade/db';
import { and, asc, count, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { writeAudit } from '../../platform/audit';
import { ApiError } from '../../platform/errors';
import { pageOf, pageQuery, pageWindow, toPage } from '../../platform/pagination';
import { defineRoute } from '../../platform/routes';

/**
 * Invoice types and invoice statuses are the same kind of thing (SPEC §3): a locked set of codes
 * per organization, never created, deleted or renamed; only the description changes, by the
 * distributor's ADMIN. One definition serves both modules.
 */
export interface LockedCodesSpec {
  table: typeof invoiceTypes | typeof invoiceStatuses;
  codes: readonly [string, ...string[]];
  /** `invoice-types` */
  module: string;
  /** `Invoice type` */
  noun: string;
  /** `invoice-type`: the audit entity type. */
  entityType: string;
}

export function lockedCodeRoutes(spec: LockedCodesSpec) {
  const { table } = spec;
  const row = z
    .object({
      code: z.enum(spec.codes),
      description: z.string(),
      updatedAt: z.string().describe('When the description last changed (ISO timestamp).'),
    })
    .meta({ id: spec.noun.replace(/(^| )(\w)/g, (_, _s: string, c: string) => c.toUpperCase()) });
  const columns = { code: table.code, description: table.description, updatedAt: table.updatedAt };
  const base = `/api/v1/${spec.module}`;
  const locked = `The set of ${spec.noun.toLowerCase()}s is locked (${spec.codes.join(', ')}): none can be created, deleted or renamed; only the description can be changed.`;

  return [
    defineRoute({
      method: 'GET',
      path: base,
      summary: `The ${spec.noun.toLowerCase()}s of the caller's organization`,
      description: locked,
      tags: [spec.module],
      auth: {},
      request: { query: pageQuery() },
      response: pageOf(row),
      async handler({ session, query, withTenant }) {
        const { offset, limit } = pageWindow(query);
        const own = and(
          eq(table.distributorId, session.tenant.distributorId),
          eq(table.orgId, session.tenant.orgId),
        );
        return withTenant(async (tx) => {
          const rows = await tx
            .select(columns)
            .from(table)
            .where(own)
            .orderBy(asc(table.code))
            .limit(limit)
            .offset(offset);
          const [total] = await tx.select({ n: count() }).from(table).where(own);
          return toPage(rows, total?.n);
        });
      },
    }),
    defineRoute({
      method: 'PATCH',
      path: `${base}/:code`,
      summary: `Change the description of one of the distributor's ${spec.noun.toLowerCase()}s`,
      description: `${locked} Distributor ADMIN only; every change is audited.`,
      tags: [spec.module],
      auth: { roles: ['ADMIN'], orgKinds: ['DISTRIBUTOR'] },
      request: {
        params: z.object({ code: z.string().min(1).max(50) }),
        body: z.strictObject(
          {
            description: z
              .string({ error: 'Required: a text of 1 to 200 characters' })
              .trim()
              .min(1, { error: 'Must not be empty' })
              .max(200, { error: 'At most 200 characters' }),
          },
          {
            error: (issue) =>
              issue.code === 'unrecognized_keys'
                ? `Only the description can be changed: ${spec.noun.toLowerCase()}s cannot be renamed`
                : undefined,
          },
        ),
      },
      response: row,
      async handler({ session, params, body, withTenant, requestId }) {
        return withTenant(async (tx) => {
          const own = and(
            eq(table.distributorId, session.tenant.distributorId),
            eq(table.orgId, session.tenant.orgId),
            eq(table.code, params.code as never),
          );
          const [before] = await tx.select(columns).from(table).where(own).for('update').limit(1);
          if (!before) throw ApiError.notFound(`${spec.noun} ${params.code}`);
          if (before.description === body.description) return before;
          const [after] = await tx
            .update(table)
            .set({ description: body.description, updatedAt: sql`now()` })
            .where(own)
            .returning(columns);
          if (!after) throw ApiError.notFound(`${spec.noun} ${params.code}`);
          await writeAudit(tx, {
            actor: session,
            action: `${spec.entityType}.update`,
            entityType: spec.entityType,
            entityId: params.code,
            old: { description: before.description },
            new: { description: after.description },
            requestId,
          });
          return after;
        });
      },
    }),
  ];
}
