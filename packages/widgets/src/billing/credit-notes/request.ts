// The credit-note form's request, framework-free: what the user chose → the API's body, and the
// API's field errors (`items.<index>.quantity`, indexes into the items sent) → the lines they name.
import type { CreditNoteRequest } from '../invoices/api';

export const CREDIT_REASONS = [
  { value: 'RETURN', label: 'Return' },
  { value: 'DISCOUNT', label: 'Discount' },
  { value: 'CORRECTION', label: 'Correction' },
] as const;
export type CreditReason = (typeof CREDIT_REASONS)[number]['value'];

export interface CreditForm {
  reason: CreditReason;
  note: string;
  mode: 'items' | 'amount';
  amount: string;
  lines: { lineNo: number; on: boolean; quantity: string }[];
}

export type BuiltRequest =
  | { ok: true; request: CreditNoteRequest }
  | { ok: false; fields: Record<string, string> };

export function creditNoteRequest(form: CreditForm): BuiltRequest {
  const label = CREDIT_REASONS.find((r) => r.value === form.reason)?.label ?? form.reason;
  const note = form.note.trim();
  const reason = note ? `${label}: ${note}` : label;
  if (form.mode === 'amount') {
    const amount = form.amount.trim();
    if (!amount) return { ok: false, fields: { amount: 'Enter the amount to credit' } };
    return { ok: true, request: { reason, amount } };
  }
  const items = form.lines
    .filter((l) => l.on)
    .sort((a, b) => a.lineNo - b.lineNo)
    .map((l) => ({ lineNo: l.lineNo, ...(l.quantity.trim() ? { quantity: l.quantity.trim() } : {}) }));
  if (items.length === 0) return { ok: false, fields: { items: 'Choose at least one item' } };
  return { ok: true, request: { reason, items } };
}

/** The API's fields, with `items.<i>.*` moved to the line they name. */
export function fieldsByLine(
  apiFields: Record<string, string>,
  request: CreditNoteRequest,
): { fields: Record<string, string>; lines: Record<number, string> } {
  const fields: Record<string, string> = {};
  const lines: Record<number, string> = {};
  for (const [path, message] of Object.entries(apiFields)) {
    const match = /^items\.(\d+)(\.|$)/.exec(path);
    const lineNo = match ? request.items?.[Number(match[1])]?.lineNo : undefined;
    if (lineNo !== undefined) lines[lineNo] ??= message;
    else fields[path] = message;
  }
  return { fields, lines };
}
