import { sql } from "drizzle-orm";
import { type CronSchedule, parseCron } from "../cron/cron";
import type { Db } from "../db/client";
import type { JobPolicy, MisfirePolicy } from "../lib/enums";
import { retryOnConflict } from "../lib/serialization";
import { createRuns, PREDISPATCH_MS, type RunSpec } from "../runs/create";

type DueJob = {
  id: string;
  cron: string;
  timezone: string;
  policy: JobPolicy;
  max_run_count: number;
  run_count: number;
  misfire_policy: MisfirePolicy;
  catch_up_limit: number;
  next_ms: number;
  created_ms: number;
};

export type FireResult = {
  claimed: number;
  created: number;
  /** Claim time − slot of the on-schedule fires claimed at or after their slot (no catch-up fires). */
  latenessMs: number[];
  /** Missed slots fired now under a misfire policy (run once / catch up). */
  catchUp: number;
  /** When the next fire can be claimed (its slot minus the lookahead; skip/replace jobs: its slot). */
  nextDueAt: Date | null;
  /** Runs queued ahead (available-at ms since epoch → how many): the queue is nudged then. */
  ahead: Map<number, number>;
};

/**
 * One scheduler step, in one transaction: claim the due jobs no other scheduler holds
 * (FOR UPDATE SKIP LOCKED), create their runs, and advance each job's next fire instant.
 * The next slot is computed from the slot just fired, not from now, so a late tick never
 * drifts the schedule. A slot found later than `graceMs` is a misfire: the job's misfire
 * policy decides (skip it, run once, or catch up to a bound), then the schedule resumes
 * from now.
 *
 * Fires due within `lookaheadMs` are claimed early and queued to start at their slot, so the
 * claim's own work is off the critical path. Not for "skip" and "replace" jobs: they decide
 * on the runs active at the slot itself.
 */
export async function fireDueJobs(
  db: Db,
  now: Date,
  o: { batchSize: number; graceMs: number; lookaheadMs?: number },
): Promise<FireResult> {
  const horizon = new Date(now.getTime() + (o.lookaheadMs ?? 0));
  // SKIP LOCKED never waits for a job; what the claim then locks (runs of replace jobs) follows
  // the global order (server/runs/locks.ts).
  const result = await retryOnConflict("claim due jobs", () =>
    db.transaction(async (tx) => {
      const due = await tx.execute<DueJob>(sql`
      select id, cron, timezone, policy, max_run_count, run_count, misfire_policy, catch_up_limit,
             (extract(epoch from next_fire_at) * 1000)::float8 as next_ms,
             (extract(epoch from created_at) * 1000)::float8 as created_ms
      from jobs
      where state = 'waiting'
        and next_fire_at <= case when policy in ('skip', 'replace') then ${now.toISOString()}::timestamptz
                                 else ${horizon.toISOString()}::timestamptz end
      order by next_fire_at
      limit ${o.batchSize}
      for no key update skip locked`);
      const specs: RunSpec[] = [];
      const updates: { id: number; next: string | null; last: string; count: number; stop: boolean }[] = [];
      const latenessMs: number[] = [];
      let catchUp = 0;
      const ahead = new Map<number, number>();
      for (const job of due) {
        const id = Number(job.id);
        // parseCron keeps parsed schedules, so this is a lookup, not a parse. `@every` counts
        // from the job's creation.
        const s = parseCron(job.cron, job.timezone, new Date(Number(job.created_ms)));
        const slot = new Date(Number(job.next_ms));
        const late = now.getTime() - slot.getTime();
        let fires: { at: Date; trigger: "schedule" | "catch_up" }[];
        let next: Date | null;
        if (late <= o.graceMs) {
          fires = [{ at: slot, trigger: "schedule" }];
          next = s.next(slot);
        } else {
          fires = missedFires(s, slot, now, job.misfire_policy, job.catch_up_limit);
          catchUp += fires.length;
          next = s.next(now);
        }
        const remaining =
          job.max_run_count > 0 ? Math.max(0, job.max_run_count - job.run_count) : Number.POSITIVE_INFINITY;
        fires = fires.slice(0, remaining);
        const count = job.run_count + fires.length;
        const stop = job.max_run_count > 0 && count >= job.max_run_count;
        for (const f of fires) {
          // Queued to become available a little before the slot: the worker fetches and loads it
          // early, then starts it on its own clock at the slot (see RunEngine.execute).
          const availableAt = f.at.getTime() - PREDISPATCH_MS;
          const early = availableAt > now.getTime();
          specs.push({
            jobId: id,
            policy: job.policy,
            trigger: f.trigger,
            scheduledAt: f.at,
            ...(early ? { runAt: new Date(availableAt) } : {}),
          });
          if (early) ahead.set(availableAt, (ahead.get(availableAt) ?? 0) + 1);
          // Lag is how late the scheduler claims a fire it could have claimed on time. Catch-up
          // fires (after a pause or downtime) are late by design, so they are not counted.
          else if (f.at <= now && f.trigger === "schedule") latenessMs.push(now.getTime() - f.at.getTime());
        }
        updates.push({
          id,
          next: stop || !next ? null : next.toISOString(),
          last: (fires.at(-1)?.at ?? slot).toISOString(),
          count,
          stop,
        });
      }
      // The jobs' advance rides in the runs' statement: the claim is two statements, a select
      // and a write, whatever the batch.
      const advance = updates.length
        ? sql`
        update jobs j set next_fire_at = u.next, last_fire_at = u.last, run_count = u.count,
               state = case when u.stop then 'stopped'::job_state else j.state end
        from jsonb_to_recordset(${JSON.stringify(updates)}::jsonb)
          as u(id bigint, next timestamptz, last timestamptz, count int, stop boolean)
        where j.id = u.id`
        : undefined;
      const created = await createRuns(tx, specs, {
        jobsLocked: true,
        ...(advance ? { alongside: advance } : {}),
      });
      // No fire to create (all skipped as misfires, or past their max): the advance alone.
      if (!specs.length && advance) await tx.execute(advance);
      return { claimed: due.length, created: created.length, latenessMs, catchUp, ahead };
    }),
  );
  // A full batch: the caller looks again at once, so the next due time is not needed.
  if (result.claimed >= o.batchSize) return { ...result, nextDueAt: now };
  // Outside the claim's transaction, which is committed (and its queue NOTIFY sent) sooner.
  // The next moment something becomes claimable: its slot minus the lookahead (skip/replace: its slot).
  const [min] = await db.execute<{ ms: number | null }>(sql`
    select (extract(epoch from min(
      case when policy in ('skip', 'replace') then next_fire_at
           else next_fire_at - make_interval(secs => ${(o.lookaheadMs ?? 0) / 1000}) end)) * 1000)::float8 as ms
    from jobs where state = 'waiting'`);
  return { ...result, nextDueAt: min?.ms == null ? null : new Date(Number(min?.ms)) };
}

/** The fires a misfired job still gets: none, one (for the first missed slot), or up to `limit`. */
function missedFires(s: CronSchedule, first: Date, now: Date, policy: MisfirePolicy, limit: number) {
  if (policy === "skip") return [];
  if (policy === "run_once") return [{ at: first, trigger: "catch_up" as const }];
  const out: { at: Date; trigger: "catch_up" }[] = [];
  // The most recent `limit` missed slots, oldest first. The walk is bounded so a per-second
  // job after a week's downtime costs ~1 s here at most, not minutes.
  let steps = 0;
  for (let at: Date | null = first; at && at <= now && steps < 50_000; at = s.next(at), steps++) {
    out.push({ at, trigger: "catch_up" });
    if (out.length > limit) out.shift();
  }
  return out;
}
