import { describe, expect, it } from 'vitest';
import { describeRun, formatLocalNow, runOutcome, type SyncRun } from './customer-charges';

const run = (over: Partial<SyncRun>): SyncRun => ({
  id: 'r1',
  jobName: 'customer-charges-sync',
  scheduledLocalDate: '2026-11-22',
  status: 'SUCCEEDED',
  attempts: 1,
  startedAt: '2026-11-22T06:00:00.000Z',
  finishedAt: '2026-11-22T06:00:05.000Z',
  rows: 1234,
  error: null,
  ...over,
});

describe('Customer Charges schedule', () => {
  it('describes the last run: rows, running, failed or never', () => {
    expect(describeRun(null)).toBe('Never run');
    expect(describeRun(run({}))).toBe('1,234 rows');
    expect(describeRun(run({ rows: 1 }))).toBe('1 row');
    expect(describeRun(run({ rows: null }))).toBe('0 rows');
    expect(describeRun(run({ status: 'RUNNING', rows: null }))).toBe('Running…');
    expect(describeRun(run({ status: 'FAILED', error: 'boom' }))).toBe('Failed');
  });

  it("says what a manual run did, with a failed run's error", () => {
    expect(runOutcome(run({ rows: 3 }))).toEqual({ tone: 'success', message: 'Synced: 3 rows.' });
    expect(runOutcome(run({ status: 'FAILED', error: 'boom', rows: null }))).toEqual({
      tone: 'error',
      message: 'The sync failed: boom',
    });
  });

  it("shows the reseller's wall clock without the T", () => {
    expect(formatLocalNow('2026-11-22T07:05')).toBe('2026-11-22 07:05');
  });
});
