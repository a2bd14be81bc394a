import { describe, expect, it } from 'vitest';
import type { SessionUser } from '../api-client/types';
import {
  canAdministerBilling,
  canEnterAdmin,
  canSeeCustomerCharges,
  type KeyValueStorage,
  orgKindLabel,
  readSession,
  tokenExpired,
  tokenExpiry,
  writeSession,
} from './index';

function memoryStorage(): KeyValueStorage & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    getItem: (k) => data.get(k) ?? null,
    setItem: (k, v) => void data.set(k, v),
    removeItem: (k) => void data.delete(k),
  };
}

function jwt(claims: object): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}.signature`;
}

function user(overrides: Partial<SessionUser> = {}): SessionUser {
  return {
    id: 'u',
    name: 'U',
    roles: ['ADMIN'],
    orgId: 'reseller-standard',
    orgName: 'Standard Reseller',
    orgKind: 'RESELLER',
    resellerTier: 'STANDARD',
    ...overrides,
  };
}

describe('stored session', () => {
  it('round-trips through storage', () => {
    const storage = memoryStorage();
    const token = jwt({ sub: 'u', exp: Math.floor(Date.now() / 1000) + 3600 });
    writeSession(storage, 'k', { token, user: user() });
    expect(readSession(storage, 'k')).toEqual({ token, user: user() });
    expect(readSession(storage, 'other')).toBeNull();
  });

  it('drops an expired token and ignores garbage', () => {
    const storage = memoryStorage();
    writeSession(storage, 'k', { token: jwt({ exp: 1 }), user: user() });
    expect(readSession(storage, 'k')).toBeNull();
    expect(storage.data.has('k')).toBe(false);
    storage.setItem('k', '{not json');
    expect(readSession(storage, 'k')).toBeNull();
    storage.setItem('k', JSON.stringify({ token: '', user: user() }));
    expect(readSession(storage, 'k')).toBeNull();
    expect(readSession(undefined, 'k')).toBeNull();
  });

  it('reads exp from a JWT without trusting anything else', () => {
    expect(tokenExpiry(jwt({ exp: 42 }))).toBe(42);
    expect(tokenExpiry('opaque-token')).toBeUndefined();
    expect(tokenExpired('opaque-token')).toBe(false);
    expect(tokenExpired(jwt({ exp: 100 }), 100_000)).toBe(true);
    expect(tokenExpired(jwt({ exp: 101 }), 100_000)).toBe(false);
  });
});

describe('who may see what (SPEC §1)', () => {
  it('shows Customer Charges to ADMIN and MARKETPLACE_MANAGER of a Standard reseller only', () => {
    expect(canSeeCustomerCharges(user({ roles: ['ADMIN'] }))).toBe(true);
    expect(canSeeCustomerCharges(user({ roles: ['MARKETPLACE_MANAGER'] }))).toBe(true);
    expect(canSeeCustomerCharges(user({ roles: ['BILLING_MANAGER'] }))).toBe(false);
    expect(canSeeCustomerCharges(user({ roles: ['USER'] }))).toBe(false);
    expect(canSeeCustomerCharges(user({ resellerTier: 'LIGHT' }))).toBe(false);
    expect(canSeeCustomerCharges(user({ orgKind: 'DISTRIBUTOR', resellerTier: null }))).toBe(false);
    expect(canSeeCustomerCharges(user({ orgKind: 'CUSTOMER', resellerTier: null }))).toBe(false);
    expect(canSeeCustomerCharges(null)).toBe(false);
  });

  it('lets only distributors into the admin SPA, and only their ADMIN change billing settings', () => {
    const distributorAdmin = user({ orgKind: 'DISTRIBUTOR', resellerTier: null, roles: ['ADMIN'] });
    const distributorUser = user({ orgKind: 'DISTRIBUTOR', resellerTier: null, roles: ['USER'] });
    expect(canEnterAdmin(distributorAdmin)).toBe(true);
    expect(canEnterAdmin(distributorUser)).toBe(true);
    expect(canEnterAdmin(user())).toBe(false);
    expect(canAdministerBilling(distributorAdmin)).toBe(true);
    expect(canAdministerBilling(distributorUser)).toBe(false);
    expect(canAdministerBilling(user({ roles: ['ADMIN'] }))).toBe(false);
  });

  it('names organization kinds as the storefront does', () => {
    expect(orgKindLabel(user())).toBe('Partner · Standard');
    expect(orgKindLabel(user({ resellerTier: 'LIGHT' }))).toBe('Partner · Light');
    expect(orgKindLabel(user({ orgKind: 'CUSTOMER', resellerTier: null }))).toBe('Customer');
  });
});
