import { BillingCoreError, type PreviewRequest, previewInvoices } from '@cascade/billing-core';
import { ApiError } from '../../platform/errors';
import { defineRoute } from '../../platform/routes';
import { previewRequestSchema, previewResponseSchema } from './schema';

/** billing-core's input errors as the API's one error shape: a 400 naming the field. */
export function coreErrorToApi(err: unknown): never {
  if (err instanceof BillingCoreError) {
    throw new ApiError(
      'validation_failed',
      err.message,
      err.field ? { [err.field]: err.message } : { request: err.message },
    );
  }
  throw err;
}

export const billingPreviewRoutes = [
  defineRoute({
    method: 'POST',
    path: '/api/v1/billing/preview',
    summary: 'Preview the invoices the engine would generate',
    description:
      'Stateless: rates the subscriptions given in the body for every billing period starting on or before invoiceDate, with the options given (the rest at their defaults). Nothing is stored.',
    tags: ['billing'],
    auth: { roles: ['ADMIN', 'BILLING_MANAGER'], orgKinds: ['DISTRIBUTOR'] },
    request: { body: previewRequestSchema },
    response: previewResponseSchema,
    handler({ body }) {
      try {
        return previewInvoices(body as PreviewRequest);
      } catch (err) {
        return coreErrorToApi(err);
      }
    },
  }),
];
