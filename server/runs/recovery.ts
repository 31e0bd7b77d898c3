import { sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { log } from "../lib/log";
import { retryOnConflict } from "../lib/serialization";
import { afterRun } from "./followups";
import { type StartRow, startedRunFromRow } from "./store";

/**
 * Runs held by a worker that died are marked lost (or cancelled, if a stop was already asked
 * for), then retried by their job's policy — seconds after the death is noticed, not the
 * 4 hours graphile-worker alone would wait for the lock to expire.
 */
export async function recoverRunsOf(db: Db, deadWorkerIds: string[]): Promise<number[]> {
  if (!deadWorkerIds.length) return [];
  const rows = await retryOnConflict("recover runs of dead workers", () =>
    db.execute<StartRow & { status: "lost" | "cancelled"; worker_id: string }>(sql`
    with locked as materialized (
      -- Runs only, in id order (the global lock order, locks.ts).
      select id from runs
      where worker_id = any(${sql.param(deadWorkerIds)}::text[]) and status = 'running'
      order by id for no key update
    ), lost as (
      update runs set
        status = case when cancel_requested_at is not null then 'cancelled'::run_status else 'lost'::run_status end,
        finished_at = now(),
        error = 'worker ' || worker_id || ' stopped heartbeating'
      where id in (select id from locked) and status = 'running'
      returning id, status, attempt, trigger, scheduled_at, worker_id, job_id
    )
    select l.id, l.status, l.attempt, l.trigger, (extract(epoch from l.scheduled_at) * 1000)::float8 as scheduled_ms,
           l.worker_id, j.id as job_id, j.name, j.mode, j.params, j.policy, j.timeout_seconds, j.retries,
           j.retry_backoff_seconds, j.on_success_start, j.on_failure_start, j.notify_emails, j.owner_id
    from lost l join jobs j on j.id = l.job_id`),
  );
  if (rows.length)
    log("runs").warn(
      { runs: rows.map((r) => r.id), workers: deadWorkerIds },
      "runs of dead workers marked lost",
    );
  for (const r of rows) {
    await afterRun(db, startedRunFromRow(r), {
      status: r.status,
      error: `worker ${r.worker_id} stopped heartbeating`,
    });
  }
  return rows.map((r) => Number(r.id));
}
