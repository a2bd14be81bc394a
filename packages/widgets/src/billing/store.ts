// The Billing shell's state (Pinia): who is signed in, the marketplace's Amount Includes Tax option,
// and which sub-module tab is open. Each mounted Billing module has its own store id, so two
// modules on one page (a portal) never share state.
import type { ApiClient, SessionUser } from '@cascade/ui';
import { authApi, errorMessage } from '@cascade/ui';
import { defineStore } from 'pinia';
import { ref } from 'vue';

let instances = 0;

/**
 * Whether the token only reads: an `embed` token (a third-party portal) reaches the Billing
 * module's GET routes only, so nothing that writes is offered. Read from the token's claims for
 * the screen's sake; the API checks the token itself.
 */
export function isReadOnlyToken(token: string): boolean {
  const payload = token.split('.')[1];
  if (!payload) return false;
  try {
    const text = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const claims = JSON.parse(text) as { aud?: unknown };
    return claims.aud === 'embed' || (Array.isArray(claims.aud) && claims.aud.includes('embed'));
  } catch {
    return false;
  }
}

/** The user as the screens see it: a read-only session acts with no role beyond USER. */
export function effectiveUser(user: SessionUser, readOnly: boolean): SessionUser {
  return readOnly ? { ...user, roles: ['USER'] } : user;
}

export function uniqueBillingStoreId(prefix = 'billing'): string {
  instances += 1;
  return `${prefix}:${instances}`;
}

interface ProfileOptionsAnswer {
  options?: { amountIncludesTax?: unknown };
}

export function defineBillingStore(id: string) {
  return defineStore(id, () => {
    const user = ref<SessionUser | null>(null);
    const amountIncludesTax = ref(false);
    const activeTab = ref<string | null>(null);
    const loading = ref(false);
    const error = ref<string | null>(null);

    /** Who is signed in and the marketplace's options: both are needed before any tab shows. */
    async function load(client: ApiClient, readOnly = false): Promise<void> {
      loading.value = true;
      error.value = null;
      try {
        const [me, options] = await Promise.all([
          authApi(client).me(),
          client.get<ProfileOptionsAnswer>('/v1/profile-options'),
        ]);
        user.value = effectiveUser(me, readOnly);
        amountIncludesTax.value = options.options?.amountIncludesTax === true;
      } catch (e) {
        error.value = errorMessage(e);
      } finally {
        loading.value = false;
      }
    }

    function open(tab: string): void {
      activeTab.value = tab;
    }

    return { user, amountIncludesTax, activeTab, loading, error, load, open };
  });
}
