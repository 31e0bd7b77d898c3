import { sql } from "drizzle-orm";
import { parseCron } from "../cron/cron";
import type { DbOrTx } from "../db/client";
import type { Locale } from "../i18n/locale";
import { isSchedulerPaused } from "../jobs/jobs";
import { outboxCounts } from "../mail/outbox";
import { currentTransport } from "../mail/transport";
import { runErrorText } from "../runs/error-text";
import { runCounts } from "../runs/runs";
import { listWorkers } from "../workers/heartbeat";

export type QueueCounts = { queued: number; running: number; scheduled: number; failed: number };

/** graphile-worker's queue as an operator sees it: waiting now, running, later, given up. */
export async function queueCounts(db: DbOrTx): Promise<QueueCounts> {
  const rows = await db.execute<QueueCounts>(sql`
    select
      count(*) filter (where locked_at is null and run_at <= now() and attempts < max_attempts)::int as queued,
      count(*) filter (where locked_at is not null)::int as running,
      count(*) filter (where locked_at is null and run_at > now() and attempts < max_attempts)::int as scheduled,
      count(*) filter (where attempts >= max_attempts and locked_at is null)::int as failed
    from graphile_worker.jobs`);
  return rows[0] ?? { queued: 0, running: 0, scheduled: 0, failed: 0 };
}

export async function dashboardSummary(db: DbOrTx, locale: Locale) {
  const now = new Date();
  const [workers, queue, outbox, runs, paused, jobs, next, failures] = await Promise.all([
    listWorkers(db),
    queueCounts(db),
    outboxCounts(db),
    runCounts(db),
    isSchedulerPaused(db),
    jobStateCounts(db),
    nextFires(db, now),
    recentFailures(db, locale),
  ]);
  // Scheduler lag as the live workers report it (their worst p99 over recent fires).
  const lags = workers
    .filter((w) => w.isLive)
    .map((w) => (w.stats as { scheduler?: { lagP99?: number | null } } | null)?.scheduler?.lagP99)
    .filter((v): v is number => typeof v === "number");
  return {
    jobs,
    next,
    failures,
    workers,
    queue,
    outbox,
    runs,
    scheduler: { paused, lagP99Ms: lags.length ? Math.max(...lags) : null },
    mailTransport: currentTransport().name,
    at: now,
  };
}

export type JobStateCounts = { waiting: number; running: number; stopped: number; total: number };

/** Jobs as the list shows them: stopped, running (a run active), or waiting for their next fire. */
export async function jobStateCounts(db: DbOrTx): Promise<JobStateCounts> {
  const [row] = await db.execute<JobStateCounts>(sql`
    select
      count(*) filter (where j.state = 'stopped')::int as stopped,
      count(*) filter (where j.state <> 'stopped' and a.job_id is not null)::int as running,
      count(*) filter (where j.state <> 'stopped' and a.job_id is null)::int as waiting,
      count(*)::int as total
    from jobs j
    left join (select distinct job_id from runs where status in ('queued', 'running')) a on a.job_id = j.id`);
  return row ?? { waiting: 0, running: 0, stopped: 0, total: 0 };
}

const HOUR_MS = 3_600_000;
/** Fires counted per job in the coming hour: past this the card says "60+". */
const FIRES_COUNT_CAP = 60;

export type NextFire = {
  id: number;
  name: string;
  cron: string;
  timezone: string;
  nextFireAt: Date;
  /** How many times it fires within the hour (capped at FIRES_COUNT_CAP). */
  firesInHour: number;
};

/** What runs in the next hour: the waiting jobs due within it, soonest first. */
export async function nextFires(db: DbOrTx, now: Date, limit = 8) {
  const until = new Date(now.getTime() + HOUR_MS);
  const rows = await db.execute<{
    id: string;
    name: string;
    cron: string;
    timezone: string;
    next_fire_at: string;
    created_at: string;
    total: number;
  }>(sql`
    select id, name, cron, timezone, next_fire_at, created_at, count(*) over ()::int as total
    from jobs
    where state = 'waiting' and next_fire_at is not null and next_fire_at <= ${until.toISOString()}::timestamptz
    order by next_fire_at, id
    limit ${limit}`);
  const items: NextFire[] = rows.map((r) => {
    const next = new Date(r.next_fire_at);
    let n = 0;
    try {
      const s = parseCron(r.cron, r.timezone, new Date(r.created_at));
      for (let at: Date | null = next; at && at <= until && n < FIRES_COUNT_CAP; at = s.next(at)) n++;
    } catch {
      n = 1;
    }
    return {
      id: Number(r.id),
      name: r.name,
      cron: r.cron,
      timezone: r.timezone,
      nextFireAt: next,
      firesInHour: n,
    };
  });
  return { items, total: rows[0]?.total ?? 0, capped: FIRES_COUNT_CAP };
}

/** The latest failed, timed-out or lost runs, with their job and error (in the reader's language). */
export async function recentFailures(db: DbOrTx, locale: Locale, limit = 6) {
  const rows = await db.execute<{
    id: string;
    job_id: string;
    job_name: string;
    status: "failed" | "timed_out" | "lost";
    error: string | null;
    at: string;
  }>(sql`
    select r.id, r.job_id, j.name as job_name, r.status, r.error,
           coalesce(r.finished_at, r.scheduled_at) as at
    from runs r join jobs j on j.id = r.job_id
    where r.status in ('failed', 'timed_out', 'lost')
    order by coalesce(r.finished_at, r.scheduled_at) desc, r.id desc
    limit ${limit}`);
  return rows.map((r) => ({
    id: Number(r.id),
    jobId: Number(r.job_id),
    jobName: r.job_name,
    status: r.status,
    error: runErrorText(r.error, locale),
    at: new Date(r.at),
  }));
}

export const CHART_RANGES = ["24h", "7d"] as const;
export type ChartRange = (typeof CHART_RANGES)[number];
/** The chart's series: failed includes timed out and lost; other is cancelled and skipped. */
export type ChartBucket = { at: Date; succeeded: number; failed: number; other: number };

/**
 * Finished runs by status over the last 24 h (hourly) or 7 days (daily, days in the reader's
 * zone), aggregated here so the page gets at most 24 points whatever the run count. Empty
 * buckets are present (zeros), so the axis is even.
 */
export async function runsChart(db: DbOrTx, range: ChartRange, zone: string, now: Date) {
  const unit = range === "24h" ? "hour" : "day";
  const span = range === "24h" ? "23 hours" : "6 days";
  const rows = await db.execute<{ at: string; succeeded: number; failed: number; other: number }>(sql`
    with buckets as (
      select generate_series(
        date_trunc(${unit}, ${now.toISOString()}::timestamptz - ${span}::interval, ${zone}),
        date_trunc(${unit}, ${now.toISOString()}::timestamptz, ${zone}),
        ${`1 ${unit}`}::interval) as at
    ), agg as (
      select date_trunc(${unit}, finished_at, ${zone}) as at,
        count(*) filter (where status = 'succeeded')::int as succeeded,
        count(*) filter (where status in ('failed', 'timed_out', 'lost'))::int as failed,
        count(*) filter (where status in ('cancelled', 'skipped'))::int as other
      from runs
      where finished_at >= date_trunc(${unit}, ${now.toISOString()}::timestamptz - ${span}::interval, ${zone})
      group by 1
    )
    select b.at, coalesce(a.succeeded, 0)::int as succeeded, coalesce(a.failed, 0)::int as failed,
           coalesce(a.other, 0)::int as other
    from buckets b left join agg a on a.at = b.at
    order by b.at`);
  const buckets: ChartBucket[] = rows.map((r) => ({
    at: new Date(r.at),
    succeeded: r.succeeded,
    failed: r.failed,
    other: r.other,
  }));
  return { range, zone, buckets };
}
