import type { Role, SessionUser } from '@cascade/ui';
import { describe, expect, it } from 'vitest';
import { allowedRoutes, canManageEmbedKeys, landingRoute, menuTrail, storefrontMenu } from './menu';

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
  it('gives a distributor Main menu → Billing (+ Embedding for an ADMIN)', () => {
    expect(paths(user('DISTRIBUTOR', ['ADMIN']))).toEqual(['Main menu > Billing', 'Main menu > Embedding']);
    expect(paths(user('DISTRIBUTOR', ['BILLING_MANAGER']))).toEqual(['Main menu > Billing']);
    expect(landingRoute(user('DISTRIBUTOR', ['ADMIN']))).toBe('distributor-billing');
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
    expect(paths(user('RESELLER', ['USER'], 'LIGHT'))).toEqual([
      'My profile > My Account',
      'My profile > My Account > Billing',
    ]);
    expect(paths(user('RESELLER', ['ADMIN'], 'LIGHT'))).toEqual([
      'My profile > My Account',
      'My profile > My Account > Billing',
      'My profile > My Account > Embedding',
    ]);
  });

  it('adds Embedding beside Billing only for an ADMIN of a reseller or distributor (issue 8)', () => {
    const embedding = (u: SessionUser) => paths(u).filter((p) => p.includes('Embedding'));
    for (const tier of ['STANDARD', 'LIGHT'] as const) {
      expect(embedding(user('RESELLER', ['ADMIN'], tier))).toEqual(['My profile > My Account > Embedding']);
      expect(embedding(user('RESELLER', ['USER', 'ADMIN'], tier))).toHaveLength(1);
      for (const role of ['MARKETPLACE_MANAGER', 'BILLING_MANAGER', 'USER'] as const) {
        expect(embedding(user('RESELLER', [role], tier)), role).toEqual([]);
        expect(allowedRoutes(user('RESELLER', [role], tier)).has('account-embedding'), role).toBe(false);
      }
    }
    expect(embedding(user('DISTRIBUTOR', ['ADMIN']))).toEqual(['Main menu > Embedding']);
    expect(embedding(user('DISTRIBUTOR', ['USER']))).toEqual([]);
    // A customer's site is not a third-party portal of ours (SPEC "Third-party portal").
    expect(embedding(user('CUSTOMER', ['ADMIN']))).toEqual([]);
    expect(canManageEmbedKeys(user('CUSTOMER', ['ADMIN']))).toBe(false);
    expect(canManageEmbedKeys(null)).toBe(false);
    expect(allowedRoutes(user('RESELLER', ['ADMIN'], 'LIGHT')).has('account-embedding')).toBe(true);
    expect(allowedRoutes(user('DISTRIBUTOR', ['ADMIN'])).has('account-embedding')).toBe(true);
  });

  it('allows exactly the routes in the menu', () => {
    expect([...allowedRoutes(user('RESELLER', ['ADMIN'], 'STANDARD'))].sort()).toEqual([
      'account-billing',
      'account-embedding',
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
    expect(menuTrail(partner, 'account-embedding')).toEqual(['My profile', 'My Account', 'Embedding']);
    expect(menuTrail(storefrontMenu(user('DISTRIBUTOR', ['ADMIN'])), 'account-embedding')).toEqual([
      'Main menu',
      'Embedding',
    ]);
    expect(menuTrail(storefrontMenu(user('DISTRIBUTOR', ['ADMIN'])), 'distributor-billing')).toEqual([
      'Main menu',
      'Billing',
    ]);
    expect(menuTrail(partner, 'distributor-billing')).toBeNull();
  });
});
