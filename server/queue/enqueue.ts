import { sql } from "drizzle-orm";
import type { DbOrTx } from "../db/client";
import { TASKS, type TaskName, type TaskPayload } from "./tasks";

export type EnqueueOptions = {
  queueName?: string;
  runAt?: Date;
  maxAttempts?: number;
  jobKey?: string;
  jobKeyMode?: "replace" | "preserve_run_at" | "unsafe_dedupe";
  priority?: number;
};

/**
 * Adds a graphile-worker job through its SQL API, inside the caller's transaction when given
 * one: the job exists exactly when the row that asked for it does. Importing graphile-worker
 * itself is not needed (and the web process never does).
 */
export async function enqueue<T extends TaskName>(
  db: DbOrTx,
  task: T,
  payload: TaskPayload<T>,
  o: EnqueueOptions = {},
) {
  // A payload the worker would refuse is a bug here, not a job to retry there.
  TASKS[task].parse(payload);
  const rows = await db.execute<{ id: string }>(sql`
    select (graphile_worker.add_job(
      identifier := ${task},
      payload := ${JSON.stringify(payload ?? {})}::json,
      queue_name := ${o.queueName ?? null},
      run_at := ${o.runAt?.toISOString() ?? null}::timestamptz,
      max_attempts := ${o.maxAttempts ?? null}::int,
      job_key := ${o.jobKey ?? null},
      priority := ${o.priority ?? null}::int,
      job_key_mode := ${o.jobKeyMode ?? "replace"}
    )).id::text as id`);
  return rows[0]?.id;
}
