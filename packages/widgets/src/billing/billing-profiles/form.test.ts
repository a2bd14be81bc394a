import type { BillingProfile, Region } from '@cascade/ui';
import { describe, expect, it } from 'vitest';
import { REGIONS } from '../../../../api/src/modules/subscriptions/regions';
import {
  addressRegions,
  emptyProfileForm,
  profileCreateBody,
  profileErrors,
  profileFormOf,
  profilePatchBody,
} from './form';

const regions = REGIONS as unknown as Region[];
const form = {
  ...emptyProfileForm('acc'),
  name: 'Head office',
  addressLine1: 'Main Street 1',
  city: 'Berlin',
  country: 'de',
};
const stored: BillingProfile = {
  id: 'bp1',
  accountId: 'acc',
  accountName: 'Acme',
  orgId: 'acme',
  name: 'Head office',
  isDefault: false,
  paymentMethodId: null,
  paymentMethodDetails: null,
  addressLine1: 'Main Street 1',
  addressLine2: null,
  city: 'Berlin',
  postalCode: null,
  region: null,
  country: 'DE',
  contactName: null,
  contactEmail: null,
  contactPhone: null,
  createdAt: '2026-01-01T00:00:00Z',
};

describe('billing profile form', () => {
  it("offers the country's states/provinces", () => {
    expect(addressRegions(regions, 'us')).toHaveLength(51);
    expect(addressRegions(regions, 'IE')).toEqual([]);
  });
  it.each([
    [{ name: '' }, 'name'],
    [{ addressLine1: ' ' }, 'addressLine1'],
    [{ city: '' }, 'city'],
    [{ country: 'Germany' }, 'country'],
    [{ region: 'US-NY' }, 'region'],
    [{ contactEmail: 'nope' }, 'contactEmail'],
    [{ contactPhone: 'call me' }, 'contactPhone'],
    [{ postalCode: '!' }, 'postalCode'],
  ])('refuse %o naming %s', (patch, field) => {
    expect(Object.keys(profileErrors({ ...form, ...patch }, regions))).toEqual([field]);
  });
  it('create: codes upper-cased, empty optional fields null', () => {
    expect(profileCreateBody({ ...form, region: 'DE-BE', paymentMethodId: 'pm1' })).toMatchObject({
      accountId: 'acc',
      country: 'DE',
      region: 'DE-BE',
      addressLine2: null,
      contactEmail: null,
      paymentMethodId: 'pm1',
    });
  });
  it('edit: only what changed', () => {
    const f = profileFormOf(stored);
    expect(profilePatchBody(f, stored)).toEqual({});
    expect(
      profilePatchBody({ ...f, city: 'Munich', paymentMethodId: 'pm1', isDefault: true }, stored),
    ).toEqual({
      city: 'Munich',
      paymentMethodId: 'pm1',
      isDefault: true,
    });
    expect(profilePatchBody({ ...f, contactEmail: '' }, { ...stored, contactEmail: 'a@b.c' })).toEqual({
      contactEmail: null,
    });
  });
});
