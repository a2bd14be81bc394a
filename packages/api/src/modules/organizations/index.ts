import { ORG_KINDS, organizations, RESELLER_TIERS, tenantScope } from '@cascade/db';
import { and, asc, count, eq, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { ApiError } from '../../platform/errors';
import { pageOf, pageQuery, pageWindow, toPage } from '../../platform/pagination';
import { defineRoute } from '../../platform/routes';

export const organizationSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: z.enum(ORG_KINDS),
    parentId: z.string().nullable(),
    distributorId: z.string(),
    resellerId: z.string().nullable(),
    resellerTier: z.enum(RESELLER_TIERS).nullable(),
    standardSince: z.string().nullable().describe('The first day as a Standard reseller (YYYY-MM-DD).'),
    timeZone: z.string(),
    defaultCurrency: z.string(),
  })
  .meta({ id: 'Organization' });

const columns = {
  id: organizations.id,
  name: organizations.name,
  kind: organizations.kind,
  parentId: organizations.parentId,
  distributorId: organizations.distributorId,
  resellerId: organizations.resellerId,
  resellerTier: organizations.resellerTier,
  standardSince: organizations.standardSince,
  timeZone: organizations.timeZone,
  defaultCurrency: organizations.defaultCurrency,
};

const idParam = z.object({ id: z.string().min(1).max(200) });

export const organizationRoutes = [
  defineRoute({
    method: 'GET',
    path: '/api/v1/organizations',
    summary: 'The organizations the caller may see',
    description:
      'A distributor sees its whole marketplace, a reseller itself and its end customers, an end customer itself.',
    tags: ['organizations'],
    auth: {},
    request: {
      query: pageQuery({
        kind: z.enum(ORG_KINDS).optional().describe('Only organizations of this kind.'),
        parentId: z
          .string()
          .min(1)
          .max(200)
          .optional()
          .describe('Only the direct children of this organization.'),
      }),
    },
    response: pageOf(organizationSchema),
    async handler({ session, query, withTenant }) {
      const { offset, limit } = pageWindow(query);
      const where: SQL[] = [tenantScope(organizations, session.tenant)];
      if (query.kind) where.push(eq(organizations.kind, query.kind));
      if (query.parentId) where.push(eq(organizations.parentId, query.parentId));
      return withTenant(async (tx) => {
        const rows = await tx
          .select(columns)
          .from(organizations)
          .where(and(...where))
          .orderBy(asc(organizations.kind), asc(organizations.name), asc(organizations.id))
          .limit(limit)
          .offset(offset);
        const [total] = await tx
          .select({ n: count() })
          .from(organizations)
          .where(and(...where));
        return toPage(rows, total?.n);
      });
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/api/v1/organizations/:id',
    summary: 'One organization the caller may see',
    tags: ['organizations'],
    auth: {},
    request: { params: idParam },
    response: organizationSchema,
    async handler({ session, params, withTenant }) {
      const [row] = await withTenant((tx) =>
        tx
          .select(columns)
          .from(organizations)
          .where(and(tenantScope(organizations, session.tenant), eq(organizations.id, params.id)))
          .limit(1),
      );
      if (!row) throw ApiError.notFound('Organization');
      return row;
    },
  }),
];
