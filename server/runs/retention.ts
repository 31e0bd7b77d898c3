import { sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { log } from "../lib/log";

const BATCH = 5_000;

/**
 * Deletes finished runs (and, by cascade, their logs) older than the retention age, and
 * beyond the newest N per job. Each job may override both; active runs are never touched.
 * Works in batches so a large backlog never holds long locks.
 */
export async function pruneRuns(db: Db, defaults: { days: number; count: number }): Promise<number> {
  let deleted = 0;
  for (;;) {
    const byAge = await db.execute(sql`
      delete from runs where id in (
        select r.id from runs r join jobs j on j.id = r.job_id
        where r.status not in ('queued', 'running')
          and r.finished_at < now() - make_interval(days => coalesce(j.retention_days, ${defaults.days}))
        -- In id order, and never waiting: a job being deleted holds its runs (locks.ts).
        order by r.id limit ${BATCH} for update of r skip locked)`);
    deleted += byAge.count;
    if (byAge.count < BATCH) break;
  }
  for (;;) {
    const byCount = await db.execute(sql`
      delete from runs where id in (
        select id from runs where id in (
          select id from (
            select r.id, r.status, coalesce(j.retention_count, ${defaults.count}) as keep,
                   row_number() over (partition by r.job_id order by r.id desc) as n
            from runs r join jobs j on j.id = r.job_id
          ) x
          where n > keep and status not in ('queued', 'running')
        )
        order by id limit ${BATCH} for update skip locked)`);
    deleted += byCount.count;
    if (byCount.count < BATCH) break;
  }
  if (deleted) log("runs").info({ deleted }, "pruned run history");
  return deleted;
}
