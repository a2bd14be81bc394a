// What the Billing screens show for money, dates and statuses, through @cascade/ui's formatters
// (decimal strings handed to Intl as they are, never a float). A value the formatter refuses is
// shown as it came, never hidden.
import { formatDate, formatMoney } from '@cascade/ui';

export function money(amount: string | null | undefined, currency: string, locale?: string): string {
  if (amount === null || amount === undefined || amount === '') return '';
  try {
    return formatMoney(amount, currency, { locale });
  } catch {
    return `${amount} ${currency}`;
  }
}

export function unitPrice(amount: string, currency: string, locale?: string): string {
  try {
    return formatMoney(amount, currency, { locale, kind: 'unitPrice' });
  } catch {
    return `${amount} ${currency}`;
  }
}

export function day(iso: string | null | undefined, locale?: string): string {
  if (!iso) return '';
  try {
    return formatDate(iso, { locale });
  } catch {
    return iso;
  }
}

const quantityFormats = new Map<string, Intl.NumberFormat>();

/** A quantity (decimal string), grouped per locale, trailing zeros dropped. */
export function quantity(value: string, locale?: string): string {
  const key = locale ?? '';
  let format = quantityFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, { maximumFractionDigits: 6 });
    quantityFormats.set(key, format);
  }
  return format.format(value as unknown as number);
}

const STATUS_LABELS: Record<string, string> = {
  UNPAID: 'Unpaid',
  PAID: 'Paid',
  CANCELED: 'Canceled',
  PROFORMA: 'Proforma',
  PENDING: 'Pending',
  ISSUED: 'Issued',
  DEBIT: 'Invoice',
  CREDIT: 'Credit note',
};

export function label(code: string): string {
  return STATUS_LABELS[code] ?? code;
}

/** The badge style of an invoice's state: a draft shows its stage, an issued one its status. */
export function stateOf(invoice: { stage: string; status: string }): { text: string; tone: string } {
  if (invoice.stage !== 'ISSUED') return { text: label(invoice.stage), tone: 'muted' };
  if (invoice.status === 'PAID') return { text: 'Paid', tone: 'success' };
  if (invoice.status === 'CANCELED') return { text: 'Canceled', tone: 'muted' };
  return { text: 'Unpaid', tone: 'warning' };
}
