// Who may change the account side of Billing (subscriptions, payment methods, billing profiles):
// the organization's ADMIN and BILLING_MANAGER, as the API decides; everyone else reads. The
// screens offer no write action to anyone else.
import { type ApiErrorFields, isApiError, type SessionUser } from '@cascade/ui';

export function canWriteBilling(user: Pick<SessionUser, 'roles'> | null | undefined): boolean {
  return !!user && user.roles.some((r) => r === 'ADMIN' || r === 'BILLING_MANAGER');
}

/**
 * What a failed save shows: the API's field errors beside their fields (only those the form has),
 * and a message on top for the rest.
 */
export function formFailure(
  error: unknown,
  formFields: readonly string[],
): { fields: ApiErrorFields; message: string | null } {
  if (!isApiError(error)) {
    return { fields: {}, message: error instanceof Error ? error.message : 'Something went wrong.' };
  }
  const fields: ApiErrorFields = {};
  const rest: string[] = [];
  for (const [field, text] of Object.entries(error.fields)) {
    if (formFields.includes(field)) fields[field] = text;
    else rest.push(text);
  }
  const shown = Object.keys(fields).length > 0;
  return { fields, message: rest.length > 0 ? rest.join(' ') : shown ? null : error.message };
}

/** A fresh Idempotency-Key for one submission of a create form (reused only for its retries). */
export function newIdempotencyKey(): string {
  return globalThis.crypto?.randomUUID?.() ?? `k-${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

/**
 * Errors still worth showing after an edit: a field's error goes as soon as its value differs from
 * the value it had when the error was found (so a corrected field stops saying it is wrong).
 */
export function stillWrong<F extends object>(
  errors: Record<string, string>,
  form: F,
  checked: F | null,
): Record<string, string> {
  if (!checked) return errors;
  const now = form as Record<string, unknown>;
  const then = checked as Record<string, unknown>;
  const kept: Record<string, string> = {};
  for (const [field, message] of Object.entries(errors)) {
    if (!(field in now) || now[field] === then[field]) kept[field] = message;
  }
  return kept;
}
