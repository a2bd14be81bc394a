/**
 * The demo marketplace as plain data: fixed, readable ids (documented in packages/db/README.md).
 * Everything here is deterministic; the invoices are derived from it in `demo.ts`.
 */
import type { OrgKind, PriceListStrategy, PurchaseChannel, ResellerStrategyKind, UserRole } from '../schema';

export const DISTRIBUTOR = 'distributor';
export const CURRENCY = 'EUR';
/** The demo distributor's Custom Bill Number template: `{ORG}` is the issuer's invoice code. */
export const DEMO_INVOICE_NUMBER_TEMPLATE = '{ORG}-{SEQ:6}';
export const VAT_PERCENT = '21';
/** The demo year: invoices dated 2025-12-01 .. 2026-11-30. */
export const FIRST_MONTH = '2025-12-01';
export const MONTHS = 12;

export interface DemoOrg {
  id: string;
  kind: OrgKind;
  name: string;
  parentId: string | null;
  resellerId: string | null;
  tier?: 'LIGHT' | 'STANDARD';
  standardSince?: string;
  timeZone: string;
  city: string;
  country: string;
  /** Invoice number prefix when the organization issues invoices. */
  numberPrefix?: string;
}

export const ORGS: DemoOrg[] = [
  {
    id: DISTRIBUTOR,
    kind: 'DISTRIBUTOR',
    name: 'Cascade Cloud Distribution',
    parentId: null,
    resellerId: null,
    timeZone: 'Europe/Amsterdam',
    city: 'Amsterdam',
    country: 'NL',
    numberPrefix: 'DST',
  },
  {
    id: 'reseller-standard',
    kind: 'RESELLER',
    name: 'Standard IT Partners',
    parentId: DISTRIBUTOR,
    resellerId: 'reseller-standard',
    tier: 'STANDARD',
    timeZone: 'Europe/Berlin',
    city: 'Berlin',
    country: 'DE',
    numberPrefix: 'RST',
  },
  {
    id: 'reseller-upgraded',
    kind: 'RESELLER',
    name: 'Upgraded Solutions',
    parentId: DISTRIBUTOR,
    resellerId: 'reseller-upgraded',
    tier: 'STANDARD',
    standardSince: '2026-03-01',
    timeZone: 'America/New_York',
    city: 'New York',
    country: 'US',
    numberPrefix: 'RUP',
  },
  {
    id: 'reseller-light',
    kind: 'RESELLER',
    name: 'Light Reseller Co',
    parentId: DISTRIBUTOR,
    resellerId: 'reseller-light',
    tier: 'LIGHT',
    timeZone: 'Asia/Tokyo',
    city: 'Tokyo',
    country: 'JP',
    numberPrefix: 'RLT',
  },
  customer('customer-acme', 'Acme Corporation', 'reseller-standard', 'Munich', 'DE'),
  customer('customer-globex', 'Globex Industries', 'reseller-standard', 'Hamburg', 'DE'),
  customer('customer-initech', 'Initech GmbH', 'reseller-standard', 'Cologne', 'DE'),
  customer('customer-umbrella', 'Umbrella Health', 'reseller-upgraded', 'Boston', 'US'),
  customer('customer-stark', 'Stark Engineering', 'reseller-upgraded', 'Chicago', 'US'),
  customer('customer-wayne', 'Wayne Logistics', 'reseller-light', 'Osaka', 'JP'),
  { ...customer('customer-direct', 'Direct Retail BV', DISTRIBUTOR, 'Utrecht', 'NL'), resellerId: null },
];

function customer(id: string, name: string, parentId: string, city: string, country: string): DemoOrg {
  return {
    id,
    kind: 'CUSTOMER',
    name,
    parentId,
    resellerId: parentId,
    timeZone: 'Europe/Amsterdam',
    city,
    country,
  };
}

export const orgById = (id: string): DemoOrg => {
  const org = ORGS.find((o) => o.id === id);
  if (!org) throw new Error(`unknown demo organization ${id}`);
  return org;
};

export interface DemoUser {
  id: string;
  orgId: string;
  name: string;
  roles: UserRole[];
}

const ROLE_SUFFIX: Record<UserRole, string> = {
  ADMIN: 'admin',
  MARKETPLACE_MANAGER: 'marketplace',
  BILLING_MANAGER: 'billing',
  USER: 'user',
};
const ROLE_NAME: Record<UserRole, string> = {
  ADMIN: 'Admin',
  MARKETPLACE_MANAGER: 'Marketplace Manager',
  BILLING_MANAGER: 'Billing Manager',
  USER: 'User',
};

/** Users `<org>-admin`, `<org>-marketplace`, `<org>-billing`, `<org>-user`: every role in every organization. */
export const USERS: DemoUser[] = ORGS.flatMap((org) =>
  (['ADMIN', 'MARKETPLACE_MANAGER', 'BILLING_MANAGER', 'USER'] as const).map((role) => ({
    id: `${org.id}-${ROLE_SUFFIX[role]}`,
    orgId: org.id,
    name: `${org.name} ${ROLE_NAME[role]}`,
    roles: [role],
  })),
);

export interface DemoProduct {
  id: string;
  type: string;
  name: string;
  unit: string;
  term: 'MONTH' | 'YEAR' | 'USAGE';
  /** Prices per unit (per month, per year, per hour or GB). */
  sellPrice: string;
  costPrice: string;
  srp: string;
  tax: 'vat-recurring' | 'vat-usage';
}

export const PRODUCTS: DemoProduct[] = [
  {
    id: 'm365-business-basic',
    type: 'Microsoft 365',
    name: 'Microsoft 365 Business Basic',
    unit: 'Month',
    term: 'MONTH',
    sellPrice: '5.60',
    costPrice: '4.90',
    srp: '6.00',
    tax: 'vat-recurring',
  },
  {
    id: 'm365-business-standard',
    type: 'Microsoft 365',
    name: 'Microsoft 365 Business Standard',
    unit: 'Month',
    term: 'MONTH',
    sellPrice: '11.70',
    costPrice: '10.20',
    srp: '12.50',
    tax: 'vat-recurring',
  },
  {
    id: 'm365-business-premium-annual',
    type: 'Microsoft 365',
    name: 'Microsoft 365 Business Premium (annual)',
    unit: 'Annually',
    term: 'YEAR',
    sellPrice: '237.60',
    costPrice: '207.00',
    srp: '264.00',
    tax: 'vat-recurring',
  },
  {
    id: 'o365-e3-annual',
    type: 'Microsoft 365',
    name: 'Office 365 E3 (annual)',
    unit: 'Annually',
    term: 'YEAR',
    sellPrice: '259.20',
    costPrice: '226.80',
    srp: '276.00',
    tax: 'vat-recurring',
  },
  {
    id: 'teams-essentials',
    type: 'Microsoft 365',
    name: 'Microsoft Teams Essentials',
    unit: 'Month',
    term: 'MONTH',
    sellPrice: '3.70',
    costPrice: '3.20',
    srp: '4.00',
    tax: 'vat-recurring',
  },
  {
    id: 'azure-vm-d2s-v5',
    type: 'Azure',
    name: 'Azure Virtual Machines D2s v5',
    unit: 'Hour',
    term: 'USAGE',
    sellPrice: '0.096000',
    costPrice: '0.084000',
    srp: '0.105000',
    tax: 'vat-usage',
  },
  {
    id: 'azure-blob-hot',
    type: 'Azure',
    name: 'Azure Blob Storage (Hot, LRS)',
    unit: 'GB',
    term: 'USAGE',
    sellPrice: '0.018400',
    costPrice: '0.016000',
    srp: '0.020000',
    tax: 'vat-usage',
  },
];

export const productById = (id: string): DemoProduct => {
  const p = PRODUCTS.find((x) => x.id === id);
  if (!p) throw new Error(`unknown demo product ${id}`);
  return p;
};

/** The distributor's price list for its Standard resellers (SPEC §6); reseller-light has none. */
export const PRICE_LIST = {
  id: 'price-list-partners',
  name: 'Partner price list 2026',
  assignedTo: ['reseller-standard', 'reseller-upgraded'],
  validFrom: '2025-01-01',
  entries: [
    { productId: 'm365-business-basic', strategy: 'MARKUP_ON_COST', percent: '10' },
    { productId: 'm365-business-standard', strategy: 'MARKUP_ON_COST', percent: '10' },
    { productId: 'm365-business-premium-annual', strategy: 'MARGIN_ON_COST', percent: '8' },
    { productId: 'o365-e3-annual', strategy: 'DISCOUNT_ON_SELL_PRICE', percent: '5' },
    { productId: 'teams-essentials', strategy: 'DISCOUNT_ON_SELL_PRICE', percent: '5' },
    { productId: 'azure-vm-d2s-v5', strategy: 'DIRECT', price: '0.090000' },
  ] as { productId: string; strategy: PriceListStrategy; percent?: string; price?: string }[],
};

/** Resellers' sell-price strategies: `productId` null is the reseller's default. */
export const RESELLER_STRATEGIES: {
  resellerId: string;
  productId: string | null;
  strategy: ResellerStrategyKind;
  markupPercent?: string;
}[] = [
  { resellerId: 'reseller-standard', productId: null, strategy: 'MARKUP', markupPercent: '15' },
  { resellerId: 'reseller-standard', productId: 'm365-business-premium-annual', strategy: 'SRP' },
  { resellerId: 'reseller-upgraded', productId: null, strategy: 'SRP' },
  { resellerId: 'reseller-upgraded', productId: 'azure-vm-d2s-v5', strategy: 'MARKUP', markupPercent: '20' },
  { resellerId: 'reseller-light', productId: null, strategy: 'MARKUP', markupPercent: '10' },
];

/** Special prices: one end customer, one product. */
export const SPECIAL_PRICES = [
  { customerId: 'customer-acme', productId: 'm365-business-standard', price: '11.900000' },
  { customerId: 'customer-umbrella', productId: 'azure-vm-d2s-v5', price: '0.100000' },
];

export interface DemoLine {
  productId: string;
  quantity: string;
  startDate: string;
  /** Yearly products: billed in 12 monthly installments instead of once a year. */
  installments?: number;
}

export interface DemoSubscription {
  id: string;
  orgId: string;
  name: string;
  channel: PurchaseChannel;
  lines: DemoLine[];
}

// The demo marketplace opened on 2025-12-01, the first month of its invoice history: recurring
// lines start there (or later), so the invoices on file are every period billed so far and a billing
// run for 2026-12-01 issues December alone. Pay-per-use lines keep earlier dates: December 2025's
// invoices bill November's usage.
export const SUBSCRIPTIONS: DemoSubscription[] = [
  {
    id: 'sub-acme',
    orgId: 'customer-acme',
    name: 'Acme head office',
    channel: 'RESELLER_STOREFRONT',
    lines: [
      { productId: 'm365-business-basic', quantity: '25', startDate: '2025-12-01' },
      { productId: 'm365-business-standard', quantity: '10', startDate: '2025-12-01' },
      { productId: 'm365-business-premium-annual', quantity: '5', startDate: '2025-12-01', installments: 12 },
      { productId: 'azure-vm-d2s-v5', quantity: '0', startDate: '2025-06-01' },
    ],
  },
  {
    id: 'sub-globex',
    orgId: 'customer-globex',
    name: 'Globex workplace',
    channel: 'DISTRIBUTOR_STOREFRONT',
    lines: [
      { productId: 'm365-business-standard', quantity: '40', startDate: '2025-12-01' },
      { productId: 'o365-e3-annual', quantity: '12', startDate: '2026-02-01' },
    ],
  },
  {
    id: 'sub-initech',
    orgId: 'customer-initech',
    name: 'Initech collaboration',
    channel: 'BSS',
    lines: [
      { productId: 'teams-essentials', quantity: '15', startDate: '2026-04-15' },
      { productId: 'azure-blob-hot', quantity: '0', startDate: '2025-10-01' },
    ],
  },
  {
    id: 'sub-reseller-standard',
    orgId: 'reseller-standard',
    name: 'Standard IT Partners internal use',
    channel: 'PERSONAL_USE',
    lines: [{ productId: 'm365-business-basic', quantity: '8', startDate: '2025-12-01' }],
  },
  {
    id: 'sub-umbrella',
    orgId: 'customer-umbrella',
    name: 'Umbrella clinics',
    channel: 'RESELLER_STOREFRONT',
    lines: [
      { productId: 'm365-business-standard', quantity: '20', startDate: '2025-12-01' },
      { productId: 'azure-vm-d2s-v5', quantity: '0', startDate: '2025-09-01' },
    ],
  },
  {
    id: 'sub-stark',
    orgId: 'customer-stark',
    name: 'Stark engineering seats',
    channel: 'RESELLER_STOREFRONT',
    lines: [
      {
        productId: 'm365-business-premium-annual',
        quantity: '10',
        startDate: '2026-01-01',
        installments: 12,
      },
    ],
  },
  {
    id: 'sub-wayne',
    orgId: 'customer-wayne',
    name: 'Wayne offices',
    channel: 'RESELLER_STOREFRONT',
    lines: [
      { productId: 'm365-business-basic', quantity: '12', startDate: '2025-12-01' },
      { productId: 'teams-essentials', quantity: '5', startDate: '2025-12-01' },
    ],
  },
  {
    id: 'sub-direct',
    orgId: 'customer-direct',
    name: 'Direct Retail stores',
    channel: 'DISTRIBUTOR_STOREFRONT',
    lines: [
      { productId: 'm365-business-standard', quantity: '6', startDate: '2025-12-01' },
      { productId: 'azure-blob-hot', quantity: '0', startDate: '2025-02-01' },
    ],
  },
];
