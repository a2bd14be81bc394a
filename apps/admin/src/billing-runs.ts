// Billing runs as the admin drives them (issue 7): preview a date, start a run, poll it until it
// settles, list past runs. The engine and its totals live in the API; this only calls and reads.
import type { ApiClient, Page } from '@cascade/ui';

export type RunStatus = 'QUEUED' | 'RUNNING' | 'COMPLETED' | 'FAILED';

export interface BillingRun {
  id: string;
  runDate: string;
  status: RunStatus;
  progressDone: number;
  progressTotal: number;
  invoicesCreated: number;
  requestedBy: string | null;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface CurrencyTotals {
  currency: string;
  count: number;
  subtotal: string;
  taxTotal: string;
  total: string;
}

export interface BillingRunDetail extends BillingRun {
  issued: { count: number; totals: CurrencyTotals[] };
}

export interface PreviewInvoice {
  accountId: string;
  clientOrgId: string;
  channel: string;
  status: string;
  currency: string;
  invoiceDate: string;
  periodStart: string;
  periodEnd: string;
  lines: { description: string }[];
  subtotal: string;
  taxTotal: string;
  total: string;
}

export interface BillingRunPreview {
  invoiceDate: string;
  invoiceCount: number;
  totals: CurrencyTotals[];
  invoices: PreviewInvoice[];
  truncated: boolean;
}

export const RUN_STATUS_LABELS: Record<RunStatus, string> = {
  QUEUED: 'Queued',
  RUNNING: 'Running',
  COMPLETED: 'Completed',
  FAILED: 'Failed',
};

export function isSettled(run: Pick<BillingRun, 'status'>): boolean {
  return run.status === 'COMPLETED' || run.status === 'FAILED';
}

/** Progress in whole percent; 0 until the run knows how many subscriptions it has. */
export function progressPercent(run: Pick<BillingRun, 'status' | 'progressDone' | 'progressTotal'>): number {
  if (run.status === 'COMPLETED') return 100;
  if (run.progressTotal <= 0) return 0;
  return Math.min(100, Math.floor((run.progressDone / run.progressTotal) * 100));
}

/** Today in the browser's calendar, as the API's ISO date. */
export function todayIso(now: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

export function billingRunsApi(client: ApiClient) {
  return {
    preview: (invoiceDate: string, signal?: AbortSignal) =>
      client.post<BillingRunPreview>('/v1/billing-runs/preview', { invoiceDate }, { signal }),
    start: (invoiceDate: string) =>
      client.post<BillingRun>(
        '/v1/billing-runs',
        { invoiceDate },
        // Money-moving: one key per click, so a retried request never starts a second run.
        { headers: { 'Idempotency-Key': crypto.randomUUID() } },
      ),
    get: (id: string, signal?: AbortSignal) =>
      client.get<BillingRunDetail>(`/v1/billing-runs/${encodeURIComponent(id)}`, { signal }),
    list: (signal?: AbortSignal) =>
      client.get<Page<BillingRun>>('/v1/billing-runs', { signal, query: { startRow: 0, endRow: 50 } }),
  };
}
