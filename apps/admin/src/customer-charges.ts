// The Customer Charges sync schedule as the admin reads it (issue 7): per Standard reseller, its
// time zone, local time, last run and next run, over GET /v1/customer-charges/schedule; "Run now"
// over POST /v1/customer-charges/sync-runs.
import type { ApiClient, Page } from '@cascade/ui';

export interface SyncRun {
  id: string;
  jobName: string;
  scheduledLocalDate: string;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  attempts: number;
  startedAt: string;
  finishedAt: string | null;
  rows: number | null;
  error: string | null;
}

export interface ResellerSchedule {
  resellerId: string;
  name: string;
  timeZone: string;
  timeZoneKnown: boolean;
  localNow: string;
  lastRun: SyncRun | null;
  nextRunAt: string;
}

/** Every reseller fits one page: a marketplace has hundreds of resellers, not millions. */
export const SCHEDULE_PAGE_SIZE = 1000;

export const RUN_STATUS_LABELS: Record<SyncRun['status'], string> = {
  RUNNING: 'Running',
  SUCCEEDED: 'Succeeded',
  FAILED: 'Failed',
};

/** `YYYY-MM-DDTHH:MM` (the reseller's wall clock) as `YYYY-MM-DD HH:MM`. */
export function formatLocalNow(localNow: string): string {
  return localNow.replace('T', ' ');
}

/** What the last run brought: its rows, or that it is still running, or that it failed. */
export function describeRun(run: SyncRun | null): string {
  if (!run) return 'Never run';
  if (run.status === 'RUNNING') return 'Running…';
  if (run.status === 'FAILED') return 'Failed';
  const rows = run.rows ?? 0;
  return `${rows.toLocaleString('en')} row${rows === 1 ? '' : 's'}`;
}

/** A run as the result beside its row, once "Run now" answers. */
export function runOutcome(run: SyncRun): { tone: 'success' | 'error'; message: string } {
  if (run.status === 'FAILED')
    return { tone: 'error', message: `The sync failed: ${run.error ?? 'no reason given'}` };
  if (run.status === 'RUNNING') return { tone: 'success', message: 'The sync is running.' };
  return { tone: 'success', message: `Synced: ${describeRun(run)}.` };
}

export function customerChargesApi(client: ApiClient) {
  return {
    schedule: (signal?: AbortSignal) =>
      client.get<Page<ResellerSchedule>>('/v1/customer-charges/schedule', {
        signal,
        query: { startRow: 0, endRow: SCHEDULE_PAGE_SIZE },
      }),
    runNow: (resellerId: string) => client.post<SyncRun>('/v1/customer-charges/sync-runs', { resellerId }),
  };
}
