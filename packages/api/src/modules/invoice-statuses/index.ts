import { INVOICE_STATUSES, invoiceStatuses } from '@cascade/db';
import { lockedCodeRoutes } from '../invoice-types/locked-codes';

/** UNPAID, PAID and CANCELED, one locked set per organization (SPEC §3). */
export const invoiceStatusRoutes = lockedCodeRoutes({
  table: invoiceStatuses,
  codes: INVOICE_STATUSES,
  module: 'invoice-statuses',
  noun: 'Invoice status',
  entityType: 'invoice-status',
});
