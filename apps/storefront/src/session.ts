import { defineSessionStore } from '@cascade/ui/store';

/** The storefront's session (its own sessionStorage key: signing in here does not sign in the admin). */
export const useSession = defineSessionStore({
  id: 'storefront-session',
  storageKey: 'cascade.storefront.session',
});
