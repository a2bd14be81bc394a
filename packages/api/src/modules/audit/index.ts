/**
 * The audit log over HTTP (issue 7): who changed what, when, from what to what, searchable and
 * paginated, for the distributor's ADMIN only, within its own marketplace.
 */
import { auditLog, tenantScope, users } from '@cascade/db';
import { and, count, desc, eq, gte, ilike, or, type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import { pageOf, pageQuery, pageWindow, toPage } from '../../platform/pagination';
import { defineRoute } from '../../platform/routes';
import { isoDateSchema } from '../billing-preview/schema';

const text = (name: string, max: number) =>
  z
    .string({ error: `${name} must be text` })
    .trim()
    .max(max, { error: `${name}: at most ${max} characters` })
    .optional();

export const auditQuery = pageQuery({
  q: text('q', 200).describe('Words found in the action, entity, entity id, actor or changed values.'),
  entityType: text('entityType', 100).describe(
    'Only entries about this kind of entity, e.g. profile-options.',
  ),
  actor: text('actor', 200).describe('Only entries by this user id.'),
  from: isoDateSchema.optional().describe('From this day (inclusive, UTC).'),
  to: isoDateSchema.optional().describe('Up to this day (inclusive, UTC).'),
}).superRefine((v, ctx) => {
  if (v.from && v.to && v.from > v.to) {
    ctx.addIssue({ code: 'custom', path: ['from'], message: 'from must not be after to' });
  }
});

const entrySchema = z
  .object({
    id: z.number().int(),
    at: z.string(),
    actorUserId: z.string().nullable(),
    actorName: z.string().nullable(),
    action: z.string(),
    entityType: z.string(),
    entityId: z.string(),
    old: z.record(z.string(), z.unknown()).nullable(),
    new: z.record(z.string(), z.unknown()).nullable(),
    requestId: z.string().nullable(),
  })
  .meta({ id: 'AuditEntry' });

/** A LIKE pattern matching `words` literally anywhere. */
function contains(words: string): string {
  return `%${words.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export const auditRoutes = [
  defineRoute({
    method: 'GET',
    path: '/api/v1/audit',
    summary: 'The audit log, newest first',
    description:
      'Distributor ADMIN only: every recorded change in the marketplace, searchable by words (q), entity type, actor and a range of days.',
    tags: ['audit'],
    auth: { roles: ['ADMIN'], orgKinds: ['DISTRIBUTOR'] },
    request: { query: auditQuery },
    response: pageOf(entrySchema),
    async handler({ session, query, withTenant }) {
      const { offset, limit } = pageWindow(query);
      const filters: (SQL | undefined)[] = [
        tenantScope(auditLog, session.tenant),
        eq(auditLog.distributorId, session.tenant.distributorId),
      ];
      if (query.entityType) filters.push(eq(auditLog.entityType, query.entityType));
      if (query.actor) filters.push(eq(auditLog.actorUserId, query.actor));
      if (query.from) filters.push(gte(auditLog.at, `${query.from}T00:00:00Z`));
      // The day after, in SQL: in JavaScript 9999-12-31's is "+010000-01-01", which PostgreSQL refuses.
      if (query.to) filters.push(sql`${auditLog.at} < (${query.to}::date + 1)::timestamp at time zone 'UTC'`);
      if (query.q) {
        const like = contains(query.q);
        filters.push(
          or(
            ilike(auditLog.action, like),
            ilike(auditLog.entityType, like),
            ilike(auditLog.entityId, like),
            ilike(auditLog.actorUserId, like),
            ilike(users.name, like),
            sql`${auditLog.old}::text ilike ${like}`,
            sql`${auditLog.new}::text ilike ${like}`,
          ),
        );
      }
      const where = and(...filters);
      const actorJoin = and(
        eq(users.distributorId, auditLog.distributorId),
        eq(users.id, auditLog.actorUserId),
      );
      return withTenant(async (tx) => {
        const rows = await tx
          .select({
            id: auditLog.id,
            at: auditLog.at,
            actorUserId: auditLog.actorUserId,
            actorName: users.name,
            action: auditLog.action,
            entityType: auditLog.entityType,
            entityId: auditLog.entityId,
            old: auditLog.old,
            new: auditLog.new,
            requestId: auditLog.requestId,
          })
          .from(auditLog)
          .leftJoin(users, actorJoin)
          .where(where)
          .orderBy(desc(auditLog.at), desc(auditLog.id))
          .limit(limit)
          .offset(offset);
        const [total] = await tx
          .select({ n: count() })
          .from(auditLog)
          .leftJoin(users, actorJoin)
          .where(where);
        return toPage(
          rows.map((r) => ({
            ...r,
            old: (r.old as Record<string, unknown> | null) ?? null,
            new: (r.new as Record<string, unknown> | null) ?? null,
          })),
          total?.n,
        );
      });
    },
  }),
];
