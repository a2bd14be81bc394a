/**
 * The one error shape of billing-core: a stable `code`, a human message and, when the problem is
 * one input, the `field` (a dotted path) it came from. The API maps it to
 * `{"error":{"code","message","fields"}}` (400 for bad input, 422 for a refused ledger command).
 */
export class BillingCoreError extends Error {
  readonly code: string;
  readonly field: string | undefined;

  constructor(code: string, message: string, field?: string) {
    super(message);
    this.name = 'BillingCoreError';
    this.code = code;
    this.field = field;
  }
}
