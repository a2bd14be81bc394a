import type { Route } from '../platform/routes';
import { auditRoutes } from './audit';
import { authRoutes } from './auth';
import { billingPreviewRoutes } from './billing-preview';
import { billingProfileRoutes } from './billing-profiles';
import { billingRunRoutes } from './billing-runs';
import { cashDeskRoutes } from './cash-desks';
import { creditNoteRoutes } from './credit-notes';
import { customerChargeRoutes } from './customer-charges';
import { documentRoutes } from './documents';
import { embedRoutes } from './embed';
import { healthRoutes } from './health';
import { invoiceStatusRoutes } from './invoice-statuses';
import { invoiceTypeRoutes } from './invoice-types';
import { invoiceRoutes } from './invoices';
import { ledgerRoutes } from './ledger';
import { organizationRoutes } from './organizations';
import { paymentMethodRoutes } from './payment-methods';
import { profileOptionRoutes } from './profile-options';
import { revenueRecognitionRoutes } from './revenue-recognition';
import { subscriptionChangeRoutes } from './subscription-changes';
import { subscriptionRoutes } from './subscriptions';

/** The route table: every module's routes. A new module adds its array here. */
export const routes: readonly Route[] = [
  ...healthRoutes,
  ...authRoutes,
  ...organizationRoutes,
  ...invoiceTypeRoutes,
  ...invoiceStatusRoutes,
  ...profileOptionRoutes,
  ...billingPreviewRoutes,
  ...billingRunRoutes,
  ...customerChargeRoutes,
  ...invoiceRoutes,
  ...documentRoutes,
  ...creditNoteRoutes,
  ...ledgerRoutes,
  ...cashDeskRoutes,
  ...auditRoutes,
  ...subscriptionChangeRoutes,
  ...revenueRecognitionRoutes,
  ...subscriptionRoutes,
  ...paymentMethodRoutes,
  ...billingProfileRoutes,
  ...embedRoutes,
];
