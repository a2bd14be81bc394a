import type { Role, SessionUser } from '@cascade/ui';
import { describe, expect, it } from 'vitest';
import { allowedRoutes, landingRoute, menuTrail, storefrontMenu } from './menu';

function user(
  orgKind: SessionUser['orgKind'],
  roles: Role[],
  resellerTier: SessionUser['resellerTier'] = null,
) {
  return { id: 'u', name: 'U', orgId: 'o', orgName: 'O', orgKind, resellerTier, roles } satisfies SessionUser;
}

/** The menu flattened to "Section > Link > Child" strings, easy to compare. */
function paths(u: SessionUser): string[] {
  const out: string[] = [];
  for (const section of storefrontMenu(u)) {
    for (const link of section.links) {
      out.push(`${section.label} > ${link.label}`);
      for (const child of link.children ?? []) out.push(`${section.label} > ${link.label} > ${child.label}`);
    }
  }
  return out;
}

describe('storefront menu (SPEC §1)', () => {
  it('gives a distributor Main menu → Billing', () => {
    expect(paths(user('DISTRIBUTOR', ['ADMIN']))).toEqual(['Main menu > Billing']);
    expect(landingRoute(user('DISTRIBUTOR', ['USER']))).toBe('distributor-billing');
  });

  it('gives a customer My profile → My Account → Billing', () => {
    expect(paths(user('CUSTOMER', ['ADMIN']))).toEqual([
      'My profile > My Account',
      'My profile > My Account > Billing',
    ]);
    expect(landingRoute(user('CUSTOMER', ['USER']))).toBe('my-account');
  });

  it('adds Customer Charges to the main tabs only for ADMIN and MARKETPLACE_MANAGER of a Standard partner', () => {
    const tabs = (u: SessionUser) => paths(u).filter((p) => p.includes('Customer Charges'));
    expect(tabs(user('RESELLER', ['ADMIN'], 'STANDARD'))).toEqual(['Main > Customer Charges']);
    expect(tabs(user('RESELLER', ['MARKETPLACE_MANAGER'], 'STANDARD'))).toEqual(['Main > Customer Charges']);
    expect(tabs(user('RESELLER', ['BILLING_MANAGER'], 'STANDARD'))).toEqual([]);
    expect(tabs(user('RESELLER', ['USER'], 'STANDARD'))).toEqual([]);
    expect(tabs(user('RESELLER', ['ADMIN'], 'LIGHT'))).toEqual([]);
    for (const u of [user('RESELLER', ['USER'], 'LIGHT'), user('RESELLER', ['ADMIN'], 'LIGHT')]) {
      expect(paths(u)).toEqual(['My profile > My Account', 'My profile > My Account > Billing']);
    }
  });

  it('allows exactly the routes in the menu', () => {
    expect([...allowedRoutes(user('RESELLER', ['ADMIN'], 'STANDARD'))].sort()).toEqual([
      'account-billing',
      'customer-charges',
      'my-account',
    ]);
    expect(allowedRoutes(user('RESELLER', ['USER'], 'STANDARD')).has('customer-charges')).toBe(false);
    expect(allowedRoutes(user('DISTRIBUTOR', ['ADMIN'])).has('my-account')).toBe(false);
    expect(allowedRoutes(null).size).toBe(0);
  });

  it('gives each page its breadcrumb trail', () => {
    const partner = storefrontMenu(user('RESELLER', ['ADMIN'], 'STANDARD'));
    expect(menuTrail(partner, 'account-billing')).toEqual(['My profile', 'My Account', 'Billing']);
    expect(menuTrail(partner, 'customer-charges')).toEqual(['Customer Charges']);
    expect(menuTrail(storefrontMenu(user('DISTRIBUTOR', ['ADMIN'])), 'distributor-billing')).toEqual([
      'Main menu',
      'Billing',
    ]);
    expect(menuTrail(partner, 'distributor-billing')).toBeNull();
  });
});
