import { sql } from "drizzle-orm";
import type { DbOrTx } from "../db/client";
import { lockJobs, lockJobsOfRuns, lockRuns } from "./locks";

export const CANCEL_CHANNEL = "kairos_cancel";

/**
 * Stops runs. A queued run is cancelled on the spot (and its queue job removed); a running
 * one is asked to stop: the worker holding it hears the NOTIFY, aborts it (killing a
 * command's whole process group) and records it as cancelled.
 */
export async function cancelActiveRuns(
  db: DbOrTx,
  target: { jobIds?: number[]; runIds?: number[]; reason: string },
): Promise<{ cancelled: number[]; signalled: number[] }> {
  const jobIds = target.jobIds ?? [];
  const runIds = target.runIds ?? [];
  if (!jobIds.length && !runIds.length) return { cancelled: [], signalled: [] };
  // The global lock order (locks.ts): the jobs, then their active runs, each by ascending id.
  await lockJobs(db, jobIds);
  await lockJobsOfRuns(db, runIds);
  const active = await lockRuns(
    db,
    sql`status in ('queued', 'running')
        and (job_id = any(${sql.param(jobIds)}::bigint[]) or id = any(${sql.param(runIds)}::bigint[]))`,
  );
  if (!active.length) return { cancelled: [], signalled: [] };
  const match = sql`id = any(${sql.param(active.map((r) => r.id))}::bigint[])`;
  // The statement's clock, not the transaction's: a run created by a transaction that began
  // after this one (and committed before this statement) would otherwise end before it began.
  const cancelled = await db.execute<{ id: string }>(sql`
    update runs set status = 'cancelled', finished_at = greatest(clock_timestamp(), enqueued_at),
      cancel_requested_at = clock_timestamp(), error = ${target.reason}
    where status = 'queued' and ${match}
    returning id`);
  if (cancelled.length) {
    await db.execute(sql`
      select graphile_worker.remove_job('run:' || id) from unnest(${sql.param(cancelled.map((r) => Number(r.id)))}::bigint[]) as id`);
  }
  const signalled = await db.execute<{ id: string }>(sql`
    update runs set cancel_requested_at = coalesce(cancel_requested_at, now()), error = coalesce(error, ${target.reason})
    where status = 'running' and ${match}
    returning id`);
  // Delivered when the caller's transaction commits; chunked under NOTIFY's 8000-byte payload
  // limit. Cancelled queued runs are announced too: a worker may hold one, waiting for its slot.
  const ids = [...cancelled, ...signalled].map((r) => r.id);
  for (let i = 0; i < ids.length; i += 400) {
    await db.execute(sql`select pg_notify(${CANCEL_CHANNEL}, ${ids.slice(i, i + 400).join(",")})`);
  }
  return { cancelled: cancelled.map((r) => Number(r.id)), signalled: signalled.map((r) => Number(r.id)) };
}
