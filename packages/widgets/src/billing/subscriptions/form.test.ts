import type { Region, Subscription } from '@cascade/ui';
import { ApiError } from '@cascade/ui';
import { describe, expect, it } from 'vitest';
import { checkRegionState, REGIONS } from '../../../../api/src/modules/subscriptions/regions';
import { canWriteBilling, formFailure } from './access';
import {
  createBody,
  emptySubscriptionForm,
  formOf,
  patchBody,
  placeLabel,
  statesOf,
  subscriptionErrors,
  withRegion,
} from './form';

// The API's own reference list: the form is tested against the data it will be given.
const regions = REGIONS as unknown as Region[];

const stored: Subscription = {
  id: 's1',
  accountId: 'acc',
  accountName: 'Acme',
  orgId: 'acme',
  name: 'Head office',
  region: 'US',
  stateProvince: 'US-NY',
  billingProfileId: 'bp1',
  billingProfileName: 'Main',
  isDefault: false,
  channel: 'RESELLER_STOREFRONT',
  state: 'ACTIVE',
  orderDate: '2026-01-01',
  startDate: '2026-01-01',
  endDate: null,
  lineCount: 0,
  createdAt: '2026-01-01T00:00:00Z',
};

describe('the region → state/province choice', () => {
  it("offers the chosen region's states, and none for a region without", () => {
    expect(statesOf(regions, 'CA').map((s) => s.code)).toContain('CA-ON');
    expect(statesOf(regions, 'IE')).toEqual([]);
    expect(statesOf(regions, '')).toEqual([]);
  });
  it('keeps the state only when it belongs to the new region', () => {
    const form = { ...emptySubscriptionForm('acc'), region: 'US', stateProvince: 'US-NY' };
    expect(withRegion(form, regions, 'CA')).toMatchObject({ region: 'CA', stateProvince: '' });
    expect(withRegion(form, regions, 'US')).toMatchObject({ region: 'US', stateProvince: 'US-NY' });
  });
  it('names the place as people read it', () => {
    expect(placeLabel(regions, 'US', 'US-NY')).toBe('New York, United States');
    expect(placeLabel(regions, 'IE', null)).toBe('Ireland');
    expect(placeLabel(regions, null, null)).toBe('—');
  });
});

describe('the checks', () => {
  const base = { ...emptySubscriptionForm('acc'), name: 'X' };
  it.each([
    [{ region: 'US', stateProvince: 'CA-ON' }, 'stateProvince'],
    [{ region: 'CA', stateProvince: '' }, 'stateProvince'],
    [{ region: 'IE', stateProvince: 'IE-D' }, 'stateProvince'],
    [{ region: '', stateProvince: 'US-NY' }, 'stateProvince'],
    [{ region: 'XX' }, 'region'],
    [{ name: '  ' }, 'name'],
    [{ accountId: '' }, 'accountId'],
  ])('refuse %o naming %s, as the API does', (patch, field) => {
    const form = { ...base, ...patch };
    expect(Object.keys(subscriptionErrors(form, regions))).toEqual([field]);
    if (field === 'stateProvince' || field === 'region') {
      expect(checkRegionState(form.region || null, form.stateProvince || null)?.field).toBe(field);
    }
  });
  it('accept what the API accepts', () => {
    for (const [region, state] of [
      ['US', 'US-NY'],
      ['DE', ''],
      ['DE', 'DE-BY'],
      ['', ''],
    ] as const) {
      expect(subscriptionErrors({ ...base, region, stateProvince: state }, regions)).toEqual({});
      expect(checkRegionState(region || null, state || null)).toBeNull();
    }
  });
});

describe('the request bodies', () => {
  it('create: empty choices are null, an unset profile is left to the API', () => {
    expect(createBody({ ...emptySubscriptionForm('acc'), name: ' Head office ', region: 'IE' })).toEqual({
      accountId: 'acc',
      name: 'Head office',
      region: 'IE',
      stateProvince: null,
    });
  });
  it('edit: only what changed, region and state together', () => {
    const form = formOf(stored);
    expect(patchBody(form, stored)).toEqual({});
    expect(patchBody({ ...form, stateProvince: 'US-CA' }, stored)).toEqual({
      region: 'US',
      stateProvince: 'US-CA',
    });
    expect(patchBody({ ...form, name: 'Renamed', isDefault: true }, stored)).toEqual({
      name: 'Renamed',
      isDefault: true,
    });
    expect(patchBody({ ...form, billingProfileId: '' }, stored)).toEqual({ billingProfileId: null });
  });
});

describe('access and failures', () => {
  it('offers writing to ADMIN and BILLING_MANAGER only', () => {
    expect(canWriteBilling({ roles: ['ADMIN'] })).toBe(true);
    expect(canWriteBilling({ roles: ['BILLING_MANAGER'] })).toBe(true);
    expect(canWriteBilling({ roles: ['USER'] })).toBe(false);
    expect(canWriteBilling({ roles: ['MARKETPLACE_MANAGER'] })).toBe(false);
    expect(canWriteBilling(null)).toBe(false);
  });
  it("puts the API's field errors beside the form's fields and the rest on top", () => {
    const error = new ApiError(400, 'validation_failed', 'Invalid request body: stateProvince', {
      stateProvince: '"CA-ON" is not a state of United States',
    });
    expect(formFailure(error, ['stateProvince'])).toEqual({
      fields: { stateProvince: '"CA-ON" is not a state of United States' },
      message: null,
    });
    const other = new ApiError(409, 'conflict', 'Busy', { id: 'Used' });
    expect(formFailure(other, ['name'])).toEqual({ fields: {}, message: 'Used' });
    expect(formFailure(new ApiError(500, 'internal', 'Oops'), ['name'])).toEqual({
      fields: {},
      message: 'Oops',
    });
  });
});
