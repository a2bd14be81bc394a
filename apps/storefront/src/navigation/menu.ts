// The storefront's navigation as data, computed from the signed-in user alone (SPEC §1, seed 000):
//   Distributor → Main menu → Billing (+ Embedding for an ADMIN)
//   Partner     → My profile → My Account → Billing (+ Embedding for an ADMIN; + Customer Charges
//                 in the main tabs, for ADMIN and MARKETPLACE_MANAGER of a Standard partner)
//   Customer    → My profile → My Account → Billing
// The nav component only renders it and the router guard only checks it, so the rules live in one
// tested place.
import type { SessionUser } from '@cascade/ui';
import { canSeeCustomerCharges, hasRole } from '@cascade/ui';

export type StorefrontRoute =
  | 'distributor-billing'
  | 'customer-charges'
  | 'my-account'
  | 'account-billing'
  | 'account-embedding';

export interface MenuLink {
  route: StorefrontRoute;
  label: string;
  children?: MenuLink[];
}

export interface MenuSection {
  id: 'main-menu' | 'main-tabs' | 'my-profile';
  label: string;
  links: MenuLink[];
}

/**
 * Embedding's API keys (issue 8) are managed by an ADMIN of an organization that runs portals of
 * its own: a distributor or a reseller (SPEC: "a web site of a distributor or reseller"). The API
 * refuses every other role.
 */
export function canManageEmbedKeys(user: SessionUser | null | undefined): boolean {
  return !!user && (user.orgKind === 'DISTRIBUTOR' || user.orgKind === 'RESELLER') && hasRole(user, 'ADMIN');
}

const EMBEDDING: MenuLink = { route: 'account-embedding', label: 'Embedding' };

export function storefrontMenu(user: SessionUser | null | undefined): MenuSection[] {
  if (!user) return [];
  const embedding = canManageEmbedKeys(user) ? [EMBEDDING] : [];
  if (user.orgKind === 'DISTRIBUTOR') {
    return [
      {
        id: 'main-menu',
        label: 'Main menu',
        links: [{ route: 'distributor-billing', label: 'Billing' }, ...embedding],
      },
    ];
  }
  const sections: MenuSection[] = [];
  if (canSeeCustomerCharges(user)) {
    sections.push({
      id: 'main-tabs',
      label: 'Main',
      links: [{ route: 'customer-charges', label: 'Customer Charges' }],
    });
  }
  sections.push({
    id: 'my-profile',
    label: 'My profile',
    links: [
      {
        route: 'my-account',
        label: 'My Account',
        children: [{ route: 'account-billing', label: 'Billing' }, ...embedding],
      },
    ],
  });
  return sections;
}

/** Section label, then link labels down to `route`: the trail a breadcrumb shows. */
export function menuTrail(menu: MenuSection[], route: string): string[] | null {
  const walk = (links: MenuLink[], trail: string[]): string[] | null => {
    for (const link of links) {
      const here = [...trail, link.label];
      if (link.route === route) return here;
      const below = walk(link.children ?? [], here);
      if (below) return below;
    }
    return null;
  };
  for (const section of menu) {
    const found = walk(section.links, section.id === 'main-tabs' ? [] : [section.label]);
    if (found) return found;
  }
  return null;
}

export function allowedRoutes(user: SessionUser | null | undefined): Set<StorefrontRoute> {
  const routes = new Set<StorefrontRoute>();
  const add = (links: MenuLink[]) => {
    for (const link of links) {
      routes.add(link.route);
      add(link.children ?? []);
    }
  };
  for (const section of storefrontMenu(user)) add(section.links);
  return routes;
}

/** Where a user lands after signing in: the first entry of their menu. */
export function landingRoute(user: SessionUser | null | undefined): StorefrontRoute | null {
  return storefrontMenu(user)[0]?.links[0]?.route ?? null;
}
