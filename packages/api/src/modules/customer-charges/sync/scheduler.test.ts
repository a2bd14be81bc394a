import { describe, expect, it } from 'vitest';
import { SYNC_JOB, SYNC_JOB_INITIAL, SYNC_JOB_RECOVERY } from './index';
import { nextRunAt, planFor, type ResellerSchedule, type RunRow } from './scheduler';

const run = (over: Partial<RunRow>): RunRow => ({
  id: 'r1',
  jobName: SYNC_JOB,
  scheduledLocalDate: '2026-11-01',
  status: 'SUCCEEDED',
  attempts: 1,
  startedAt: '2026-11-01T12:00:00Z',
  finishedAt: '2026-11-01T12:00:05Z',
  rows: 3,
  error: null,
  ...over,
});
const reseller = (
  last: RunRow | null,
  timeZone = 'America/New_York',
  rowsLost = false,
): ResellerSchedule => ({
  distributorId: 'd',
  resellerId: 'r',
  name: 'R',
  timeZone,
  lastDaily: last?.jobName === SYNC_JOB ? last : null,
  lastRun: last,
  lastRecovery: last?.jobName === SYNC_JOB_RECOVERY ? last : null,
  rowsLost,
});

describe('planFor: what a tick does for one reseller', () => {
  it('runs a never-synced reseller at once', () => {
    expect(planFor(reseller(null), new Date('2026-11-01T05:00:00Z'))).toEqual({
      kind: 'claim',
      jobName: SYNC_JOB_INITIAL,
      localDate: '2026-11-01',
    });
  });

  it('claims today from 07:00 local (New York, the day summer time ends: 12:00Z)', () => {
    const yesterday = run({ scheduledLocalDate: '2026-10-31' });
    expect(planFor(reseller(yesterday), new Date('2026-11-01T11:59:00Z'))).toBeNull();
    expect(planFor(reseller(yesterday), new Date('2026-11-01T12:00:00Z'))).toEqual({
      kind: 'claim',
      jobName: SYNC_JOB,
      localDate: '2026-11-01',
    });
    expect(planFor(reseller(run({})), new Date('2026-11-01T18:00:00Z'))).toBeNull();
  });

  it('retries a failed run of today after a while, at most three attempts; takes over a stale one', () => {
    const failed = run({ status: 'FAILED', finishedAt: '2026-11-01T12:00:05Z', error: 'boom' });
    expect(planFor(reseller(failed), new Date('2026-11-01T12:02:00Z'))).toBeNull();
    expect(planFor(reseller(failed), new Date('2026-11-01T12:10:00Z'))).toEqual({
      kind: 'retry',
      run: failed,
    });
    expect(planFor(reseller({ ...failed, attempts: 3 }), new Date('2026-11-01T12:10:00Z'))).toBeNull();
    const stuck = run({ status: 'RUNNING', finishedAt: null, rows: null });
    expect(planFor(reseller(stuck), new Date('2026-11-01T12:30:00Z'))).toBeNull();
    expect(planFor(reseller(stuck), new Date('2026-11-01T13:30:00Z'))).toEqual({ kind: 'retry', run: stuck });
  });

  it('reads lost rows again at once, one recovery a local day, retried as a daily run is', () => {
    const now = new Date('2026-11-01T18:00:00Z'); // 13:00 in New York, today's daily run done
    const lost = (s: Partial<ResellerSchedule>) =>
      planFor({ ...reseller(run({}), 'America/New_York', true), ...s }, now);
    expect(planFor(reseller(run({}), 'America/New_York', false), now)).toBeNull();
    const claim = { kind: 'claim', jobName: SYNC_JOB_RECOVERY, localDate: '2026-11-01' };
    expect(lost({})).toEqual(claim);
    expect(nextRunAt(reseller(run({}), 'America/New_York', true), now)).toEqual(now);
    // Another run under way does not hold it back (runs take the reseller's lock in turn).
    expect(
      lost({ lastRun: run({ status: 'RUNNING', startedAt: '2026-11-01T17:59:00Z', finishedAt: null }) }),
    ).toEqual(claim);
    const recovery = run({
      jobName: SYNC_JOB_RECOVERY,
      status: 'FAILED',
      finishedAt: '2026-11-01T17:58:00Z',
    });
    expect(lost({ lastRecovery: recovery })).toBeNull();
    const failedLongAgo = { ...recovery, finishedAt: '2026-11-01T17:00:00Z' };
    expect(lost({ lastRecovery: failedLongAgo })).toEqual({ kind: 'retry', run: failedLongAgo });
    expect(lost({ lastRecovery: { ...failedLongAgo, attempts: 3 } })).toBeNull();
    expect(lost({ lastRecovery: { ...recovery, scheduledLocalDate: '2026-10-31' } })).toEqual(claim);
    // Lost again after today's recovery succeeded (a second crash): it runs again.
    const recovered = { ...recovery, status: 'SUCCEEDED' as const };
    expect(lost({ lastRecovery: recovered })).toEqual({ kind: 'retry', run: recovered });
    // When the daily run is due, it comes first (it reads everything too, having no mark).
    const yesterday = run({ scheduledLocalDate: '2026-10-31' });
    expect(lost({ lastDaily: yesterday, lastRun: yesterday })).toEqual({
      kind: 'claim',
      jobName: SYNC_JOB,
      localDate: '2026-11-01',
    });
  });

  it('reads an unknown time zone as UTC', () => {
    expect(
      planFor(
        reseller(run({ scheduledLocalDate: '2026-10-31' }), 'Nowhere/Land'),
        new Date('2026-11-01T07:00:00Z'),
      ),
    ).toMatchObject({ kind: 'claim', localDate: '2026-11-01' });
  });
});

describe('nextRunAt', () => {
  it('is now when due, else the next 07:00 local', () => {
    const now = new Date('2026-11-01T12:30:00Z');
    expect(nextRunAt(reseller(run({ scheduledLocalDate: '2026-10-31' })), now)).toEqual(now);
    expect(nextRunAt(reseller(run({})), now).toISOString()).toBe('2026-11-02T12:00:00.000Z');
    expect(
      nextRunAt(reseller(run({}), 'Europe/Berlin'), new Date('2026-03-28T12:00:00Z')).toISOString(),
    ).toBe('2026-03-29T05:00:00.000Z');
  });
});
