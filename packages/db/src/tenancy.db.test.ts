import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from './client';
import { auditLog, invoiceTypes, organizations, users } from './schema';
import { loadTenant, type Tenant, tenantScope, withSystem, withTenant } from './tenancy';
import { createTestDatabase, type TestDatabase } from './testing';

// Two marketplaces: d1 (reseller r1 with customer c1, reseller r2 with customer c2, direct customer c0) and d2.
const orgs = [
  { id: 'd1', distributorId: 'd1', kind: 'DISTRIBUTOR', name: 'D1' },
  {
    id: 'r1',
    distributorId: 'd1',
    resellerId: 'r1',
    parentId: 'd1',
    kind: 'RESELLER',
    resellerTier: 'STANDARD',
    name: 'R1',
  },
  {
    id: 'r2',
    distributorId: 'd1',
    resellerId: 'r2',
    parentId: 'd1',
    kind: 'RESELLER',
    resellerTier: 'LIGHT',
    name: 'R2',
  },
  { id: 'c1', distributorId: 'd1', resellerId: 'r1', parentId: 'r1', kind: 'CUSTOMER', name: 'C1' },
  { id: 'c2', distributorId: 'd1', resellerId: 'r2', parentId: 'r2', kind: 'CUSTOMER', name: 'C2' },
  { id: 'c0', distributorId: 'd1', resellerId: null, parentId: 'd1', kind: 'CUSTOMER', name: 'C0' },
  { id: 'd2', distributorId: 'd2', kind: 'DISTRIBUTOR', name: 'D2' },
] as const;

const d1: Tenant = { orgId: 'd1', distributorId: 'd1', orgKind: 'DISTRIBUTOR' };
const r1: Tenant = { orgId: 'r1', distributorId: 'd1', orgKind: 'RESELLER' };
const c1: Tenant = { orgId: 'c1', distributorId: 'd1', orgKind: 'CUSTOMER' };
const d2: Tenant = { orgId: 'd2', distributorId: 'd2', orgKind: 'DISTRIBUTOR' };

let t: TestDatabase;

/** Drizzle wraps driver errors in "Failed query: ..."; the database's message is the cause. */
async function failure(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    const cause = (e as { cause?: { message?: string } }).cause;
    return cause?.message ?? (e as Error).message;
  }
  throw new Error('expected the database to refuse');
}

beforeAll(async () => {
  t = await createTestDatabase();
  await withSystem(t.db, async (tx) => {
    await tx.insert(organizations).values([...orgs]);
    await tx.insert(invoiceTypes).values(
      orgs.map((o) => ({
        distributorId: o.distributorId,
        resellerId: 'resellerId' in o ? o.resellerId : null,
        orgId: o.id,
        code: 'DEBIT' as const,
        description: `Debit of ${o.id}`,
      })),
    );
    await tx.insert(users).values(
      orgs.map((o) => ({
        distributorId: o.distributorId,
        resellerId: 'resellerId' in o ? o.resellerId : null,
        orgId: o.id,
        id: `${o.id}-admin`,
        name: `Admin of ${o.id}`,
        email: `admin@${o.id}.example`,
        roles: ['ADMIN' as const],
      })),
    );
  });
});
afterAll(async () => {
  await t?.drop();
});

const orgsOf = (rows: { orgId: string }[]) => [...new Set(rows.map((r) => r.orgId))].sort();
const expected = {
  d1: ['c0', 'c1', 'c2', 'd1', 'r1', 'r2'],
  r1: ['c1', 'r1'],
  c1: ['c1'],
  d2: ['d2'],
};
const withAncestors = { ...expected, r1: ['c1', 'd1', 'r1'], c1: ['c1', 'd1', 'r1'] };

describe('migrations', () => {
  it('create every table with row-level security enabled and forced', async () => {
    const tables = await queryRows<{
      relname: string;
      relrowsecurity: boolean;
      relforcerowsecurity: boolean;
    }>(
      t.db,
      sql`select c.relname, c.relrowsecurity, c.relforcerowsecurity from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public' and c.relkind = 'r' order by 1`,
    );
    expect(tables.map((r) => r.relname)).toEqual(
      expect.arrayContaining(['organizations', 'users', 'audit_log']),
    );
    for (const r of tables)
      expect([r.relname, r.relrowsecurity, r.relforcerowsecurity]).toEqual([r.relname, true, true]);
  });
});

describe('loadTenant', () => {
  it('reads the kind and the marketplace of an organization', async () => {
    expect(await loadTenant(t.db, 'c1')).toEqual(c1);
    expect(await loadTenant(t.db, 'r1')).toEqual(r1);
    expect(await loadTenant(t.db, 'nope')).toBeUndefined();
  });
});

describe('wall 2: row-level security alone (no tenantScope)', () => {
  for (const [name, tenant] of [
    ['d1', d1],
    ['r1', r1],
    ['c1', c1],
    ['d2', d2],
  ] as const) {
    it(`${name} sees only its own rows`, async () => {
      const seen = await withTenant(t.db, tenant, async (tx) => ({
        types: orgsOf(await tx.select().from(invoiceTypes)),
        users: orgsOf(await tx.select().from(users)),
        orgs: (await tx.select({ orgId: organizations.id }).from(organizations)).map((r) => r.orgId).sort(),
      }));
      // Organizations add the ones that bill the tenant (its ancestors), read only.
      expect(seen).toEqual({ types: expected[name], users: expected[name], orgs: withAncestors[name] });
    });
  }

  it('lets an organization read the names of the organizations that bill it, and no other', async () => {
    const c0: Tenant = { orgId: 'c0', distributorId: 'd1', orgKind: 'CUSTOMER' };
    const names = (tenant: Tenant) =>
      withTenant(t.db, tenant, async (tx) =>
        (await tx.select({ id: organizations.id, name: organizations.name }).from(organizations)).sort(
          (a, b) => a.id.localeCompare(b.id),
        ),
      );
    expect(await names(c1)).toEqual([
      { id: 'c1', name: 'C1' },
      { id: 'd1', name: 'D1' },
      { id: 'r1', name: 'R1' },
    ]);
    expect(await names(c0)).toEqual([
      { id: 'c0', name: 'C0' },
      { id: 'd1', name: 'D1' },
    ]);
    // Looking for the others by id finds nothing: a sibling's customer, the other reseller, another marketplace.
    const others = await withTenant(t.db, c1, (tx) =>
      tx
        .select({ id: organizations.id })
        .from(organizations)
        .where(sql`${organizations.id} in ('c2', 'r2', 'c0', 'd2')`),
    );
    expect(others).toEqual([]);
    // Reading is all: the seller's row cannot be changed.
    const renamed = await withTenant(t.db, c1, (tx) =>
      tx.update(organizations).set({ name: 'Hacked' }).where(eq(organizations.id, 'r1')).returning(),
    );
    expect(renamed).toEqual([]);
    const [r1Row] = await withSystem(t.db, (tx) =>
      tx.select({ name: organizations.name }).from(organizations).where(eq(organizations.id, 'r1')),
    );
    expect(r1Row?.name).toBe('R1');
  });

  it('refuses to insert a row of another tenant', async () => {
    expect(
      await failure(
        withTenant(t.db, r1, (tx) =>
          tx
            .insert(invoiceTypes)
            .values({ distributorId: 'd1', resellerId: 'r2', orgId: 'c2', code: 'CREDIT', description: 'x' }),
        ),
      ),
    ).toMatch(/row-level security/);
    expect(
      await failure(
        withTenant(t.db, d2, (tx) =>
          tx
            .insert(invoiceTypes)
            .values({ distributorId: 'd1', orgId: 'd1', code: 'CREDIT', description: 'x' }),
        ),
      ),
    ).toMatch(/row-level security/);
  });

  it('accepts an insert inside the tenant and cannot update rows it cannot see', async () => {
    await withTenant(t.db, r1, async (tx) => {
      await tx.insert(invoiceTypes).values({
        distributorId: 'd1',
        resellerId: 'r1',
        orgId: 'c1',
        code: 'CREDIT',
        description: 'Credit',
      });
      const updated = await tx
        .update(invoiceTypes)
        .set({ description: 'hijacked' })
        .where(eq(invoiceTypes.orgId, 'c2'))
        .returning();
      expect(updated).toEqual([]);
    });
    const c2 = await withSystem(t.db, (tx) =>
      tx.select().from(invoiceTypes).where(eq(invoiceTypes.orgId, 'c2')),
    );
    expect(c2.map((r) => r.description)).toEqual(['Debit of c2']);
  });

  it('sees nothing without a tenant set', async () => {
    const rows = await t.db.transaction(async (tx) => {
      await tx.execute(sql`set local role cascade_app`);
      return tx.select().from(invoiceTypes);
    });
    expect(rows).toEqual([]);
  });

  it('keeps append-only tables append-only for cascade_app', async () => {
    await withTenant(t.db, r1, (tx) =>
      tx.insert(auditLog).values({
        distributorId: 'd1',
        resellerId: 'r1',
        orgId: 'r1',
        action: 'test',
        entityType: 'x',
        entityId: '1',
      }),
    );
    expect(
      await failure(withTenant(t.db, r1, (tx) => tx.update(auditLog).set({ action: 'changed' }))),
    ).toMatch(/permission denied/);
    expect(await failure(withTenant(t.db, r1, (tx) => tx.delete(auditLog)))).toMatch(/permission denied/);
    const rows = await withTenant(t.db, r1, (tx) => tx.select({ action: auditLog.action }).from(auditLog));
    expect(rows).toEqual([{ action: 'test' }]);
  });
});

describe('wall 1: tenantScope alone (as the owner, no RLS)', () => {
  for (const [name, tenant] of [
    ['d1', d1],
    ['r1', r1],
    ['c1', c1],
    ['d2', d2],
  ] as const) {
    it(`${name} is filtered to its own rows`, async () => {
      const seen = await withSystem(t.db, async (tx) => ({
        types: orgsOf(await tx.select().from(invoiceTypes).where(tenantScope(invoiceTypes, tenant))),
        orgs: (
          await tx
            .select({ orgId: organizations.id })
            .from(organizations)
            .where(tenantScope(organizations, tenant))
        )
          .map((r) => r.orgId)
          .sort(),
        all: (await tx.select().from(users)).length,
      }));
      expect(seen.types).toEqual(expected[name]);
      expect(seen.orgs).toEqual(expected[name]);
      expect(seen.all).toBe(orgs.length);
    });
  }
});
