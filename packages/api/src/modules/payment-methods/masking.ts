/**
 * Payment methods carry a provider reference and masked details only (SPEC §5): never a full card
 * or account number. These pure rules refuse anything that looks like one and derive the masked
 * form (`VISA **** 4242`) from what the client entered.
 */
import type { PAYMENT_METHOD_KINDS } from '@cascade/db';

export type PaymentMethodKind = (typeof PAYMENT_METHOD_KINDS)[number];

export const FULL_NUMBER_MESSAGE =
  'Never send a full card or account number: send the payment provider’s reference and the last 4 digits only';

/**
 * A run of 7 or more digits (spaces, dots and dashes between them ignored), an IBAN, or 12 or more
 * characters of digits, spaces and dashes only (the database's check, `payment_methods_masked`).
 */
export function looksLikeFullNumber(value: string): boolean {
  if (/^[0-9 -]{12,}$/.test(value)) return true;
  const compact = value.replace(/[\s.\-/]/g, '');
  if (/\d{7,}/.test(compact)) return true;
  // An IBAN: country, 2 check digits, 11–30 alphanumerics (digits mostly).
  return /[A-Za-z]{2}\d{2}[A-Za-z0-9]{11,30}/.test(compact) && /\d{6,}/.test(compact);
}

export interface MaskInput {
  kind: PaymentMethodKind;
  label?: string | null | undefined;
  last4?: string | null | undefined;
}

const DEFAULT_LABEL: Record<PaymentMethodKind, string> = {
  CARD: 'Card',
  BANK_ACCOUNT: 'Account',
  PAYMENT_SYSTEM: 'Payment system',
  OTHER: 'Other',
};

/** `VISA **** 4242`, `IBAN **** 1234`, `PayPal`: the only form the details are stored in. */
export function maskedDetails(input: MaskInput): string {
  const label = input.label?.trim() || DEFAULT_LABEL[input.kind];
  return input.last4 ? `${label} **** ${input.last4}` : label;
}

/** Which kinds need which details: cards and bank accounts the last 4 digits, cards an expiry. */
export function requiredDetails(kind: PaymentMethodKind): {
  last4: boolean;
  expires: boolean;
  label: boolean;
} {
  return {
    last4: kind === 'CARD' || kind === 'BANK_ACCOUNT',
    expires: kind === 'CARD',
    label: kind === 'PAYMENT_SYSTEM' || kind === 'OTHER',
  };
}

/** `MM/YY` not before the given month (`YYYY-MM-DD`, the first of which still counts). */
export function expiredBefore(expires: string, today: string): boolean {
  const [mm, yy] = expires.split('/');
  const year = 2000 + Number(yy);
  const month = Number(mm);
  const nowYear = Number(today.slice(0, 4));
  const nowMonth = Number(today.slice(5, 7));
  return year < nowYear || (year === nowYear && month < nowMonth);
}
