import { defineStore } from 'pinia';
import { computed, markRaw, ref } from 'vue';
import { type ApiError, createApiClient, isApiError } from '../api-client';
import { authApi } from '../api-client/endpoints';
import type { SessionUser } from '../api-client/types';
import {
  browserSessionStorage,
  clearSession,
  type KeyValueStorage,
  readSession,
  writeSession,
} from './index';

export interface SessionStoreOptions {
  /** Pinia store id. */
  id?: string;
  /** sessionStorage key; each app keeps its own so signing in to one does not sign in to the other. */
  storageKey: string;
  /** API base URL, `/api` by default. */
  baseUrl?: string;
  storage?: () => KeyValueStorage | undefined;
  fetch?: typeof globalThis.fetch;
}

export type SessionStatus = 'anonymous' | 'restoring' | 'signed-in';

/**
 * Defines the Pinia store of one app's session. The app calls it once (`export const useSession =
 * defineSessionStore({storageKey: 'cascade.admin'})`) and its screens read `user`, call `api` and
 * `signInAsDemoUser`/`signOut`.
 */
export function defineSessionStore(options: SessionStoreOptions) {
  const getStorage = options.storage ?? browserSessionStorage;

  return defineStore(options.id ?? 'session', () => {
    const stored = readSession(getStorage(), options.storageKey);
    const token = ref<string | null>(stored?.token ?? null);
    const user = ref<SessionUser | null>(stored?.user ?? null);
    const status = ref<SessionStatus>(stored ? 'restoring' : 'anonymous');
    /** Why the user was signed out, when it was not their choice (an expired token). */
    const endedReason = ref<string | null>(null);

    const api = markRaw(
      createApiClient({
        baseUrl: options.baseUrl,
        fetch: options.fetch,
        getToken: () => token.value,
        onUnauthorized: (error: ApiError) => end(error.message),
      }),
    );
    const auth = authApi(api);
    const signedIn = computed(() => status.value === 'signed-in' && !!user.value);

    function persist() {
      if (token.value && user.value) {
        writeSession(getStorage(), options.storageKey, { token: token.value, user: user.value });
      }
    }

    function end(reason: string | null) {
      token.value = null;
      user.value = null;
      status.value = 'anonymous';
      endedReason.value = reason;
      clearSession(getStorage(), options.storageKey);
    }

    let restoring: Promise<void> | null = null;

    /**
     * Confirms a stored session with `GET /me` (fresh roles and organization). Resolves once the
     * status is settled; safe to call from every route guard.
     */
    function restore(): Promise<void> {
      if (status.value !== 'restoring') return Promise.resolve();
      restoring ??= (async () => {
        try {
          user.value = await auth.me();
          status.value = 'signed-in';
          persist();
        } catch (error) {
          // A 401 already ended the session (onUnauthorized). Any other failure (server down)
          // keeps the stored user: the screens show their own errors and can retry.
          if (!isApiError(error) || error.status !== 401)
            status.value = user.value ? 'signed-in' : 'anonymous';
        } finally {
          restoring = null;
        }
      })();
      return restoring;
    }

    async function signInAsDemoUser(userId: string): Promise<SessionUser> {
      const result = await auth.demoSignIn(userId);
      token.value = result.token;
      user.value = result.user;
      try {
        // The sign-in answer may carry less than /me (organization name, tier).
        user.value = await auth.me();
      } catch (error) {
        if (isApiError(error) && error.status === 401) throw error;
      }
      status.value = 'signed-in';
      endedReason.value = null;
      persist();
      return user.value;
    }

    /** Reloads the user and organization from `GET /me` (roles may have changed). */
    async function refresh(signal?: AbortSignal): Promise<SessionUser> {
      const fresh = await auth.me({ signal });
      user.value = fresh;
      persist();
      return fresh;
    }

    function signOut() {
      end(null);
    }

    return {
      token,
      user,
      status,
      signedIn,
      endedReason,
      api,
      restore,
      signInAsDemoUser,
      refresh,
      signOut,
      loadDemoUsers: (signal?: AbortSignal) => auth.demoUsers({ signal }),
    };
  });
}
