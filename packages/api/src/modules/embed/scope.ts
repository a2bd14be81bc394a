// Which API routes each embeddable widget uses: an `embed` token is accepted on a route only when
// one of its widgets is listed for it here, and only these routes answer cross-origin (CORS).
import type { EmbedWidget } from '../../platform/auth';
import { type Method, pathMatcher } from '../../platform/routes';

export interface EmbedRouteEntry {
  method: Method;
  /** A route path of the table (`/api/v1/x/:id`), or a subtree ending in `/*`. */
  path: string;
}

const WRITES: readonly Method[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
/** A path and everything under it, for the given methods. */
const subtree = (path: string, methods: readonly Method[]): EmbedRouteEntry[] =>
  methods.flatMap((method) => [
    { method, path },
    { method, path: `${path}/*` },
  ]);

/**
 * The Billing module (balance, statement, invoices, credit notes, subscriptions, payment methods,
 * billing profiles): its own subtrees with every method, what it only reads with GET. Each
 * route's role and org-kind guards still apply on top.
 */
const billingRoutes: EmbedRouteEntry[] = [
  ...[
    '/api/v1/accounts',
    '/api/v1/invoices',
    '/api/v1/credit-notes',
    '/api/v1/subscriptions',
    '/api/v1/payment-methods',
    '/api/v1/billing-profiles',
  ].flatMap((p) => subtree(p, WRITES)),
  ...[
    '/api/v1/me',
    '/api/v1/profile-options',
    '/api/v1/invoice-types',
    '/api/v1/invoice-statuses',
    '/api/v1/organizations',
    '/api/v1/cash-desks',
    '/api/v1/regions',
  ].flatMap((p) => subtree(p, ['GET'])),
];

export const EMBED_ROUTES: Record<EmbedWidget, readonly EmbedRouteEntry[]> = {
  'customer-charges': [
    { method: 'POST', path: '/api/v1/customer-charges/query' },
    { method: 'POST', path: '/api/v1/customer-charges/export' },
  ],
  billing: billingRoutes,
};

const compiled = Object.entries(EMBED_ROUTES).flatMap(([widget, entries]) =>
  entries.map((e) => {
    const prefix = e.path.endsWith('/*') ? e.path.slice(0, -1) : null;
    return {
      widget: widget as EmbedWidget,
      method: e.method,
      path: e.path,
      prefix,
      matcher: prefix ? null : pathMatcher(e.path),
    };
  }),
);

/** The widgets whose embed tokens a route of the table admits (`path` in Hono syntax). */
export function widgetsOfRoute(method: string, path: string): EmbedWidget[] {
  return [
    ...new Set(
      compiled
        .filter((e) => e.method === method && (e.prefix ? path.startsWith(e.prefix) : e.path === path))
        .map((e) => e.widget),
    ),
  ];
}

/** The methods an embed token may use on a concrete request path (for CORS); empty: none. */
export function embedMethodsOfPath(path: string): Method[] {
  const methods = new Set<Method>();
  for (const e of compiled) {
    if (e.prefix ? path.startsWith(e.prefix) : e.matcher?.test(path)) methods.add(e.method);
  }
  return [...methods];
}
