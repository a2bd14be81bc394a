// The payment method form, framework-free. Only what may be stored is asked for: the payment
// provider's reference, a label (brand, bank, system) and the last 4 digits, never a full number;
// the same rule as the API refuses one before it leaves the browser. The masked details shown as
// a preview are derived the way the API derives them.
import type { PaymentMethodInput, PaymentMethodKind } from '@cascade/ui';

export interface PaymentMethodForm {
  accountId: string;
  kind: PaymentMethodKind;
  reference: string;
  label: string;
  last4: string;
  holderName: string;
  expires: string;
  isDefault: boolean;
}

export const PAYMENT_METHOD_FIELDS = [
  'accountId',
  'kind',
  'reference',
  'label',
  'last4',
  'holderName',
  'expires',
  'isDefault',
] as const;

export const KIND_LABELS: Record<PaymentMethodKind, string> = {
  CARD: 'Card',
  BANK_ACCOUNT: 'Bank account',
  PAYMENT_SYSTEM: 'Payment system',
  OTHER: 'Other',
};

export const FULL_NUMBER_MESSAGE =
  'Never enter a full card or account number: the provider reference and the last 4 digits only';

export function emptyPaymentMethodForm(accountId = ''): PaymentMethodForm {
  return {
    accountId,
    kind: 'CARD',
    reference: '',
    label: '',
    last4: '',
    holderName: '',
    expires: '',
    isDefault: false,
  };
}

/**
 * A run of 7 or more digits (spaces, dots, dashes, slashes between them ignored), an IBAN, or 12 or
 * more characters of digits, spaces and dashes only: the API's rule (payment-methods/masking.ts).
 */
export function looksLikeFullNumber(value: string): boolean {
  if (/^[0-9 -]{12,}$/.test(value)) return true;
  const compact = value.replace(/[\s.\-/]/g, '');
  if (/\d{7,}/.test(compact)) return true;
  return /[A-Za-z]{2}\d{2}[A-Za-z0-9]{11,30}/.test(compact) && /\d{6,}/.test(compact);
}

export function needs(kind: PaymentMethodKind) {
  return {
    last4: kind === 'CARD' || kind === 'BANK_ACCOUNT',
    expires: kind === 'CARD',
    label: kind === 'PAYMENT_SYSTEM' || kind === 'OTHER',
  };
}

const DEFAULT_LABEL: Record<PaymentMethodKind, string> = {
  CARD: 'Card',
  BANK_ACCOUNT: 'Account',
  PAYMENT_SYSTEM: 'Payment system',
  OTHER: 'Other',
};

/** What will be stored and shown: `VISA **** 4242`. */
export function maskedPreview(form: Pick<PaymentMethodForm, 'kind' | 'label' | 'last4'>): string {
  const label = form.label.trim() || DEFAULT_LABEL[form.kind];
  return /^\d{4}$/.test(form.last4.trim()) ? `${label} **** ${form.last4.trim()}` : label;
}

/** The API's checks, as `{field: message}`; `today` is YYYY-MM-DD. */
export function paymentMethodErrors(form: PaymentMethodForm, today: string): Record<string, string> {
  const errors: Record<string, string> = {};
  const need = needs(form.kind);
  if (!form.accountId) errors.accountId = 'Choose an account';
  for (const field of ['reference', 'label', 'last4', 'holderName'] as const) {
    if (looksLikeFullNumber(form[field])) errors[field] = FULL_NUMBER_MESSAGE;
  }
  const ref = form.reference.trim();
  if (!errors.reference) {
    if (ref.length < 4) errors.reference = "The payment provider's reference (token or mandate id)";
    else if (!/^[A-Za-z0-9_:.-]+$/.test(ref)) errors.reference = 'Letters, digits and _ : . - only';
  }
  if (!errors.last4) {
    if (need.last4 && !form.last4.trim()) errors.last4 = 'Required: the last 4 digits';
    else if (form.last4.trim() && !/^\d{4}$/.test(form.last4.trim())) errors.last4 = 'The last 4 digits only';
  }
  if (need.label && !form.label.trim()) errors.label = 'Required: the payment system or method name';
  const exp = form.expires.trim();
  if (need.expires) {
    if (!exp) errors.expires = 'Required for a card: MM/YY';
    else if (!/^(0[1-9]|1[0-2])\/\d{2}$/.test(exp)) errors.expires = 'Must be MM/YY, e.g. 08/28';
    else {
      const [mm, yy] = exp.split('/').map(Number) as [number, number];
      const year = 2000 + yy;
      const nowYear = Number(today.slice(0, 4));
      const nowMonth = Number(today.slice(5, 7));
      if (year < nowYear || (year === nowYear && mm < nowMonth)) errors.expires = 'This card has expired';
    }
  }
  return errors;
}

export function paymentMethodBody(form: PaymentMethodForm): PaymentMethodInput {
  const need = needs(form.kind);
  const body: PaymentMethodInput = {
    accountId: form.accountId,
    kind: form.kind,
    reference: form.reference.trim(),
  };
  if (form.label.trim()) body.label = form.label.trim();
  if (form.last4.trim()) body.last4 = form.last4.trim();
  if (form.holderName.trim()) body.holderName = form.holderName.trim();
  if (need.expires && form.expires.trim()) body.expires = form.expires.trim();
  if (form.isDefault) body.isDefault = true;
  return body;
}
