import type { Role, SessionUser } from '@cascade/ui';
import { createPinia, type Pinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { createMemoryHistory } from 'vue-router';
import { createAdminRouter } from './router';
import { ADMIN_SCREENS } from './screens';
import { useSession } from './session';

let pinia: Pinia;

beforeEach(() => {
  pinia = createPinia();
  setActivePinia(pinia);
});

function signInAs(orgKind: SessionUser['orgKind'], roles: Role[]) {
  const user: SessionUser = {
    id: 'u',
    name: 'U',
    orgId: 'o',
    orgName: 'O',
    orgKind,
    resellerTier: null,
    roles,
  };
  useSession(pinia).$patch({ token: 'token', user, status: 'signed-in' });
}

async function land(path: string) {
  const router = createAdminRouter(pinia, createMemoryHistory());
  await router.push(path);
  return router.currentRoute.value;
}

describe('admin routes', () => {
  it('asks a signed-out visitor to sign in', async () => {
    const route = await land('/invoice-statuses');
    expect(route.name).toBe('sign-in');
    expect(route.query.next).toBe('/invoice-statuses');
  });

  it('lets distributor users in, starting on the first screen', async () => {
    signInAs('DISTRIBUTOR', ['USER']);
    expect((await land('/')).name).toBe(ADMIN_SCREENS[0].route);
    expect((await land('/invoice-statuses')).name).toBe('invoice-statuses');
    expect((await land('/no-access')).name).toBe(ADMIN_SCREENS[0].route);
  });

  it('shows partners and customers the no-access page, whatever they open', async () => {
    for (const kind of ['RESELLER', 'CUSTOMER'] as const) {
      signInAs(kind, ['ADMIN']);
      expect((await land('/invoice-types')).name).toBe('no-access');
      expect((await land('/')).name).toBe('no-access');
    }
  });

  it('lists only screens that have a route', async () => {
    const router = createAdminRouter(pinia, createMemoryHistory());
    for (const screen of ADMIN_SCREENS) expect(router.hasRoute(screen.route)).toBe(true);
  });
});
