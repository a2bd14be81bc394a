import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import type { KeyValueStorage } from './index';
import { defineSessionStore } from './store';

function memoryStorage(): KeyValueStorage & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    getItem: (k) => data.get(k) ?? null,
    setItem: (k, v) => void data.set(k, v),
    removeItem: (k) => void data.delete(k),
  };
}

const me = {
  id: 'distributor-admin',
  name: 'Dana Admin',
  roles: ['ADMIN'],
  orgId: 'distributor',
  orgName: 'Cascade Distribution',
  orgKind: 'DISTRIBUTOR',
  resellerTier: null,
};

/** A tiny fake API: sign-in mints "t1", /me answers for "t1" and 401 otherwise. */
function fakeApi(seen: string[]) {
  return (async (url: string | URL | Request, init?: RequestInit) => {
    const path = String(url);
    const auth = (init?.headers as Record<string, string>)?.Authorization;
    seen.push(`${init?.method} ${path} ${auth ?? '-'}`);
    if (path.endsWith('/demo-sign-in'))
      return Response.json({ token: 't1', user: { id: me.id, name: me.name } });
    if (path.endsWith('/v1/me')) {
      return auth === 'Bearer t1'
        ? Response.json(me)
        : Response.json({ error: { code: 'UNAUTHORIZED', message: 'Session expired' } }, { status: 401 });
    }
    return Response.json({ error: { code: 'NOT_FOUND', message: 'Not found' } }, { status: 404 });
  }) as unknown as typeof fetch;
}

describe('session store', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('signs in as a demo user, keeps the session in storage, and signs out', async () => {
    const storage = memoryStorage();
    const seen: string[] = [];
    const useSession = defineSessionStore({ storageKey: 'k', storage: () => storage, fetch: fakeApi(seen) });
    const session = useSession();
    expect(session.status).toBe('anonymous');
    const user = await session.signInAsDemoUser('distributor-admin');
    expect(user.orgName).toBe('Cascade Distribution');
    expect(session.signedIn).toBe(true);
    expect(seen).toEqual(['POST /api/v1/auth/demo-sign-in -', 'GET /api/v1/me Bearer t1']);
    expect(JSON.parse(storage.data.get('k') ?? '{}').token).toBe('t1');

    // A reload: a new store reads the stored session and confirms it with /me.
    setActivePinia(createPinia());
    const again = useSession();
    expect(again.status).toBe('restoring');
    await again.restore();
    expect(again.status).toBe('signed-in');
    expect(again.user?.orgKind).toBe('DISTRIBUTOR');

    again.signOut();
    expect(again.signedIn).toBe(false);
    expect(storage.data.has('k')).toBe(false);
  });

  it('ends a session the API no longer accepts, saying why', async () => {
    const storage = memoryStorage();
    storage.setItem('k', JSON.stringify({ token: 'revoked', user: me }));
    const useSession = defineSessionStore({ storageKey: 'k', storage: () => storage, fetch: fakeApi([]) });
    const session = useSession();
    await session.restore();
    expect(session.status).toBe('anonymous');
    expect(session.endedReason).toBe('Session expired');
    expect(storage.data.has('k')).toBe(false);
  });
});
