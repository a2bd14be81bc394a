import type { Role, SessionUser } from '@cascade/ui';
import { createPinia, type Pinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { createMemoryHistory } from 'vue-router';
import { createStorefrontRouter } from './router';
import { useSession } from './session';

let pinia: Pinia;

beforeEach(() => {
  pinia = createPinia();
  setActivePinia(pinia);
});

function signInAs(
  orgKind: SessionUser['orgKind'],
  roles: Role[],
  resellerTier: SessionUser['resellerTier'] = null,
) {
  const user: SessionUser = { id: 'u', name: 'U', orgId: 'o', orgName: 'O', orgKind, resellerTier, roles };
  useSession(pinia).$patch({ token: 'token', user, status: 'signed-in' });
}

async function land(path: string) {
  const router = createStorefrontRouter(pinia, createMemoryHistory());
  await router.push(path);
  return router.currentRoute.value;
}

describe('storefront routes', () => {
  it('sends a signed-out visitor to sign-in, remembering where they were going', async () => {
    const route = await land('/my-account/billing');
    expect(route.name).toBe('sign-in');
    expect(route.query.next).toBe('/my-account/billing');
  });

  it('lands each tenant kind on the first entry of its menu', async () => {
    signInAs('DISTRIBUTOR', ['ADMIN']);
    expect((await land('/')).name).toBe('distributor-billing');
    signInAs('CUSTOMER', ['USER']);
    expect((await land('/')).name).toBe('my-account');
  });

  it('refuses pages outside the menu with a clear page', async () => {
    signInAs('RESELLER', ['ADMIN'], 'LIGHT');
    const route = await land('/customer-charges');
    expect(route.name).toBe('not-available');
    expect(route.query.page).toBe('/customer-charges');
    signInAs('DISTRIBUTOR', ['ADMIN']);
    expect((await land('/my-account')).name).toBe('not-available');
  });

  it('opens Customer Charges to a MARKETPLACE_MANAGER of a Standard partner', async () => {
    signInAs('RESELLER', ['MARKETPLACE_MANAGER'], 'STANDARD');
    expect((await land('/customer-charges')).name).toBe('customer-charges');
    expect((await land('/sign-in')).name).toBe('customer-charges');
  });
});
