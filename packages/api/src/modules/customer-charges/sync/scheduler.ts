/**
 * The schedule of the Customer Charges sync: 07:00 in each Standard reseller's own time zone,
 * exactly once per local day, with any number of API instances ticking at once. The state lives
 * in PostgreSQL only: a run is claimed by inserting its (job, reseller, local date) row into
 * `job_runs`, whose unique key lets exactly one instance win (`on conflict do nothing
 * returning`); the sync itself holds a per-reseller advisory lock. A timer only says when to
 * look; a tick missed (an instance down at 07:00) is made up by the next tick of any instance.
 */
import { type Database, jobRuns, queryRows } from '@cascade/db';
import { sql } from 'drizzle-orm';
import type { Logger } from '../../../platform/logging';
import {
  noSyncMarkSql,
  rowsLostSql,
  runSync,
  SYNC_JOB,
  SYNC_JOB_INITIAL,
  SYNC_JOB_MANUAL,
  SYNC_JOB_RECOVERY,
  SYNC_JOBS,
  type SyncTarget,
} from './index';
import { DAILY_SYNC_MINUTES, dueLocalDate, isValidTimeZone, localDate, nextLocalTime } from './local-time';

/** A failed daily run is tried again this many times in all, at least this long after it failed. */
export const MAX_ATTEMPTS = 3;
const RETRY_AFTER_MS = 5 * 60_000;
/** A RUNNING row this old belongs to an instance that died mid-run: it may be taken over. */
const STALE_AFTER_MS = 60 * 60_000;

export interface ResellerSchedule extends SyncTarget {
  name: string;
  timeZone: string;
  /** The last daily run (the scheduled job, not manual ones). */
  lastDaily: RunRow | null;
  /** The last run of any kind. */
  lastRun: RunRow | null;
  /** The last recovery run (SYNC_JOB_RECOVERY). */
  lastRecovery: RunRow | null;
  /** A crash may have emptied its rows: a successful run but no mark of it (rowsLostSql). */
  rowsLost: boolean;
}

export interface RunRow {
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

/** A zone Intl does not know is read as UTC (and said so by the schedule). */
export const zoneOf = (timeZone: string) => (isValidTimeZone(timeZone) ? timeZone : 'UTC');

const runColumns = (alias: string) =>
  sql.raw(`json_build_object('id', ${alias}.id, 'jobName', ${alias}.job_name,
    'scheduledLocalDate', ${alias}.scheduled_local_date::text, 'status', ${alias}.status,
    'attempts', ${alias}.attempts, 'startedAt', ${alias}.started_at, 'finishedAt', ${alias}.finished_at,
    'rows', ${alias}.rows, 'error', ${alias}.error)`);

/** Every Standard reseller (of one distributor, or all) with its last runs. */
export async function resellerSchedules(db: Database, distributorId?: string): Promise<ResellerSchedule[]> {
  const rows = await queryRows<{
    distributor_id: string;
    id: string;
    name: string;
    time_zone: string;
    last_daily: RunRow | null;
    last_run: RunRow | null;
    last_recovery: RunRow | null;
    rows_lost: boolean;
  }>(
    db,
    sql`select o.distributor_id, o.id, o.name, o.time_zone,
      (select ${runColumns('j')} from job_runs j where j.distributor_id = o.distributor_id and j.org_id = o.id
         and j.job_name = ${SYNC_JOB} order by j.scheduled_local_date desc limit 1) as last_daily,
      (select ${runColumns('j')} from job_runs j where j.distributor_id = o.distributor_id and j.org_id = o.id
         and j.job_name in ${[...SYNC_JOBS]} order by j.started_at desc limit 1) as last_run,
      (select ${runColumns('j')} from job_runs j where j.distributor_id = o.distributor_id and j.org_id = o.id
         and j.job_name = ${SYNC_JOB_RECOVERY} order by j.started_at desc limit 1) as last_recovery,
      ${rowsLostSql(sql`o`)} as rows_lost
    from organizations o
    where o.kind = 'RESELLER' and o.reseller_tier = 'STANDARD'
      ${distributorId === undefined ? sql`` : sql`and o.distributor_id = ${distributorId}`}
    order by o.distributor_id, o.name, o.id`,
  );
  const parse = (v: unknown) => (typeof v === 'string' ? (JSON.parse(v) as RunRow) : (v as RunRow | null));
  return rows.map((r) => ({
    distributorId: r.distributor_id,
    resellerId: r.id,
    name: r.name,
    timeZone: r.time_zone,
    lastDaily: parse(r.last_daily),
    lastRun: parse(r.last_run),
    lastRecovery: parse(r.last_recovery),
    rowsLost: r.rows_lost,
  }));
}

/** When the next run happens: now when one is due (the next tick), else the next 07:00 local. */
export function nextRunAt(s: ResellerSchedule, now: Date): Date {
  if (planFor(s, now)?.kind === 'claim') return now;
  return nextLocalTime(now, zoneOf(s.timeZone), DAILY_SYNC_MINUTES);
}

/** Claims (job, reseller, local date): the run's id when this caller won it, null when another did. */
export async function claimRun(
  db: Database,
  target: SyncTarget,
  jobName: string,
  scheduledLocalDate: string,
): Promise<string | null> {
  const id = crypto.randomUUID();
  const won = await db
    .insert(jobRuns)
    .values({
      distributorId: target.distributorId,
      resellerId: target.resellerId,
      orgId: target.resellerId,
      id,
      jobName,
      scheduledLocalDate,
    })
    .onConflictDoNothing()
    .returning({ id: jobRuns.id });
  return won[0]?.id ?? null;
}

/**
 * Takes a claimed run over for another attempt: a FAILED one (fewer than MAX_ATTEMPTS, failed a
 * while ago), a RUNNING one gone stale, or a SUCCEEDED recovery while the rows are still lost (no
 * mark: lost again the same day). The update's own condition makes it one winner only.
 */
export async function reclaimRun(db: Database, run: RunRow, target: SyncTarget, now: Date): Promise<boolean> {
  const retryBefore = new Date(now.getTime() - RETRY_AFTER_MS).toISOString();
  const staleBefore = new Date(now.getTime() - STALE_AFTER_MS).toISOString();
  const rows = await queryRows<{ id: string }>(
    db,
    sql`update job_runs set status = 'RUNNING', attempts = attempts + 1, started_at = clock_timestamp(),
          finished_at = null, error = null, rows = null
        where distributor_id = ${target.distributorId} and id = ${run.id}
          and ((status = 'FAILED' and attempts < ${MAX_ATTEMPTS} and finished_at < ${retryBefore}::timestamptz)
            or (status = 'RUNNING' and started_at < ${staleBefore}::timestamptz)
            or (status = 'SUCCEEDED' and job_name = ${SYNC_JOB_RECOVERY}
              and ${noSyncMarkSql(sql`job_runs.distributor_id`, sql`job_runs.org_id`)}))
        returning id`,
  );
  return rows.length > 0;
}

/** What to do for one reseller at `now`: a run to claim (or take over), or nothing. */
export function planFor(
  s: ResellerSchedule,
  now: Date,
): { kind: 'claim'; jobName: string; localDate: string } | { kind: 'retry'; run: RunRow } | null {
  const zone = zoneOf(s.timeZone);
  const today = localDate(now, zone);
  if (s.lastRun === null) return { kind: 'claim', jobName: SYNC_JOB_INITIAL, localDate: today };
  const due = dueLocalDate(now, zone, s.lastDaily?.scheduledLocalDate ?? null);
  if (due !== null) return { kind: 'claim', jobName: SYNC_JOB, localDate: due };
  // Lost rows are read again at once, not at the next 07:00: the grid is empty meanwhile. One
  // recovery a local day (the claim's key), retried as a daily run is. Another run under way
  // does not hold it back: runs take the reseller's lock in turn, and each reads from the mark
  // the one before it left.
  if (s.rowsLost) {
    const recovery = s.lastRecovery;
    if (recovery?.scheduledLocalDate !== today)
      return { kind: 'claim', jobName: SYNC_JOB_RECOVERY, localDate: today };
    // Lost again after today's recovery (another crash): that recovery is run again.
    if (recovery.status === 'SUCCEEDED' || mayTakeOver(recovery, now))
      return { kind: 'retry', run: recovery };
  }
  const last = s.lastDaily;
  if (last && last.scheduledLocalDate === today && mayTakeOver(last, now))
    return { kind: 'retry', run: last };
  return null;
}

/** A run of today to try again: failed a while ago with attempts left, or RUNNING gone stale. */
function mayTakeOver(run: RunRow, now: Date): boolean {
  const failedLongAgo =
    run.status === 'FAILED' &&
    run.attempts < MAX_ATTEMPTS &&
    run.finishedAt !== null &&
    now.getTime() - Date.parse(run.finishedAt) > RETRY_AFTER_MS;
  const stale = run.status === 'RUNNING' && now.getTime() - Date.parse(run.startedAt) > STALE_AFTER_MS;
  return failedLongAgo || stale;
}

export interface TickResult {
  ran: { resellerId: string; jobRunId: string; rows: number | null; error?: string }[];
}

/**
 * One look at the schedule: every due reseller, in random order (so that instances ticking
 * together spread the work), is claimed one by one and synced by whoever claimed it.
 */
export async function tick(db: Database, now: Date = new Date(), logger?: Logger): Promise<TickResult> {
  const schedules = await resellerSchedules(db);
  const plans = schedules
    .map((s) => ({ s, plan: planFor(s, now) }))
    .filter((p) => p.plan !== null)
    .sort(() => Math.random() - 0.5);
  const ran: TickResult['ran'] = [];
  for (const { s, plan } of plans) {
    if (!plan) continue;
    let runId: string | null = null;
    if (plan.kind === 'claim') runId = await claimRun(db, s, plan.jobName, plan.localDate);
    else if (await reclaimRun(db, plan.run, s, now)) runId = plan.run.id;
    if (!runId) continue;
    try {
      const result = await runSync(db, s, runId);
      ran.push({ resellerId: s.resellerId, jobRunId: runId, rows: result.rows });
      logger?.info('customer charges synced', {
        resellerId: s.resellerId,
        jobRunId: runId,
        rows: result.rows,
      });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      ran.push({ resellerId: s.resellerId, jobRunId: runId, rows: null, error: message });
      logger?.error('customer charges sync failed', {
        resellerId: s.resellerId,
        jobRunId: runId,
        error: message,
      });
    }
  }
  return { ran };
}

/**
 * A manual run for one reseller (a distributor admin's "run now"): one row per reseller and
 * local day, taken over by each later manual run that day once the previous one finished (or
 * went stale: its instance died). Returns null when a manual run for it is still running.
 */
export async function claimManualRun(db: Database, target: SyncTarget, timeZone: string, now = new Date()) {
  const date = localDate(now, zoneOf(timeZone));
  const rows = await queryRows<{ id: string }>(
    db,
    sql`insert into job_runs (distributor_id, reseller_id, org_id, id, job_name, scheduled_local_date)
        values (${target.distributorId}, ${target.resellerId}, ${target.resellerId}, ${crypto.randomUUID()},
          ${SYNC_JOB_MANUAL}, ${date})
        on conflict (distributor_id, job_name, org_id, scheduled_local_date) do update
          set status = 'RUNNING', attempts = job_runs.attempts + 1, started_at = clock_timestamp(),
            finished_at = null, rows = null, error = null
          where job_runs.status <> 'RUNNING'
            or job_runs.started_at < clock_timestamp() - ${`${STALE_AFTER_MS} milliseconds`}::interval
        returning id`,
  );
  return rows[0]?.id ?? null;
}

export interface Scheduler {
  /** Runs one tick now (and waits for it); ticks never overlap within one instance. */
  tickNow(): Promise<TickResult | undefined>;
  stop(): Promise<void>;
}

/** Ticks every `intervalMs` (default a minute), the first one at once. */
export function startCustomerChargesScheduler(
  db: Database,
  opts: { intervalMs?: number; logger?: Logger; now?: () => Date } = {},
): Scheduler {
  let running: Promise<TickResult | undefined> | undefined;
  let stopped = false;
  const once = () => {
    if (stopped) return Promise.resolve(undefined);
    running ??= tick(db, opts.now?.() ?? new Date(), opts.logger)
      .catch((err: unknown) => {
        opts.logger?.error('customer charges schedule tick failed', {
          error: err instanceof Error ? err.message : String(err),
        });
        return undefined;
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  const timer = setInterval(() => void once(), opts.intervalMs ?? 60_000);
  (timer as { unref?: () => void }).unref?.();
  void once();
  return {
    tickNow: once,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
