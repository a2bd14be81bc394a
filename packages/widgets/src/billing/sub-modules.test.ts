import type { SessionUser } from '@cascade/ui';
import { describe, expect, it } from 'vitest';
import { billingSubModules, hasRole, visibleSubModules } from './sub-modules';

const customer: SessionUser = {
  id: 'u',
  name: 'U',
  roles: ['USER'],
  orgId: 'customer-acme',
  orgName: 'Acme',
  orgKind: 'CUSTOMER',
  resellerTier: null,
};

describe('billing sub-modules', () => {
  it('start with Invoices and Credit Notes, in that order, each id once', () => {
    const ids = billingSubModules.map((m) => m.id);
    expect(ids.slice(0, 2)).toEqual(['invoices', 'credit-notes']);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('shows Invoices and Credit Notes to every organization and role', () => {
    expect(visibleSubModules(customer).map((m) => m.id)).toEqual(
      expect.arrayContaining(['invoices', 'credit-notes']),
    );
    expect(visibleSubModules(customer, [{ ...billingSubModules[0]!, visibleFor: () => false }])).toEqual([]);
  });

  it('checks roles', () => {
    expect(hasRole(customer, 'ADMIN', 'USER')).toBe(true);
    expect(hasRole(customer, 'ADMIN')).toBe(false);
  });
});

describe('read-only sessions', () => {
  const jwt = (claims: object) => `h.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.s`;

  it('knows an embed token, and then acts as USER', async () => {
    const { effectiveUser, isReadOnlyToken } = await import('./store');
    expect(isReadOnlyToken(jwt({ aud: 'embed', sub: 'u' }))).toBe(true);
    expect(isReadOnlyToken(jwt({ aud: 'api' }))).toBe(false);
    expect(isReadOnlyToken('opaque')).toBe(false);
    const admin = { ...customer, roles: ['ADMIN' as const] };
    expect(effectiveUser(admin, true).roles).toEqual(['USER']);
    expect(effectiveUser(admin, false)).toBe(admin);
  });
});
