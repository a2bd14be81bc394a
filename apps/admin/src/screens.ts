// The admin's screens, in menu order. Only screens that work are listed: a screen joins this list
// when it is built, never as a placeholder.
export const ADMIN_SCREENS = [
  { route: 'invoice-types', label: 'Invoice types', path: '/invoice-types' },
  { route: 'invoice-statuses', label: 'Invoice statuses', path: '/invoice-statuses' },
  { route: 'profile-options', label: 'Billing profile options', path: '/profile-options' },
  { route: 'billing-runs', label: 'Billing runs', path: '/billing-runs' },
  {
    route: 'customer-charges-schedule',
    label: 'Customer Charges schedule',
    path: '/customer-charges-schedule',
  },
  { route: 'audit', label: 'Audit log', path: '/audit' },
] as const;

export type AdminScreen = (typeof ADMIN_SCREENS)[number]['route'];

/** SPEC §3: what each locked entry does. Fixed by the product; shown beside the editable description. */
export const INVOICE_TYPE_INFO: Record<string, { name: string; behaviour: string }> = {
  DEBIT: { name: 'Debit', behaviour: 'Increases what the client owes.' },
  CREDIT: { name: 'Credit', behaviour: 'A discount, refund or correction of an earlier invoice.' },
};

export const INVOICE_STATUS_INFO: Record<string, { name: string; behaviour: string }> = {
  UNPAID: { name: 'Unpaid', behaviour: 'The default of a new debit invoice.' },
  PAID: {
    name: 'Paid',
    behaviour: 'Set automatically when payments and credit invoices linked to the invoice cover it in full.',
  },
  CANCELED: { name: 'Canceled', behaviour: "Excluded from the client's balance." },
};
