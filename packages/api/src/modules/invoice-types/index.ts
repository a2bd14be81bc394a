import { INVOICE_TYPES, invoiceTypes } from '@cascade/db';
import { lockedCodeRoutes } from './locked-codes';

/** DEBIT and CREDIT, one locked set per organization (SPEC §3). */
export const invoiceTypeRoutes = lockedCodeRoutes({
  table: invoiceTypes,
  codes: INVOICE_TYPES,
  module: 'invoice-types',
  noun: 'Invoice type',
  entityType: 'invoice-type',
});
