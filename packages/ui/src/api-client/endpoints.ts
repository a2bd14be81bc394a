import type { ApiClient } from './index';
import type {
  DemoUser,
  LockedEntry,
  OrgKind,
  Page,
  ResellerTier,
  Role,
  SessionUser,
  SignInResult,
} from './types';

// Typed calls for the endpoints the apps use. They normalise the few shapes the API may answer with
// (a bare array or a page; a flat or nested user) so screens deal with one shape each.

type Loose = Record<string, unknown>;

function asObject(value: unknown): Loose {
  return typeof value === 'object' && value !== null ? (value as Loose) : {};
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Rows of a list answer, whether the API sent an array or a `{rows, lastRow}` page. */
export function rowsOf<T>(answer: T[] | Page<T> | unknown): T[] {
  if (Array.isArray(answer)) return answer as T[];
  const rows = asObject(answer).rows;
  return Array.isArray(rows) ? (rows as T[]) : [];
}

/**
 * A user from `/me` or from a sign-in answer: flat (`{id, name, orgId, orgKind, …}`) or nested
 * (`{user: {…}, organization: {id, name, kind, resellerTier}}`).
 */
export function toSessionUser(answer: unknown): SessionUser {
  const root = asObject(answer);
  const user = asObject(root.user ?? root);
  const org = asObject(root.organization ?? root.org ?? user.organization ?? user.org);
  const roles = Array.isArray(user.roles) ? (user.roles.filter((r) => typeof r === 'string') as Role[]) : [];
  return {
    id: str(user.id) ?? '',
    name: str(user.name) ?? '',
    email: str(user.email),
    roles,
    orgId: str(user.orgId) ?? str(org.id) ?? '',
    orgName: str(user.orgName) ?? str(org.name) ?? '',
    orgKind: (str(user.orgKind) ?? str(org.kind) ?? str(root.kind) ?? 'CUSTOMER') as OrgKind,
    resellerTier: (str(user.resellerTier) ?? str(org.resellerTier) ?? null) as ResellerTier | null,
    standardSince: str(user.standardSince) ?? str(org.standardSince) ?? null,
    timeZone: str(user.timeZone) ?? str(org.timeZone),
    defaultCurrency: str(user.defaultCurrency) ?? str(org.defaultCurrency),
  };
}

export interface CallOptions {
  signal?: AbortSignal;
}

export function authApi(client: ApiClient) {
  return {
    async demoUsers(options: CallOptions = {}): Promise<DemoUser[]> {
      // The demo has a handful of users; one page of the largest size the API allows holds them all.
      return rowsOf<DemoUser>(
        await client.get('/v1/auth/demo-users', { ...options, query: { startRow: 0, endRow: 1000 } }),
      );
    },
    async demoSignIn(userId: string, options: CallOptions = {}): Promise<SignInResult> {
      const answer = asObject(await client.post('/v1/auth/demo-sign-in', { userId }, options));
      return { token: str(answer.token) ?? '', user: toSessionUser(answer.user ?? answer) };
    },
    async me(options: CallOptions = {}): Promise<SessionUser> {
      return toSessionUser(await client.get('/v1/me', options));
    },
  };
}

export type LockedCatalog = 'invoice-types' | 'invoice-statuses';

export function lockedCatalogApi(client: ApiClient, catalog: LockedCatalog) {
  return {
    async list(options: CallOptions = {}): Promise<LockedEntry[]> {
      return rowsOf<LockedEntry>(await client.get(`/v1/${catalog}`, options));
    },
    async describe(code: string, description: string, options: CallOptions = {}): Promise<LockedEntry> {
      return client.patch<LockedEntry>(
        `/v1/${catalog}/${encodeURIComponent(code)}`,
        { description },
        options,
      );
    },
  };
}

export async function health(client: ApiClient, options: CallOptions = {}) {
  return client.get<{ status: string; database: string }>('/health', options);
}
