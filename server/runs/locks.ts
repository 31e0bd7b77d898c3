// One global lock order for every transaction that touches `jobs` and `runs`:
//
//   1. job rows, ascending id;   2. run rows, ascending id.
//
// Two transactions that both follow it may wait for each other, but never in a cycle, so
// Postgres never has to abort one with a deadlock (40P01). Before this, Stop (job, then its
// queued runs in scan order) and a worker recording run ends (runs, then jobs) could each
// hold what the other wanted. Row locks are taken FOR NO KEY UPDATE, the mode an UPDATE of
// non-key columns takes anyway, so inserting runs (a foreign-key share lock on the job) is not
// blocked; only deleting a job takes FOR UPDATE, and it locks the job first too.
import { type SQL, sql } from "drizzle-orm";
import type { DbOrTx } from "../db/client";

/** Locks these job rows in id order; returns the ids that exist. */
export async function lockJobs(db: DbOrTx, jobIds: Iterable<number>): Promise<number[]> {
  const ids = [...new Set(jobIds)].sort((a, b) => a - b);
  if (!ids.length) return [];
  const rows = await db.execute<{ id: string }>(
    sql`select id from jobs where id = any(${sql.param(ids)}::bigint[]) order by id for no key update`,
  );
  return rows.map((r) => Number(r.id));
}

/** Locks the run rows `where` selects, in id order; returns their ids and jobs. */
export async function lockRuns(db: DbOrTx, where: SQL): Promise<{ id: number; jobId: number }[]> {
  const rows = await db.execute<{ id: string; job_id: string }>(
    sql`select id, job_id from runs where ${where} order by id for no key update`,
  );
  return rows.map((r) => ({ id: Number(r.id), jobId: Number(r.job_id) }));
}

/** Locks the jobs of these runs, in id order: a transaction that starts from run ids. */
export async function lockJobsOfRuns(db: DbOrTx, runIds: number[]): Promise<number[]> {
  if (!runIds.length) return [];
  const rows = await db.execute<{ id: string }>(sql`
    select id from jobs where id in (select job_id from runs where id = any(${sql.param(runIds)}::bigint[]))
    order by id for no key update`);
  return rows.map((r) => Number(r.id));
}
