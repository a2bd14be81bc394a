import { ORG_KINDS, organizations, RESELLER_TIERS, users, withSystem } from '@cascade/db';
import { asc, count, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { ROLES, signToken } from '../../platform/auth';
import { ApiError } from '../../platform/errors';
import { pageOf, pageQuery, pageWindow, toPage } from '../../platform/pagination';
import { defineRoute } from '../../platform/routes';

const demoUser = z
  .object({
    id: z.string(),
    name: z.string(),
    orgId: z.string(),
    orgName: z.string(),
    orgKind: z.enum(ORG_KINDS),
    resellerTier: z.enum(RESELLER_TIERS).nullable(),
    roles: z.array(z.enum(ROLES)),
  })
  .meta({ id: 'DemoUser' });

const me = z.object({
  user: z.object({
    id: z.string(),
    name: z.string().nullable(),
    email: z.string().nullable(),
    roles: z.array(z.enum(ROLES)).describe("The token's roles."),
  }),
  organization: z.object({
    id: z.string(),
    name: z.string(),
    kind: z.enum(ORG_KINDS),
    resellerTier: z.enum(RESELLER_TIERS).nullable(),
    standardSince: z.string().nullable(),
    distributorId: z.string(),
    resellerId: z.string().nullable(),
    parentId: z.string().nullable(),
    timeZone: z.string(),
    defaultCurrency: z.string(),
  }),
  tenantKind: z.enum(ORG_KINDS),
});

/** Distributor first, then resellers, then end customers: the order of the chain. */
const kindOrder = sql`case ${organizations.kind} when 'DISTRIBUTOR' then 0 when 'RESELLER' then 1 else 2 end`;

/** Demo sign-in exists only outside production: there a real identity provider issues tokens. */
const demoOnly = (config: { isProduction: boolean }) => !config.isProduction;

const demoUserColumns = {
  id: users.id,
  name: users.name,
  orgId: users.orgId,
  orgName: organizations.name,
  orgKind: organizations.kind,
  resellerTier: organizations.resellerTier,
  roles: users.roles,
};

export const authRoutes = [
  defineRoute({
    method: 'GET',
    path: '/api/v1/auth/demo-users',
    summary: 'The demo users one can sign in as (not in production)',
    tags: ['auth'],
    auth: 'public',
    enabled: demoOnly,
    request: { query: pageQuery() },
    response: pageOf(demoUser),
    async handler({ db, query }) {
      const { offset, limit } = pageWindow(query);
      return withSystem(db, async (tx) => {
        const rows = await tx
          .select(demoUserColumns)
          .from(users)
          .innerJoin(organizations, eq(organizations.id, users.orgId))
          .orderBy(asc(organizations.distributorId), kindOrder, asc(organizations.name), asc(users.id))
          .limit(limit)
          .offset(offset);
        const [total] = await tx.select({ n: count() }).from(users);
        return toPage(rows, total?.n);
      });
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/api/v1/auth/demo-sign-in',
    summary: "Sign in as a demo user: mints that user's token (not in production)",
    tags: ['auth'],
    auth: 'public',
    enabled: demoOnly,
    request: { body: z.strictObject({ userId: z.string().min(1).max(200) }) },
    response: z.object({ token: z.string(), user: demoUser }),
    async handler({ db, body, config }) {
      const [user] = await withSystem(db, (tx) =>
        tx
          .select(demoUserColumns)
          .from(users)
          .innerJoin(organizations, eq(organizations.id, users.orgId))
          .where(eq(users.id, body.userId))
          .limit(1),
      );
      if (!user)
        throw new ApiError('unprocessable', 'No such demo user', { userId: 'No demo user has this id' });
      const token = await signToken(config.jwtSecret, {
        sub: user.id,
        org: user.orgId,
        roles: user.roles,
        aud: 'api',
        ttlSeconds: 8 * 3600,
      });
      return { token, user };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/api/v1/me',
    summary: 'The signed-in user, its organization and tenant kind',
    tags: ['auth'],
    auth: {},
    response: me,
    async handler({ session, withTenant }) {
      return withTenant(async (tx) => {
        const [org] = await tx
          .select()
          .from(organizations)
          .where(eq(organizations.id, session.tenant.orgId))
          .limit(1);
        if (!org) throw ApiError.unauthorized('Invalid token: its organization does not exist');
        const [user] = await tx
          .select({ name: users.name, email: users.email, orgId: users.orgId })
          .from(users)
          .where(eq(users.id, session.userId))
          .limit(1);
        const sameOrg = user && user.orgId === org.id;
        return {
          user: {
            id: session.userId,
            name: sameOrg ? user.name : null,
            email: sameOrg ? user.email : null,
            roles: [...session.roles],
          },
          organization: {
            id: org.id,
            name: org.name,
            kind: org.kind,
            resellerTier: org.resellerTier,
            standardSince: org.standardSince,
            distributorId: org.distributorId,
            resellerId: org.resellerId,
            parentId: org.parentId,
            timeZone: org.timeZone,
            defaultCurrency: org.defaultCurrency,
          },
          tenantKind: session.tenant.orgKind,
        };
      });
    },
  }),
];
