// The manual-invoice form, framework-free: an empty line, the request the API takes, and the
// API's field errors laid out per line (`lines.<i>.<field>`, as the API names them).
import type { ManualInvoiceRequest } from './api';

export interface LineDraft {
  key: number;
  description: string;
  quantity: string;
  unit: string;
  unitPrice: string;
  taxIds: string[];
}

let keys = 0;

export function emptyLine(taxIds: string[] = []): LineDraft {
  keys += 1;
  return { key: keys, description: '', quantity: '1', unit: 'Each', unitPrice: '', taxIds: [...taxIds] };
}

export function manualRequest(form: {
  accountId: string;
  invoiceDate: string;
  lines: LineDraft[];
}): ManualInvoiceRequest {
  return {
    accountId: form.accountId,
    ...(form.invoiceDate ? { invoiceDate: form.invoiceDate } : {}),
    lines: form.lines.map((l) => ({
      description: l.description,
      quantity: l.quantity.trim(),
      unit: l.unit.trim() || 'Each',
      unitPrice: l.unitPrice.trim(),
      ...(l.taxIds.length ? { taxIds: l.taxIds } : {}),
    })),
  };
}

/** The message for one field of one line (`lines.0.quantity`, or `lines.0.taxIds.1` → taxIds). */
export function lineError(fields: Record<string, string>, index: number, field: string): string | undefined {
  const prefix = `lines.${index}.${field}`;
  for (const [path, message] of Object.entries(fields)) {
    if (path === prefix || path.startsWith(`${prefix}.`)) return message;
  }
  return undefined;
}
