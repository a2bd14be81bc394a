// The subscription form, framework-free: the region → state/province choice, the same checks the
// API makes (so most mistakes show before a round trip; the API's own errors still show beside
// the fields), and the request bodies.
import type { Region, Subscription, SubscriptionInput, SubscriptionPatch } from '@cascade/ui';

export interface SubscriptionForm {
  accountId: string;
  name: string;
  region: string;
  stateProvince: string;
  billingProfileId: string;
  isDefault: boolean;
}

export const SUBSCRIPTION_FIELDS = [
  'accountId',
  'name',
  'region',
  'stateProvince',
  'billingProfileId',
  'isDefault',
] as const;

export function emptySubscriptionForm(accountId = ''): SubscriptionForm {
  return { accountId, name: '', region: '', stateProvince: '', billingProfileId: '', isDefault: false };
}

export function formOf(s: Subscription): SubscriptionForm {
  return {
    accountId: s.accountId,
    name: s.name,
    region: s.region ?? '',
    stateProvince: s.stateProvince ?? '',
    billingProfileId: s.billingProfileId ?? '',
    isDefault: s.isDefault,
  };
}

export function findRegion(regions: readonly Region[], code: string): Region | undefined {
  return regions.find((r) => r.code === code);
}

/** The states/provinces to offer for a region (none when the region has none or is unset). */
export function statesOf(regions: readonly Region[], code: string): Region['states'] {
  return findRegion(regions, code)?.states ?? [];
}

/** After the region changes: keep the state only if it belongs to the new region. */
export function withRegion(
  form: SubscriptionForm,
  regions: readonly Region[],
  code: string,
): SubscriptionForm {
  const keep = statesOf(regions, code).some((s) => s.code === form.stateProvince);
  return { ...form, region: code, stateProvince: keep ? form.stateProvince : '' };
}

/** The checks the API makes on these fields, as `{field: message}`. */
export function subscriptionErrors(
  form: SubscriptionForm,
  regions: readonly Region[],
): Record<string, string> {
  const errors: Record<string, string> = {};
  if (!form.accountId) errors.accountId = 'Choose an account';
  if (!form.name.trim()) errors.name = 'Required: a name';
  else if (form.name.trim().length > 200) errors.name = 'At most 200 characters';
  if (form.region) {
    const region = findRegion(regions, form.region);
    if (!region) errors.region = `Unknown region "${form.region}"`;
    else if (form.stateProvince && !region.states.some((s) => s.code === form.stateProvince)) {
      errors.stateProvince = `Not a ${region.subdivisionLabel.toLowerCase()} of ${region.name}`;
    } else if (!form.stateProvince && region.stateRequired) {
      errors.stateProvince = `Choose a ${region.subdivisionLabel.toLowerCase()} of ${region.name}`;
    }
  } else if (form.stateProvince) {
    errors.stateProvince = 'Choose a region first';
  }
  return errors;
}

const orNull = (v: string) => (v.trim() === '' ? null : v.trim());

export function createBody(form: SubscriptionForm): SubscriptionInput {
  return {
    accountId: form.accountId,
    name: form.name.trim(),
    region: orNull(form.region),
    stateProvince: orNull(form.stateProvince),
    // Unset: the API uses the account's default billing profile.
    ...(form.billingProfileId ? { billingProfileId: form.billingProfileId } : {}),
    ...(form.isDefault ? { isDefault: true } : {}),
  };
}

/** Only what changed; region and state travel together so the API checks them as a pair. */
export function patchBody(form: SubscriptionForm, before: Subscription): SubscriptionPatch {
  const body: SubscriptionPatch = {};
  if (form.name.trim() !== before.name) body.name = form.name.trim();
  const region = orNull(form.region);
  const state = orNull(form.stateProvince);
  if (region !== before.region || state !== before.stateProvince) {
    body.region = region;
    body.stateProvince = state;
  }
  const profile = orNull(form.billingProfileId);
  if (profile !== before.billingProfileId) body.billingProfileId = profile;
  if (form.isDefault && !before.isDefault) body.isDefault = true;
  return body;
}

/** "New York, United States" or "Ireland" or "—". */
export function placeLabel(regions: readonly Region[], region: string | null, state: string | null): string {
  if (!region) return '—';
  const r = findRegion(regions, region);
  const stateName = state ? (r?.states.find((s) => s.code === state)?.name ?? state) : null;
  const regionName = r?.name ?? region;
  return stateName ? `${stateName}, ${regionName}` : regionName;
}
