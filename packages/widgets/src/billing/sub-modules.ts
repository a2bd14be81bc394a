import type { ApiClient, Role, SessionUser } from '@cascade/ui';
import { type Component, defineAsyncComponent } from 'vue';

/**
 * What the Billing shell passes to every sub-module component as props. A sub-module talks to the
 * API only through `client` (it carries the bearer token), and shows prices with or without tax
 * per `amountIncludesTax` (the distributor's Amount Includes Tax option, SPEC §8, read-only here).
 */
export interface BillingSubModuleProps {
  /** The API client of this Billing module (base URL and bearer token already set). */
  client: ApiClient;
  /** The signed-in user and their organization (tenant). */
  user: SessionUser;
  /** The bearer token, for the few calls that are not JSON (PDF downloads). */
  token: string;
  /** Where the API lives, for those same downloads. */
  apiBaseUrl: string;
  /** BCP 47 locale for money and dates; the browser's when undefined. */
  locale?: string;
  /** The distributor's Amount Includes Tax option: lists show prices with tax when true. */
  amountIncludesTax: boolean;
  /** Where AG Grid puts its theme CSS (the shadow root's element when embedded). */
  styleContainer?: HTMLElement;
}

/** One tab of the Billing module. */
export interface BillingSubModule {
  id: string;
  label: string;
  component: Component;
  /** Whether the user sees this tab at all (a tab the user may not use is not offered). */
  visibleFor(user: SessionUser): boolean;
}

/** Whether the user holds one of the roles. */
export function hasRole(user: SessionUser, ...roles: Role[]): boolean {
  return user.roles.some((role) => roles.includes(role));
}

/**
 * The sub-modules, in tab order. Each loads lazily so the tab shown first does not wait for the
 * others' code.
 */
export const billingSubModules: BillingSubModule[] = [
  {
    id: 'invoices',
    label: 'Invoices',
    component: defineAsyncComponent(() => import('./invoices/InvoicesView.vue')),
    // Every organization receives invoices; every role may read them (actions are checked inside).
    visibleFor: () => true,
  },
  {
    id: 'credit-notes',
    label: 'Credit Notes',
    component: defineAsyncComponent(() => import('./credit-notes/CreditNotesView.vue')),
    visibleFor: () => true,
  },
  {
    id: 'subscriptions',
    label: 'Subscriptions',
    component: defineAsyncComponent(() => import('./subscriptions/SubscriptionsView.vue')),
    // Every role reads; writing is offered inside to ADMIN and BILLING_MANAGER only.
    visibleFor: () => true,
  },
  {
    id: 'payment-methods',
    label: 'Payment Methods',
    component: defineAsyncComponent(() => import('./payment-methods/PaymentMethodsView.vue')),
    visibleFor: () => true,
  },
  {
    id: 'billing-profiles',
    label: 'Billing Profiles',
    component: defineAsyncComponent(() => import('./billing-profiles/BillingProfilesView.vue')),
    visibleFor: () => true,
  },
];

/** The sub-modules this user sees, in order. */
export function visibleSubModules(user: SessionUser, all: BillingSubModule[] = billingSubModules) {
  return all.filter((module) => module.visibleFor(user));
}
