import type { Pinia } from 'pinia';
import { createRouter, createWebHistory, type RouteLocationRaw, type RouterHistory } from 'vue-router';
import { allowedRoutes, landingRoute, type StorefrontRoute } from './navigation/menu';
// The pages are small: one bundle loads faster than a chunk per page.
import EmbeddingPage from './pages/EmbeddingPage.vue';
import ModulePage from './pages/ModulePage.vue';
import MyAccountPage from './pages/MyAccountPage.vue';
import NotFoundPage from './pages/NotFoundPage.vue';
import SignInPage from './pages/SignInPage.vue';
import { useSession } from './session';

declare module 'vue-router' {
  interface RouteMeta {
    /** Shown in the tab title. */
    title?: string;
    /** Open without signing in. */
    public?: boolean;
  }
}

export function createStorefrontRouter(
  pinia: Pinia,
  history: RouterHistory = createWebHistory(import.meta.env.BASE_URL),
) {
  const router = createRouter({
    history,
    routes: [
      {
        path: '/sign-in',
        name: 'sign-in',
        component: SignInPage,
        meta: { public: true, title: 'Sign in' },
      },
      { path: '/', name: 'home', component: { render: () => null } },
      {
        path: '/billing',
        name: 'distributor-billing',
        component: ModulePage,
        props: { module: 'billing', title: 'Billing' },
        meta: { title: 'Billing' },
      },
      {
        path: '/customer-charges',
        name: 'customer-charges',
        component: ModulePage,
        props: { module: 'customer-charges', title: 'Customer Charges' },
        meta: { title: 'Customer Charges' },
      },
      {
        path: '/my-account',
        name: 'my-account',
        component: MyAccountPage,
        meta: { title: 'My Account' },
      },
      {
        path: '/my-account/billing',
        name: 'account-billing',
        component: ModulePage,
        props: { module: 'billing', title: 'Billing' },
        meta: { title: 'Billing' },
      },
      {
        path: '/my-account/embedding',
        name: 'account-embedding',
        component: EmbeddingPage,
        meta: { title: 'Embedding' },
      },
      {
        path: '/not-available',
        name: 'not-available',
        component: NotFoundPage,
        props: (route) => ({ denied: true, page: String(route.query.page ?? '') }),
        meta: { title: 'Not available' },
      },
      {
        path: '/:pathMatch(.*)*',
        name: 'not-found',
        component: NotFoundPage,
        meta: { title: 'Not found' },
      },
    ],
  });

  router.beforeEach(async (to): Promise<RouteLocationRaw | true> => {
    const session = useSession(pinia);
    await session.restore();
    if (to.meta.public) {
      if (to.name === 'sign-in' && session.signedIn) return { name: 'home' };
      return true;
    }
    if (!session.signedIn) {
      return { name: 'sign-in', query: to.fullPath !== '/' ? { next: to.fullPath } : {} };
    }
    if (to.name === 'home') {
      const landing = landingRoute(session.user);
      return landing ? { name: landing } : { name: 'not-found' };
    }
    const open = to.name === 'not-found' || to.name === 'not-available';
    if (!open && !allowedRoutes(session.user).has(to.name as StorefrontRoute)) {
      // Not in this user's menu (SPEC §1): say so rather than showing an empty page.
      return { name: 'not-available', query: { page: to.path } };
    }
    return true;
  });

  router.afterEach((to, from) => {
    if (typeof document === 'undefined') return;
    document.title = to.meta.title ? `${to.meta.title} · Cascade` : 'Cascade storefront';
    // After an in-app navigation, move focus to the page so screen readers announce it.
    if (from.name !== undefined) {
      requestAnimationFrame(() => document.getElementById('cx-main')?.focus({ preventScroll: true }));
    }
  });

  return router;
}
