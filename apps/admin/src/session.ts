import { defineSessionStore } from '@cascade/ui/store';

/** The admin's session (its own sessionStorage key, apart from the storefront's). */
export const useSession = defineSessionStore({ id: 'admin-session', storageKey: 'cascade.admin.session' });
