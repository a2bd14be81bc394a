/**
 * How figures read on a printed document: pure text helpers over billing-core's money rules (the
 * currency's minor units, half away from zero), no locale data so the output is the same on every
 * runtime.
 */
import { Decimal, formatAmount, UNIT_PRICE_DECIMALS } from '@cascade/billing-core';

/** Thousands separated by commas: "1234567.50" → "1,234,567.50" (the sign kept in front). */
function group(text: string): string {
  const negative = text.startsWith('-');
  const [whole = '', fraction] = (negative ? text.slice(1) : text).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '-' : ''}${grouped}${fraction !== undefined ? `.${fraction}` : ''}`;
}

/** An amount in the currency's minor units, grouped: ("1234.5", "EUR") → "1,234.50"; JPY "1,235". */
export function amountText(value: string | Decimal, currency: string): string {
  return group(formatAmount(value, currency));
}

/** An amount with its currency code: "1,234.50 EUR". */
export function moneyText(value: string | Decimal, currency: string): string {
  return `${amountText(value, currency)} ${currency}`;
}

/**
 * A unit price: at least the currency's minor units, up to 6 decimals when the price has them
 * ("11.900000" → "11.90", "0.123400" → "0.1234").
 */
export function unitPriceText(value: string, currency: string): string {
  const d = new Decimal(value).toDecimalPlaces(UNIT_PRICE_DECIMALS, Decimal.ROUND_HALF_UP);
  const minimum = formatAmount(d, currency);
  return group(d.equals(minimum) ? minimum : d.toFixed());
}

/** A quantity without trailing zeros: "10.0000" → "10", "2.5000" → "2.5". */
export function quantityText(value: string): string {
  return group(new Decimal(value).toFixed());
}

/** A percent rate: "21.000000" → "21 %", "7.5" → "7.5 %". */
export function percentText(value: string): string {
  return `${new Decimal(value).toFixed()} %`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** An ISO date as printed: "2026-07-01" → "1 Jul 2026". */
export function dateText(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return iso;
  return `${Number(m[3])} ${MONTHS[Number(m[2]) - 1] ?? m[2]} ${m[1]}`;
}

/**
 * A closed period, as short as it reads unambiguously: "1–31 Jul 2026", "1 Jun – 31 Jul 2026",
 * "1 Dec 2025 – 31 Jan 2026"; one date when both ends are the same day.
 */
export function periodText(start: string | null, end: string | null): string {
  if (!start && !end) return '';
  if (!start || !end) return dateText((start ?? end)!);
  if (start === end) return dateText(start);
  const [sy, sm, sd] = start.split('-');
  const [ey, em] = end.split('-');
  if (sy === ey && sm === em && sd) return `${Number(sd)}–${dateText(end)}`;
  if (sy === ey && sd && sm) return `${Number(sd)} ${MONTHS[Number(sm) - 1] ?? sm} – ${dateText(end)}`;
  return `${dateText(start)} – ${dateText(end)}`;
}

/**
 * `attachment` with an ASCII fallback name (every character outside printable ASCII, and `"` and
 * `\`, become `_`; the en dash becomes `-`) and the exact name as RFC 5987 `filename*`.
 */
export function attachmentDisposition(filename: string): string {
  const ascii = filename.replace(/–/g, '-').replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeRfc5987(filename)}`;
}

function encodeRfc5987(text: string): string {
  return encodeURIComponent(text).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export type Address = {
  addressLine1: string | null;
  addressLine2: string | null;
  city: string | null;
  postalCode: string | null;
  region: string | null;
  country: string | null;
};

/** Postal lines of an address: street lines, "postal code city", region, country; blanks left out. */
export function addressLines(a: Address | undefined, extra: (string | null | undefined)[] = []): string[] {
  if (!a) return extra.filter((l): l is string => !!l);
  const cityLine = [a.postalCode, a.city].filter(Boolean).join(' ');
  return [a.addressLine1, a.addressLine2, cityLine, a.region, a.country, ...extra].filter(
    (l): l is string => !!l && l.trim() !== '',
  );
}
