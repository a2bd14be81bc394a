/**
 * Test support for subscriptions, payment methods and billing profiles: client accounts on the API
 * test fixture (each client at its seller) and a product of the d1 catalogue.
 */
import { products, withSystem } from '@cascade/db';
import type { Role } from '../../platform/auth';
import { FIXTURE, type TestApi } from '../../testing';
import { createAccount } from '../ledger/testing';

export const ACCOUNTS = {
  /** Customer of reseller A, at reseller A. */
  customerA: 'acc-ra-c1',
  /** Reseller A itself, at the distributor. */
  resellerA: 'acc-ra',
  /** The distributor's direct customer. */
  direct: 'acc-c1',
  /** Customer of reseller B. */
  customerB: 'acc-rb-c1',
  /** In the other marketplace. */
  other: 'acc-d2-ra',
} as const;

export async function createBillingAccounts(api: TestApi): Promise<void> {
  const db = api.db.db;
  const d1 = FIXTURE.distributor;
  await createAccount(db, {
    distributorId: d1,
    clientOrgId: FIXTURE.customerA,
    issuerOrgId: FIXTURE.resellerA,
    id: ACCOUNTS.customerA,
  });
  await createAccount(db, {
    distributorId: d1,
    clientOrgId: FIXTURE.resellerA,
    issuerOrgId: d1,
    id: ACCOUNTS.resellerA,
  });
  await createAccount(db, {
    distributorId: d1,
    clientOrgId: FIXTURE.directCustomer,
    issuerOrgId: d1,
    id: ACCOUNTS.direct,
  });
  await createAccount(db, {
    distributorId: d1,
    clientOrgId: FIXTURE.customerB,
    issuerOrgId: FIXTURE.resellerB,
    id: ACCOUNTS.customerB,
  });
  await createAccount(db, {
    distributorId: FIXTURE.otherDistributor,
    clientOrgId: FIXTURE.otherReseller,
    issuerOrgId: FIXTURE.otherDistributor,
    id: ACCOUNTS.other,
  });
  await withSystem(db, (tx) =>
    tx.insert(products).values([
      {
        distributorId: d1,
        orgId: d1,
        id: 'p-monthly',
        sku: 'P-MONTHLY',
        type: 'Microsoft 365',
        name: 'Business Basic',
        unit: 'Month',
        term: 'MONTH',
        currency: 'EUR',
        sellPrice: '5.60',
      },
      {
        distributorId: d1,
        orgId: d1,
        id: 'p-usage',
        sku: 'P-USAGE',
        type: 'Azure',
        name: 'Virtual machine hours',
        unit: 'Hour',
        term: 'USAGE',
        currency: 'EUR',
        sellPrice: '0.12',
      },
    ]),
  );
}

/** A unique Idempotency-Key header. */
export const key = () => ({ 'Idempotency-Key': crypto.randomUUID() });

export interface Answer<T = Record<string, unknown>> {
  status: number;
  body: T & { error?: { code: string; message: string; fields?: Record<string, string> } };
}

export interface CallOptions {
  /** The caller's organization (default: FIXTURE.customerA). */
  org?: string;
  /** The caller's roles (default: ADMIN). */
  roles?: Role[];
  body?: unknown;
  headers?: Record<string, string>;
}

/** Calls the API as a user of `opts.org` with `opts.roles` (default: the customer A's ADMIN). */
export async function callAs<T>(
  api: TestApi,
  method: string,
  path: string,
  opts: CallOptions = {},
): Promise<Answer<T>> {
  const token = await api.token(opts.org ?? FIXTURE.customerA, opts.roles ?? ['ADMIN']);
  return (await api.call(method, path, { token, body: opts.body, headers: opts.headers })) as Answer<T>;
}
