import { canEnterAdmin } from '@cascade/ui';
import type { Pinia } from 'pinia';
import { createRouter, createWebHistory, type RouteLocationRaw, type RouterHistory } from 'vue-router';
import AuditLogPage from './pages/AuditLogPage.vue';
import BillingRunsPage from './pages/BillingRunsPage.vue';
import CustomerChargesSchedulePage from './pages/CustomerChargesSchedulePage.vue';
import InvoiceStatusesPage from './pages/InvoiceStatusesPage.vue';
import InvoiceTypesPage from './pages/InvoiceTypesPage.vue';
import NoAccessPage from './pages/NoAccessPage.vue';
import NotFoundPage from './pages/NotFoundPage.vue';
import ProfileOptionsPage from './pages/ProfileOptionsPage.vue';
import SignInPage from './pages/SignInPage.vue';
import { ADMIN_SCREENS } from './screens';
import { useSession } from './session';

declare module 'vue-router' {
  interface RouteMeta {
    title?: string;
    /** Open without signing in. */
    public?: boolean;
    /** Open to a signed-in user of any organization (the no-access page). */
    anyOrg?: boolean;
  }
}

export function createAdminRouter(
  pinia: Pinia,
  history: RouterHistory = createWebHistory(import.meta.env.BASE_URL),
) {
  const router = createRouter({
    history,
    routes: [
      { path: '/sign-in', name: 'sign-in', component: SignInPage, meta: { public: true, title: 'Sign in' } },
      { path: '/', name: 'home', redirect: { name: ADMIN_SCREENS[0].route } },
      {
        path: '/invoice-types',
        name: 'invoice-types',
        component: InvoiceTypesPage,
        meta: { title: 'Invoice types' },
      },
      {
        path: '/invoice-statuses',
        name: 'invoice-statuses',
        component: InvoiceStatusesPage,
        meta: { title: 'Invoice statuses' },
      },
      {
        path: '/profile-options',
        name: 'profile-options',
        component: ProfileOptionsPage,
        meta: { title: 'Billing profile options' },
      },
      {
        path: '/billing-runs',
        name: 'billing-runs',
        component: BillingRunsPage,
        meta: { title: 'Billing runs' },
      },
      {
        path: '/customer-charges-schedule',
        name: 'customer-charges-schedule',
        component: CustomerChargesSchedulePage,
        meta: { title: 'Customer Charges schedule' },
      },
      { path: '/audit', name: 'audit', component: AuditLogPage, meta: { title: 'Audit log' } },
      {
        path: '/no-access',
        name: 'no-access',
        component: NoAccessPage,
        meta: { anyOrg: true, title: 'No access' },
      },
      { path: '/:pathMatch(.*)*', name: 'not-found', component: NotFoundPage, meta: { title: 'Not found' } },
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
    if (!canEnterAdmin(session.user) && !to.meta.anyOrg) return { name: 'no-access' };
    if (canEnterAdmin(session.user) && to.name === 'no-access') return { name: 'home' };
    return true;
  });

  router.afterEach((to, from) => {
    if (typeof document === 'undefined') return;
    document.title = to.meta.title ? `${to.meta.title} · Cascade admin` : 'Cascade admin';
    if (from.name !== undefined) {
      requestAnimationFrame(() => document.getElementById('cx-main')?.focus({ preventScroll: true }));
    }
  });

  return router;
}
