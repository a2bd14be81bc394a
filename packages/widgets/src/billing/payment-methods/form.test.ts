import { describe, expect, it } from 'vitest';
import * as api from '../../../../api/src/modules/payment-methods/masking';
import {
  emptyPaymentMethodForm,
  looksLikeFullNumber,
  maskedPreview,
  paymentMethodBody,
  paymentMethodErrors,
} from './form';

const TODAY = '2026-11-22';
const card = {
  ...emptyPaymentMethodForm('acc'),
  reference: 'tok_visa_4242',
  label: 'VISA',
  last4: '4242',
  expires: '08/28',
};

describe('full numbers', () => {
  it.each([
    ['4242 4242 4242 4242', true],
    ['4242-4242-4242-4242', true],
    ['NL91 ABNA 0417 1643 00', true],
    ['1234567', true],
    ['123456', false],
    ['123456------', true], // digits and dashes only, 12 or more: the database refuses it too
    ['1-2-3-4-5-6', false],
    ['tok_visa_4242', false],
    ['VISA', false],
    ['Ada Lovelace', false],
  ])('%s looks like a full number: %s (the same rule as the API)', (value, full) => {
    expect(looksLikeFullNumber(value)).toBe(full);
    expect(api.looksLikeFullNumber(value)).toBe(full);
  });
});

describe('the masked details', () => {
  it('are derived as the API derives them', () => {
    for (const f of [
      card,
      { ...card, label: '' },
      { ...card, kind: 'BANK_ACCOUNT' as const, label: 'IBAN', last4: '1234' },
      { ...card, kind: 'PAYMENT_SYSTEM' as const, label: 'PayPal', last4: '' },
    ]) {
      expect(maskedPreview(f)).toBe(
        api.maskedDetails({ kind: f.kind, label: f.label, last4: f.last4 || undefined }),
      );
    }
    expect(maskedPreview(card)).toBe('VISA **** 4242');
  });
});

describe('the checks', () => {
  it.each([
    [{ last4: '4242424242424242' }, 'last4'],
    [{ reference: '4242 4242 4242 4242' }, 'reference'],
    [{ holderName: 'Ada 12345678' }, 'holderName'],
    [{ last4: '' }, 'last4'],
    [{ last4: '42a2' }, 'last4'],
    [{ expires: '' }, 'expires'],
    [{ expires: '13/28' }, 'expires'],
    [{ expires: '10/26' }, 'expires'],
    [{ reference: 'ab' }, 'reference'],
    [{ accountId: '' }, 'accountId'],
  ])('refuse %o naming %s', (patch, field) => {
    expect(Object.keys(paymentMethodErrors({ ...card, ...patch }, TODAY))).toEqual([field]);
  });
  it('ask a payment system for its name, not for digits or an expiry', () => {
    const paypal = { ...emptyPaymentMethodForm('acc'), kind: 'PAYMENT_SYSTEM' as const, reference: 'ba_123' };
    expect(Object.keys(paymentMethodErrors(paypal, TODAY))).toEqual(['label']);
    expect(paymentMethodErrors({ ...paypal, label: 'PayPal' }, TODAY)).toEqual({});
  });
  it('send only what may be stored', () => {
    expect(paymentMethodBody({ ...card, holderName: ' Ada ', isDefault: true })).toEqual({
      accountId: 'acc',
      kind: 'CARD',
      reference: 'tok_visa_4242',
      label: 'VISA',
      last4: '4242',
      holderName: 'Ada',
      expires: '08/28',
      isDefault: true,
    });
    expect(paymentMethodBody({ ...card, kind: 'BANK_ACCOUNT' })).not.toHaveProperty('expires');
  });
});
