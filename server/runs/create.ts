import { type SQL, sql } from "drizzle-orm";
import type { DbOrTx } from "../db/client";
import type { JobPolicy, RunTrigger } from "../lib/enums";
import { runExecutePayloadSql, type TaskName } from "../queue/tasks";
import { cancelActiveRuns } from "./cancel";
import { lockJobs } from "./locks";

export const RUN_TASK = "run_execute" satisfies TaskName;
/**
 * A queue job that failed before its run started (database unreachable) is tried again; once
 * the run has started, a repeat is a no-op (only a queued run can start).
 */
export const RUN_TASK_ATTEMPTS = 5;
/** How long before its slot a fire is handed to a worker, which then waits for the exact instant. */
export const PREDISPATCH_MS = 250;
export const runJobKey = (runId: number) => `run:${runId}`;
/** Serial jobs share one graphile-worker queue, which runs its jobs one at a time, in order. */
export const serialQueue = (jobId: number) => `job:${jobId}`;

export type RunSpec = {
  jobId: number;
  policy: JobPolicy;
  trigger: RunTrigger;
  scheduledAt: Date;
  attempt?: number;
  parentRunId?: number | null;
  requestedBy?: number | null;
  /** Delay the start (retries with backoff). */
  runAt?: Date;
};

export type CreatedRun = { id: number; jobId: number; status: "queued" | "skipped"; scheduledAt: Date };

const isFire = (t: RunTrigger) => t === "schedule" || t === "catch_up" || t === "chain";

/**
 * Creates runs and queues their execution, applying each job's concurrency policy, in the
 * caller's transaction. Batched: a few statements whatever the number of specs.
 *   parallel — queued at once;  serial — queued on the job's own queue (one at a time);
 *   skip — a scheduled fire while a run is active is recorded as skipped;
 *   replace — active runs are cancelled first.
 * A cron slot yields one run even if two schedulers race for it (unique index, ON CONFLICT).
 */
export async function createRuns(
  db: DbOrTx,
  specs: RunSpec[],
  o: {
    jobsLocked?: boolean;
    /**
     * A data-modifying statement run in the same statement as the insert (the scheduler's
     * advance of its jobs' next fires): one round trip for the whole claim.
     */
    alongside?: SQL;
  } = {},
): Promise<CreatedRun[]> {
  if (!specs.length) return [];
  // The global lock order (locks.ts): the jobs first (the scheduler's claim holds them already),
  // then whatever runs the policies touch.
  if (!o.jobsLocked)
    await lockJobs(
      db,
      specs.map((s) => s.jobId),
    );
  const skipJobs = [
    ...new Set(specs.filter((s) => s.policy === "skip" && isFire(s.trigger)).map((s) => s.jobId)),
  ];
  const active = new Set<number>();
  if (skipJobs.length) {
    const rows = await db.execute<{ job_id: string }>(sql`
      select distinct job_id from runs
      where job_id = any(${sql.param(skipJobs)}::bigint[]) and status in ('queued', 'running')`);
    for (const r of rows) active.add(Number(r.job_id));
  }
  const replaceJobs = [...new Set(specs.filter((s) => s.policy === "replace").map((s) => s.jobId))];
  if (replaceJobs.length)
    await cancelActiveRuns(db, { jobIds: replaceJobs, reason: "replaced by a newer run" });

  const rows = specs.map((s) => {
    const skipped = s.policy === "skip" && isFire(s.trigger) && active.has(s.jobId);
    if (s.policy === "skip") active.add(s.jobId);
    return {
      job_id: s.jobId,
      trigger: s.trigger,
      scheduled_at: s.scheduledAt.toISOString(),
      attempt: s.attempt ?? 1,
      parent_run_id: s.parentRunId ?? null,
      requested_by: s.requestedBy ?? null,
      status: skipped ? "skipped" : "queued",
      queue: s.policy === "serial" ? serialQueue(s.jobId) : null,
      run_at: s.runAt?.toISOString() ?? null,
    };
  });
  // One statement: the runs, their queue jobs and (for the scheduler) the jobs' next fires. Each
  // row's id is drawn first, so a run is matched to its queue and start time by id, and the
  // statement is one round trip whatever the batch (issue 9: 4 statements a claim became 1).
  const inserted = await db.execute<{
    id: string;
    job_id: string;
    status: "queued" | "skipped";
    scheduled_ms: number;
  }>(sql`
    with ${o.alongside ? sql`alongside as (${o.alongside}),` : sql``}
    x as materialized (
      select nextval(pg_get_serial_sequence('runs', 'id')) as id, x.*
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(
        job_id bigint, trigger run_trigger, scheduled_at timestamptz, attempt smallint, parent_run_id bigint,
        requested_by bigint, status run_status, queue text, run_at timestamptz)
    ),
    ins as (
      insert into runs (id, job_id, trigger, scheduled_at, attempt, parent_run_id, requested_by, status, finished_at, error)
      overriding system value
      select id, job_id, trigger, scheduled_at, attempt, parent_run_id, requested_by, status,
             case when status = 'skipped' then now() end,
             case when status = 'skipped' then 'skipped: an earlier run of this job is still active' end
      from x
      on conflict (job_id, scheduled_at) where trigger in ('schedule', 'catch_up') do nothing
      returning id, job_id, status, scheduled_at
    ),
    specs as (
      select array(
        select row(${RUN_TASK}, ${runExecutePayloadSql(sql`ins.id`)}, x.queue, coalesce(x.run_at, now()),
                   ${RUN_TASK_ATTEMPTS}, 'run:' || ins.id, null, null)::graphile_worker.job_spec
        from ins join x on x.id = ins.id
        where ins.status = 'queued'
      ) as a
    ),
    queued as (
      select count(*) as n from specs, lateral graphile_worker.add_jobs(specs.a) where cardinality(specs.a) > 0
    )
    select ins.id, ins.job_id, ins.status, (extract(epoch from ins.scheduled_at) * 1000)::float8 as scheduled_ms,
           (select n from queued) as queued
    from ins`);
  return inserted.map((r) => ({
    id: Number(r.id),
    jobId: Number(r.job_id),
    status: r.status,
    scheduledAt: new Date(Number(r.scheduled_ms)),
  }));
}
