import { sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { log } from "../lib/log";
import { retryOnConflict } from "../lib/serialization";
import { afterRun } from "./followups";
import { endOrphanedCommand, thisHost } from "./orphans";
import { ALERTING, type StartRow, startedRunFromRow } from "./store";

/**
 * Runs held by a worker that died are marked lost (or cancelled, if a stop was already asked
 * for), then retried by their job's policy — seconds after the death is noticed, not the
 * 4 hours graphile-worker alone would wait for the lock to expire. A command the dead worker
 * left running is ended first when it is on this host; on another host, the run says it may
 * still be running there (orphans.ts).
 */
export async function recoverRunsOf(db: Db, deadWorkerIds: string[]): Promise<number[]> {
  if (!deadWorkerIds.length) return [];
  const rows = await retryOnConflict("recover runs of dead workers", () =>
    db.execute<
      StartRow & { status: "lost" | "cancelled"; worker_id: string; host: string | null; pgid: number | null }
    >(sql`
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
      returning id, status, attempt, trigger, scheduled_at, worker_id, job_id, host, pgid
    )
    select l.id, l.status, l.attempt, l.trigger, (extract(epoch from l.scheduled_at) * 1000)::float8 as scheduled_ms,
           l.worker_id, l.host, l.pgid, j.id as job_id, j.name, j.mode, j.params, j.policy, j.timeout_seconds, j.retries,
           j.retry_backoff_seconds, j.on_success_start, j.on_failure_start, j.notify_emails, j.owner_id, ${ALERTING}
    from lost l join jobs j on j.id = l.job_id`),
  );
  if (rows.length)
    log("runs").warn(
      { runs: rows.map((r) => r.id), workers: deadWorkerIds },
      "runs of dead workers marked lost",
    );
  for (const r of rows) {
    let error = `worker ${r.worker_id} stopped heartbeating`;
    if (r.pgid !== null && r.host !== null) {
      error += await settleOrphan(db, Number(r.id), r.host, r.pgid);
    }
    await afterRun(db, startedRunFromRow(r), { status: r.status, error });
  }
  return rows.map((r) => Number(r.id));
}

/**
 * The command of a lost run: ended here (before any retry is queued) when it is on this host,
 * else noted as possibly still running on its host. Returns what the run's error gains.
 */
async function settleOrphan(db: Db, runId: number, host: string, pgid: number): Promise<string> {
  let note: string;
  const here = host === thisHost();
  if (here) {
    const found = await endOrphanedCommand(pgid, runId);
    const ended = found.length > 0;
    note = ended
      ? `; its command (process group ${pgid} on ${host}) was still running and was ended before any retry`
      : `; its command (process group ${pgid} on ${host}) had already ended`;
    log("runs").warn(
      { runId, pgid, host, processes: found },
      ended ? "ended a dead worker's command" : "no command left",
    );
  } else {
    note = `; its command (process group ${pgid}) may still be running on ${host}`;
    log("runs").warn({ runId, pgid, host }, "a dead worker's command may still run on another host");
  }
  await db.execute(sql`
    update runs set error = error || ${note}, orphaned_at = now(),
           process_ended_at = case when ${here} then now() end
    where id = ${runId}`);
  await db.execute(sql`
    insert into run_logs (run_id, seq, stream, data)
    select ${runId}, coalesce(max(seq), 0) + 1, 'system', ${`\n[${note.slice(2)}]\n`}
    from run_logs where run_id = ${runId}`);
  return note;
}
