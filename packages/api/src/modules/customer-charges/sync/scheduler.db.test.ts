import { customerChargeRows, jobRuns, queryRows, withSystem } from '@cascade/db';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, FIXTURE, type TestApi } from '../../../testing';
import { addInvoice, RA, seedChargesFixture } from '../testing';
import { SYNC_JOB, SYNC_JOB_INITIAL, SYNC_JOB_RECOVERY } from './index';
import { claimManualRun, resellerSchedules, startCustomerChargesScheduler, tick } from './scheduler';

let api: TestApi;
const db = () => api.db.db;

beforeAll(async () => {
  api = await createTestApi();
  await seedChargesFixture(db());
  await addInvoice(db(), { id: 'a', issuedAt: '2026-03-01T06:00:00Z', items: [{}, {}] });
});
afterAll(() => api.close());

const runsOf = async (org: string) =>
  (await db().select().from(jobRuns).where(eq(jobRuns.orgId, org))).sort((a, b) =>
    a.startedAt < b.startedAt ? -1 : 1,
  );

/** Two instances ticking at the same moment. */
const both = async (at: string) => {
  const [x, y] = await Promise.all([tick(db(), new Date(at)), tick(db(), new Date(at))]);
  return [...x.ran, ...y.ran];
};

describe('the schedule: 07:00 local, once per local day, whatever the number of instances', () => {
  it('syncs a never-synced reseller at once (its first run), once', async () => {
    // 2026-03-29 is the day Berlin moves to summer time; 04:00Z is 06:00 there.
    const ran = await both('2026-03-29T04:00:00Z');
    expect(ran.filter((r) => r.resellerId === RA)).toEqual([
      { resellerId: RA, jobRunId: expect.any(String), rows: 2 },
    ]);
    // The other Standard reseller (UTC, other marketplace) too, once.
    expect(ran.filter((r) => r.resellerId === FIXTURE.otherReseller)).toHaveLength(1);
    expect((await runsOf(RA)).map((r) => [r.jobName, r.scheduledLocalDate, r.status])).toEqual([
      [SYNC_JOB_INITIAL, '2026-03-29', 'SUCCEEDED'],
    ]);
  });

  it('is not due before 07:00 local, then runs exactly once at 07:00 (05:00Z on the DST day)', async () => {
    expect(await both('2026-03-29T04:59:00Z')).toEqual([]);
    // Issued after the first run (issued_at is the database's clock; the schedule's clock is simulated).
    await addInvoice(db(), { id: 'b', number: 'B', issuedAt: new Date().toISOString(), items: [{}] });
    const ran = (await both('2026-03-29T05:00:00Z')).filter((r) => r.resellerId === RA);
    expect(ran).toEqual([{ resellerId: RA, jobRunId: expect.any(String), rows: 1 }]);
    const mine = (ran: { resellerId: string }[]) => ran.filter((r) => r.resellerId === RA);
    expect(mine(await both('2026-03-29T05:01:00Z'))).toEqual([]);
    // 23:59 in Berlin: still the 29th, already run. (The UTC reseller of d2 runs at 07:00Z.)
    expect(mine(await both('2026-03-29T21:59:00Z'))).toEqual([]);
    const daily = (await runsOf(RA)).filter((r) => r.jobName === SYNC_JOB);
    expect(daily.map((r) => [r.scheduledLocalDate, r.status, r.rows])).toEqual([
      ['2026-03-29', 'SUCCEEDED', 1],
    ]);
  });

  it('runs again the next local day at 07:00 CEST (05:00Z), and catches up a missed day', async () => {
    expect((await both('2026-03-30T04:59:00Z')).filter((r) => r.resellerId === RA)).toEqual([]);
    expect((await both('2026-03-30T05:00:00Z')).filter((r) => r.resellerId === RA)).toHaveLength(1);
    // No instance ran on the 31st; the 1st's run is still the 1st's only, and it catches up.
    await addInvoice(db(), { id: 'c', number: 'C', issuedAt: new Date().toISOString(), items: [{}] });
    const ran = (await both('2026-04-01T09:00:00Z')).filter((r) => r.resellerId === RA);
    expect(ran).toEqual([{ resellerId: RA, jobRunId: expect.any(String), rows: 1 }]);
    const dates = (await runsOf(RA)).filter((r) => r.jobName === SYNC_JOB).map((r) => r.scheduledLocalDate);
    expect(dates).toEqual(['2026-03-29', '2026-03-30', '2026-04-01']);
    expect(await db().$count(customerChargeRows, eq(customerChargeRows.orgId, RA))).toBe(4);
  });

  it('many instances at once: still one run per reseller and day', async () => {
    const results = await Promise.all(
      Array.from({ length: 6 }, () => tick(db(), new Date('2026-04-02T05:30:00Z'))),
    );
    const mine = results.flatMap((r) => r.ran).filter((r) => r.resellerId === RA);
    expect(mine).toHaveLength(1);
    const [{ n }] = (await withSystem(db(), (tx) =>
      tx.execute(
        sql`select count(*)::int as n from job_runs where org_id = ${RA} and scheduled_local_date = '2026-04-02'`,
      ),
    ).then((r) => (Array.isArray(r) ? r : (r as { rows: unknown[] }).rows))) as [{ n: number }];
    expect(n).toBe(1);
  });

  it('reports each reseller with its last run', async () => {
    const [mine] = (await resellerSchedules(db(), 'd1')).filter((s) => s.resellerId === RA);
    expect(mine).toMatchObject({
      timeZone: 'Europe/Berlin',
      lastDaily: { scheduledLocalDate: '2026-04-02', status: 'SUCCEEDED' },
    });
  });

  it('reads lost rows again at the next tick, not at the next 07:00, once', async () => {
    const count = () => db().$count(customerChargeRows, eq(customerChargeRows.orgId, RA));
    const before = await count();
    // What crash recovery does to unlogged tables (the partition and the marks): empty, still there.
    const crash = () =>
      withSystem(db(), async (tx) => {
        const [p] = await queryRows<{ name: string }>(
          tx,
          sql`select customer_charge_rows_partition(${RA}) as name`,
        );
        await tx.execute(sql`truncate ${sql.identifier(p!.name)}, customer_charge_sync_marks`);
      });
    await crash();
    expect(await count()).toBe(0);
    const [lost] = (await resellerSchedules(db(), 'd1')).filter((s) => s.resellerId === RA);
    expect(lost?.rowsLost).toBe(true);
    // 12:00 in Berlin on the 2nd: its daily run is done.
    const ran = (await both('2026-04-02T10:00:00Z')).filter((r) => r.resellerId === RA);
    expect(ran).toEqual([{ resellerId: RA, jobRunId: expect.any(String), rows: before }]);
    expect(await count()).toBe(before);
    const last = (await runsOf(RA)).at(-1);
    expect([last?.jobName, last?.scheduledLocalDate, last?.status]).toEqual([
      SYNC_JOB_RECOVERY,
      '2026-04-02',
      'SUCCEEDED',
    ]);
    expect((await resellerSchedules(db(), 'd1')).find((s) => s.resellerId === RA)?.rowsLost).toBe(false);
    expect((await both('2026-04-02T10:01:00Z')).filter((r) => r.resellerId === RA)).toEqual([]);
    // Lost again the same day (a second crash): today's recovery runs again, once.
    await crash();
    const again = (await both('2026-04-02T11:00:00Z')).filter((r) => r.resellerId === RA);
    expect(again).toEqual([{ resellerId: RA, jobRunId: last!.id, rows: before }]);
    expect(await count()).toBe(before);
  });

  it('takes over a manual run its instance left RUNNING (died) once stale, not before', async () => {
    const other = { distributorId: 'd1', resellerId: RA };
    const first = await claimManualRun(db(), other, 'Europe/Berlin', new Date('2026-04-05T10:00:00Z'));
    expect(first).not.toBeNull();
    // Still running (no finish recorded): a second "run now" that day is refused.
    expect(await claimManualRun(db(), other, 'Europe/Berlin', new Date('2026-04-05T10:05:00Z'))).toBeNull();
    await withSystem(db(), (tx) =>
      tx.execute(sql`update job_runs set started_at = started_at - interval '2 hours' where id = ${first}`),
    );
    expect(await claimManualRun(db(), other, 'Europe/Berlin', new Date('2026-04-05T10:06:00Z'))).toBe(first);
    await withSystem(db(), (tx) =>
      tx.execute(sql`update job_runs set status = 'FAILED', finished_at = now() where id = ${first}`),
    );
  });

  it('a started scheduler ticks at once and stops cleanly', async () => {
    const scheduler = startCustomerChargesScheduler(db(), {
      intervalMs: 3_600_000,
      now: () => new Date('2026-04-03T06:00:00Z'),
    });
    const result = await scheduler.tickNow();
    await scheduler.stop();
    expect(result).toBeDefined();
    const dates = (await runsOf(RA)).filter((r) => r.jobName === SYNC_JOB).map((r) => r.scheduledLocalDate);
    expect(dates).toContain('2026-04-03');
  });
});
