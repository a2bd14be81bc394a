// The session, framework-free: where the token lives (sessionStorage, so it ends with the tab and
// never leaks to other tabs), what a token says about its expiry, and who may see what. The Pinia
// store in ./store.ts is a thin reactive shell around these.

import type { Role, SessionUser } from '../api-client/types';

export interface StoredSession {
  token: string;
  user: SessionUser;
}

/** The part of the Web Storage API we use, so tests can pass a Map-backed fake. */
export type KeyValueStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/** sessionStorage when there is one (a browser), nothing otherwise (tests, SSR, a sandboxed frame). */
export function browserSessionStorage(): KeyValueStorage | undefined {
  try {
    return globalThis.sessionStorage ?? undefined;
  } catch {
    return undefined;
  }
}

export function readSession(storage: KeyValueStorage | undefined, key: string): StoredSession | null {
  const raw = storage?.getItem(key);
  if (!raw) return null;
  try {
    const parsed = JSON.parse(raw) as Partial<StoredSession>;
    if (
      typeof parsed.token !== 'string' ||
      !parsed.token ||
      typeof parsed.user !== 'object' ||
      !parsed.user
    ) {
      return null;
    }
    if (tokenExpired(parsed.token)) {
      storage?.removeItem(key);
      return null;
    }
    return { token: parsed.token, user: parsed.user };
  } catch {
    return null;
  }
}

export function writeSession(
  storage: KeyValueStorage | undefined,
  key: string,
  session: StoredSession,
): void {
  try {
    storage?.setItem(key, JSON.stringify(session));
  } catch {
    // Storage full or disabled: the session still works until the tab reloads.
  }
}

export function clearSession(storage: KeyValueStorage | undefined, key: string): void {
  try {
    storage?.removeItem(key);
  } catch {
    // Nothing stored, nothing to clear.
  }
}

function base64UrlDecode(part: string): string {
  const base64 = part.replace(/-/g, '+').replace(/_/g, '/');
  const padded = base64 + '='.repeat((4 - (base64.length % 4)) % 4);
  return atob(padded);
}

/**
 * The `exp` claim of a JWT, in seconds, without verifying it (the API verifies; the UI only avoids
 * offering a session it knows has ended). Undefined when the token is not a readable JWT.
 */
export function tokenExpiry(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(base64UrlDecode(payload)) as { exp?: unknown };
    return typeof claims.exp === 'number' ? claims.exp : undefined;
  } catch {
    return undefined;
  }
}

export function tokenExpired(token: string, now: number = Date.now()): boolean {
  const exp = tokenExpiry(token);
  return exp !== undefined && exp * 1000 <= now;
}

export function hasRole(user: Pick<SessionUser, 'roles'> | null | undefined, ...roles: Role[]): boolean {
  return !!user && user.roles.some((role) => roles.includes(role));
}

/** SPEC §1: Customer Charges is only for ADMIN and MARKETPLACE_MANAGER of a Standard reseller. */
export function canSeeCustomerCharges(user: SessionUser | null | undefined): boolean {
  return (
    !!user &&
    user.orgKind === 'RESELLER' &&
    user.resellerTier === 'STANDARD' &&
    hasRole(user, 'ADMIN', 'MARKETPLACE_MANAGER')
  );
}

/** The admin SPA is the distributor's (SPEC §1). */
export function canEnterAdmin(user: SessionUser | null | undefined): boolean {
  return !!user && user.orgKind === 'DISTRIBUTOR';
}

/** Changing invoice types, statuses and billing profile options: the distributor's ADMIN only. */
export function canAdministerBilling(user: SessionUser | null | undefined): boolean {
  return canEnterAdmin(user) && hasRole(user, 'ADMIN');
}

export const ORG_KIND_LABELS = {
  DISTRIBUTOR: 'Distributor',
  RESELLER: 'Partner',
  CUSTOMER: 'Customer',
} as const;

export const ROLE_LABELS: Record<Role, string> = {
  ADMIN: 'Admin',
  MARKETPLACE_MANAGER: 'Marketplace manager',
  BILLING_MANAGER: 'Billing manager',
  USER: 'User',
};

/** "Partner · Standard" / "Distributor": how the UI names an organization's kind. */
export function orgKindLabel(user: Pick<SessionUser, 'orgKind' | 'resellerTier'>): string {
  const kind = ORG_KIND_LABELS[user.orgKind] ?? user.orgKind;
  if (user.orgKind !== 'RESELLER' || !user.resellerTier) return kind;
  return `${kind} · ${user.resellerTier === 'STANDARD' ? 'Standard' : 'Light'}`;
}

export function roleLabel(role: string): string {
  return ROLE_LABELS[role as Role] ?? role;
}
