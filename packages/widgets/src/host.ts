// What a host may hand the storefront modules besides their props. The embed elements
// (packages/embed) provide a fetch that carries a fresh token and, on a 401, refreshes it once and
// retries; without one, a module uses the global fetch with its `token` prop, as before.
import type { InjectionKey } from 'vue';

/** `app.provide(hostFetchKey, fetch)`: the fetch every API call of a module goes through. */
export const hostFetchKey: InjectionKey<typeof globalThis.fetch> = Symbol('cascade.host-fetch');

/**
 * `app.provide(hostLinkBaseKey, 'https://cascade.example.com/')`: what relative links from the API
 * (an invoice's page) resolve against when the module runs on another site's page; the page's own
 * URL without one.
 */
export const hostLinkBaseKey: InjectionKey<string> = Symbol('cascade.host-link-base');
