// The API's JSON, as the UI reads it. Kept here (not imported from the db or api packages) so the
// UI bundles carry no server code; the names follow SPEC.md and the db schema.

export const ROLES = ['ADMIN', 'MARKETPLACE_MANAGER', 'BILLING_MANAGER', 'USER'] as const;
export type Role = (typeof ROLES)[number];

export const ORG_KINDS = ['DISTRIBUTOR', 'RESELLER', 'CUSTOMER'] as const;
export type OrgKind = (typeof ORG_KINDS)[number];

export type ResellerTier = 'LIGHT' | 'STANDARD';

/** One page of a list: `startRow`/`endRow` in, `{rows, lastRow}` out (lastRow -1 when unknown). */
export interface Page<T> {
  rows: T[];
  lastRow: number;
}

export interface DemoUser {
  id: string;
  name: string;
  orgId: string;
  orgName: string;
  orgKind: OrgKind;
  resellerTier: ResellerTier | null;
  roles: Role[];
}

/** The signed-in user with the organization (tenant) the token belongs to. */
export interface SessionUser {
  id: string;
  name: string;
  email?: string;
  roles: Role[];
  orgId: string;
  orgName: string;
  orgKind: OrgKind;
  resellerTier: ResellerTier | null;
  /** Only for a reseller upgraded from Light: the date (YYYY-MM-DD) it became Standard. */
  standardSince?: string | null;
  /** The organization's IANA time zone. */
  timeZone?: string;
  /** The organization's default ISO 4217 currency. */
  defaultCurrency?: string;
}

export interface SignInResult {
  token: string;
  user: SessionUser;
}

/** A locked catalog entry (invoice type or invoice status): only its description can change. */
export interface LockedEntry {
  code: string;
  description: string;
  updatedAt?: string;
}
