import { type Component, defineAsyncComponent } from 'vue';

export { hostFetchKey, hostLinkBaseKey } from './host';

/**
 * The storefront modules, by module name (ARCHITECTURE.md): `billing`, `customer-charges`.
 * A host (the storefront demo, a portal) renders `widgets[name]` where the module belongs, with
 * the props below, and shows a plain notice while a module is not registered yet.
 */
export interface WidgetProps {
  /** The signed-in user's API token (Bearer). */
  token: string;
  /** Where the API lives, `/api` on the storefront's own origin. */
  apiBaseUrl: string;
}

export type WidgetName = 'billing' | 'customer-charges';

/**
 * The registered modules; keys are `WidgetName`s. Each loads lazily, so AG Grid loads only on the
 * pages that show a grid, not with the storefront's first page.
 */
export const widgets: Record<string, Component> = {
  billing: defineAsyncComponent(() => import('./billing/BillingModule.vue')),
  'customer-charges': defineAsyncComponent(() => import('./customer-charges/CustomerCharges.vue')),
};
