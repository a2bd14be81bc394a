// The billing profile form, framework-free: address, contacts and a payment method of the same
// account; the API's checks; and the request bodies (a change sends only what changed).
import type { BillingProfile, BillingProfileInput, BillingProfilePatch, Region } from '@cascade/ui';

export interface BillingProfileForm {
  accountId: string;
  name: string;
  isDefault: boolean;
  paymentMethodId: string;
  addressLine1: string;
  addressLine2: string;
  city: string;
  postalCode: string;
  country: string;
  region: string;
  contactName: string;
  contactEmail: string;
  contactPhone: string;
}

export const PROFILE_FIELDS = [
  'accountId',
  'name',
  'isDefault',
  'paymentMethodId',
  'addressLine1',
  'addressLine2',
  'city',
  'postalCode',
  'country',
  'region',
  'contactName',
  'contactEmail',
  'contactPhone',
] as const;

type TextField = Exclude<keyof BillingProfileForm, 'isDefault' | 'accountId'>;
const TEXT_FIELDS: TextField[] = PROFILE_FIELDS.filter(
  (f): f is TextField => f !== 'isDefault' && f !== 'accountId',
);

export function emptyProfileForm(accountId = ''): BillingProfileForm {
  return {
    accountId,
    name: '',
    isDefault: false,
    paymentMethodId: '',
    addressLine1: '',
    addressLine2: '',
    city: '',
    postalCode: '',
    country: '',
    region: '',
    contactName: '',
    contactEmail: '',
    contactPhone: '',
  };
}

export function profileFormOf(p: BillingProfile): BillingProfileForm {
  const form = emptyProfileForm(p.accountId);
  for (const f of TEXT_FIELDS) form[f] = p[f] ?? '';
  form.isDefault = p.isDefault;
  return form;
}

/** The state/province list of the address's country, when it has one. */
export function addressRegions(regions: readonly Region[], country: string) {
  return regions.find((r) => r.code === country.trim().toUpperCase())?.states ?? [];
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function profileErrors(form: BillingProfileForm, regions: readonly Region[]): Record<string, string> {
  const e: Record<string, string> = {};
  if (!form.accountId) e.accountId = 'Choose an account';
  if (!form.name.trim()) e.name = 'Required: a name for this profile';
  if (!form.addressLine1.trim()) e.addressLine1 = 'Required: the street address';
  if (!form.city.trim()) e.city = 'Required: the city';
  if (!/^[A-Za-z]{2}$/.test(form.country.trim())) e.country = 'A two-letter country code such as "DE"';
  const postal = form.postalCode.trim();
  if (postal && !/^[A-Za-z0-9 -]{2,12}$/.test(postal)) {
    e.postalCode = 'Letters, digits, spaces and dashes, 2 to 12 characters';
  }
  const states = addressRegions(regions, form.country);
  if (form.region && states.length > 0 && !states.some((s) => s.code === form.region)) {
    e.region = 'Choose one of the list';
  }
  if (form.contactEmail.trim() && !EMAIL.test(form.contactEmail.trim()))
    e.contactEmail = 'Must be an e-mail address';
  const phone = form.contactPhone.trim();
  if (phone && !/^\+?[0-9 ()./-]{5,30}$/.test(phone)) {
    e.contactPhone = 'Digits, spaces and + ( ) . / - only, 5 to 30 characters';
  }
  return e;
}

const orNull = (v: string) => (v.trim() === '' ? null : v.trim());

export function profileCreateBody(form: BillingProfileForm): BillingProfileInput {
  return {
    accountId: form.accountId,
    name: form.name.trim(),
    addressLine1: form.addressLine1.trim(),
    addressLine2: orNull(form.addressLine2),
    city: form.city.trim(),
    postalCode: orNull(form.postalCode),
    country: form.country.trim().toUpperCase(),
    region: orNull(form.region),
    contactName: orNull(form.contactName),
    contactEmail: orNull(form.contactEmail),
    contactPhone: orNull(form.contactPhone),
    paymentMethodId: orNull(form.paymentMethodId),
    ...(form.isDefault ? { isDefault: true } : {}),
  };
}

export function profilePatchBody(form: BillingProfileForm, before: BillingProfile): BillingProfilePatch {
  const body: Record<string, unknown> = {};
  for (const f of TEXT_FIELDS) {
    const value = f === 'country' ? form.country.trim().toUpperCase() : orNull(form[f]);
    if (value !== (before[f] ?? null))
      body[f] = f === 'name' || f === 'addressLine1' || f === 'city' ? (value ?? '') : value;
  }
  if (form.isDefault && !before.isDefault) body.isDefault = true;
  return body as BillingProfilePatch;
}
