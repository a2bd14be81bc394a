// What a cell shows, per column, from the API's row: money through @cascade/ui's formatter (decimal
// strings handed to Intl as they are, no float), dates as calendar days, Debit/Credit for the type.

import { formatDate, formatMoney, isDecimalString } from '@cascade/ui';
import type { CustomerChargeRow } from './api';
import { type ChargeColumn, chargeTypeLabel } from './columns';

export interface CellFormatOptions {
  locale?: string;
}

const quantityFormats = new Map<string, Intl.NumberFormat>();

/** A quantity as a decimal string or number, up to 6 decimals, grouped per locale. */
export function formatQuantity(value: string | number, locale?: string): string {
  const key = locale ?? '';
  let format = quantityFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, { maximumFractionDigits: 6 });
    quantityFormats.set(key, format);
  }
  // A decimal string is formatted exactly (Intl reads it as a decimal, not a float).
  return format.format(value as unknown as number);
}

/** The text of one cell; '' for an empty value; the raw value when it cannot be formatted. */
export function formatCell(
  column: ChargeColumn,
  row: Partial<CustomerChargeRow> | undefined,
  options: CellFormatOptions = {},
): string {
  if (!row) return '';
  const value = row[column.id];
  if (value === null || value === undefined || value === '') return '';
  try {
    switch (column.display) {
      case 'date':
        return formatDate(String(value), { locale: options.locale });
      case 'type':
        return chargeTypeLabel(value);
      case 'quantity':
        return typeof value === 'number' || isDecimalString(value)
          ? formatQuantity(value, options.locale)
          : String(value);
      case 'unitPrice':
      case 'amount':
        return row.currency
          ? formatMoney(String(value), row.currency, {
              locale: options.locale,
              kind: column.display === 'unitPrice' ? 'unitPrice' : 'amount',
            })
          : String(value);
      default:
        return String(value);
    }
  } catch {
    return String(value);
  }
}
