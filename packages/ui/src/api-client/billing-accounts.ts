// Typed calls for the Billing module's account side (SPEC §5): subscriptions and their lines, the
// regions reference list, payment methods and billing profiles. Creates carry an Idempotency-Key
// (the API requires one): pass the same key when retrying the same submission.
import type { ApiClient, QueryValue } from './index';
import type { Page } from './types';

export interface Region {
  code: string;
  name: string;
  group: string;
  subdivisionLabel: string;
  stateRequired: boolean;
  states: { code: string; name: string }[];
}

export interface ClientAccount {
  id: string;
  name: string;
  clientOrgId: string;
  issuerOrgId: string;
  parentAccountId: string | null;
  currency: string;
}

export type SubscriptionState = 'ACTIVE' | 'SUSPENDED' | 'DISCONNECTED';

export interface Subscription {
  id: string;
  accountId: string;
  accountName: string;
  orgId: string;
  name: string;
  region: string | null;
  stateProvince: string | null;
  billingProfileId: string | null;
  billingProfileName: string | null;
  isDefault: boolean;
  channel: string;
  state: SubscriptionState;
  orderDate: string;
  startDate: string;
  endDate: string | null;
  lineCount: number;
  createdAt: string;
}

export interface SubscriptionInput {
  accountId: string;
  name: string;
  region?: string | null;
  stateProvince?: string | null;
  billingProfileId?: string | null;
  isDefault?: boolean;
  startDate?: string;
}
export type SubscriptionPatch = Partial<Omit<SubscriptionInput, 'accountId' | 'startDate'>>;

export interface SubscriptionLine {
  id: string;
  subscriptionId: string;
  productId: string;
  productName: string;
  quantity: string;
  unitPrice: string | null;
  adHocPrice: string | null;
  term: 'MONTH' | 'YEAR';
  billingFrequencyMonths: number;
  installments: number | null;
  flatDiscount: string;
  state: SubscriptionState;
  startDate: string;
  endDate: string | null;
}

export interface SubscriptionProduct {
  id: string;
  name: string;
  type: string;
  unit: string;
  term: 'MONTH' | 'YEAR' | 'USAGE';
  currency: string;
}

export interface SubscriptionLineInput {
  productId: string;
  quantity: string;
  term?: 'MONTH' | 'YEAR';
  billingFrequencyMonths?: 1 | 3 | 6 | 12;
  startDate?: string;
}

export type PaymentMethodKind = 'CARD' | 'BANK_ACCOUNT' | 'PAYMENT_SYSTEM' | 'OTHER';

export interface PaymentMethod {
  id: string;
  accountId: string;
  accountName: string;
  orgId: string;
  kind: PaymentMethodKind;
  reference: string;
  maskedDetails: string;
  holderName: string | null;
  expires: string | null;
  isDefault: boolean;
  usedByProfiles: number;
  createdAt: string;
}

export interface PaymentMethodInput {
  accountId: string;
  kind: PaymentMethodKind;
  reference: string;
  label?: string;
  last4?: string;
  holderName?: string;
  expires?: string;
  isDefault?: boolean;
}

export interface BillingProfile {
  id: string;
  accountId: string;
  accountName: string;
  orgId: string;
  name: string;
  isDefault: boolean;
  paymentMethodId: string | null;
  paymentMethodDetails: string | null;
  addressLine1: string | null;
  addressLine2: string | null;
  city: string | null;
  postalCode: string | null;
  region: string | null;
  country: string | null;
  contactName: string | null;
  contactEmail: string | null;
  contactPhone: string | null;
  createdAt: string;
}

export interface BillingProfileInput {
  accountId: string;
  name: string;
  isDefault?: boolean;
  paymentMethodId?: string | null;
  addressLine1: string;
  addressLine2?: string | null;
  city: string;
  postalCode?: string | null;
  region?: string | null;
  country: string;
  contactName?: string | null;
  contactEmail?: string | null;
  contactPhone?: string | null;
}
export type BillingProfilePatch = Partial<Omit<BillingProfileInput, 'accountId'>>;

/** A block of a list: the grid's window, an optional sort and the list's filters. */
export interface ListQuery {
  startRow: number;
  endRow: number;
  sort?: string;
  order?: 'asc' | 'desc';
  [filter: string]: QueryValue;
}

interface CallOptions {
  signal?: AbortSignal;
}

const idem = (key: string) => ({ headers: { 'Idempotency-Key': key } });
const enc = encodeURIComponent;

/** Every page of a short list (regions, an account's profiles), up to the API's 1000 rows per call. */
async function all<T>(client: ApiClient, path: string, query: Record<string, QueryValue>, o: CallOptions) {
  const page = await client.get<Page<T>>(path, { ...o, query: { ...query, startRow: 0, endRow: 1000 } });
  return page.rows;
}

export function billingAccountsApi(client: ApiClient) {
  return {
    regions: (o: CallOptions = {}) => all<Region>(client, '/v1/regions', {}, o),
    /** The client accounts the caller may see (its own, and its clients'). */
    accounts: (o: CallOptions = {}) => all<ClientAccount>(client, '/v1/accounts', {}, o),

    listSubscriptions: (query: ListQuery, o: CallOptions = {}) =>
      client.get<Page<Subscription>>('/v1/subscriptions', { ...o, query }),
    getSubscription: (id: string, o: CallOptions = {}) =>
      client.get<Subscription>(`/v1/subscriptions/${enc(id)}`, o),
    createSubscription: (body: SubscriptionInput, key: string) =>
      client.post<Subscription>('/v1/subscriptions', body, idem(key)),
    updateSubscription: (id: string, body: SubscriptionPatch) =>
      client.patch<Subscription>(`/v1/subscriptions/${enc(id)}`, body),
    subscriptionProducts: (o: CallOptions = {}) =>
      all<SubscriptionProduct>(client, '/v1/subscriptions/products', {}, o),
    subscriptionLines: (id: string, o: CallOptions = {}) =>
      all<SubscriptionLine>(client, `/v1/subscriptions/${enc(id)}/lines`, {}, o),
    addSubscriptionLine: (id: string, body: SubscriptionLineInput, key: string) =>
      client.post<SubscriptionLine>(`/v1/subscriptions/${enc(id)}/lines`, body, idem(key)),
    updateSubscriptionLine: (id: string, lineId: string, quantity: string) =>
      client.patch<SubscriptionLine>(`/v1/subscriptions/${enc(id)}/lines/${enc(lineId)}`, { quantity }),

    listPaymentMethods: (query: ListQuery, o: CallOptions = {}) =>
      client.get<Page<PaymentMethod>>('/v1/payment-methods', { ...o, query }),
    accountPaymentMethods: (accountId: string, o: CallOptions = {}) =>
      all<PaymentMethod>(client, '/v1/payment-methods', { accountId }, o),
    addPaymentMethod: (body: PaymentMethodInput, key: string) =>
      client.post<PaymentMethod>('/v1/payment-methods', body, idem(key)),
    setDefaultPaymentMethod: (id: string) =>
      client.post<PaymentMethod>(`/v1/payment-methods/${enc(id)}/default`),
    removePaymentMethod: (id: string) =>
      client.delete<{ id: string; removed: true }>(`/v1/payment-methods/${enc(id)}`),

    listBillingProfiles: (query: ListQuery, o: CallOptions = {}) =>
      client.get<Page<BillingProfile>>('/v1/billing-profiles', { ...o, query }),
    accountBillingProfiles: (accountId: string, o: CallOptions = {}) =>
      all<BillingProfile>(client, '/v1/billing-profiles', { accountId }, o),
    createBillingProfile: (body: BillingProfileInput, key: string) =>
      client.post<BillingProfile>('/v1/billing-profiles', body, idem(key)),
    updateBillingProfile: (id: string, body: BillingProfilePatch) =>
      client.patch<BillingProfile>(`/v1/billing-profiles/${enc(id)}`, body),
  };
}

export type BillingAccountsApi = ReturnType<typeof billingAccountsApi>;
