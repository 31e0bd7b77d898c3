import { sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { retryingTransaction } from "../db/retry";
import { publicUrl } from "../lib/app-info";
import type { JobPolicy } from "../lib/enums";
import { log } from "../lib/log";
import { noteFailure, noteSuccess } from "../notify/state";
import { createRuns, type RunSpec } from "./create";
import { runLogTail } from "./log";
import type { RunOutcome, StartedRun } from "./store";

const BAD = new Set(["failed", "timed_out", "lost"]);

/**
 * What follows the end of a run: a retry (with exponential backoff) while attempts remain;
 * otherwise the chained jobs (on success / on final failure). A final failure and a success
 * move the job's alert state (server/notify), which notifies on a change, not per failure.
 */
export async function afterRun(db: Db, run: StartedRun, outcome: Pick<RunOutcome, "status" | "error">) {
  const l = log("runs").child({ runId: run.id, jobId: run.job.id });
  try {
    const bad = BAD.has(outcome.status);
    const retrying = bad && run.attempt <= run.job.retries;
    const specs: RunSpec[] = [];
    if (retrying) {
      const delayS = run.job.retryBackoffSeconds * 2 ** (run.attempt - 1);
      specs.push({
        jobId: run.job.id,
        policy: run.job.policy,
        trigger: "retry",
        scheduledAt: new Date(Date.now() + delayS * 1000),
        runAt: new Date(Date.now() + delayS * 1000),
        attempt: run.attempt + 1,
        parentRunId: run.id,
      });
    }
    const chained =
      outcome.status === "succeeded"
        ? run.job.onSuccessStart
        : bad && !retrying
          ? run.job.onFailureStart
          : [];
    if (chained.length) {
      const targets = await db.execute<{ id: string; policy: JobPolicy }>(
        sql`select id, policy from jobs where id = any(${sql.param(chained)}::bigint[])`,
      );
      for (const t of targets) {
        specs.push({
          jobId: Number(t.id),
          policy: t.policy,
          trigger: "chain",
          scheduledAt: new Date(),
          parentRunId: run.id,
        });
      }
    }
    if (specs.length) await retryingTransaction(db, "queue follow-up runs", (tx) => createRuns(tx, specs));
    const subject = { kind: "job", id: run.job.id } as const;
    if (bad && !retrying) {
      await noteFailure(db, subject, {
        ref: run.id,
        error: outcome.error ?? outcome.status,
        refUrl: `${publicUrl()}/runs/${run.id}`,
        logTail: await runLogTail(db, run.id),
      });
    } else if (outcome.status === "succeeded" && run.job.alerting) {
      // Only a job that was failing when its run began can recover (a failure recorded while
      // this run ran is cleared by the job's next success).
      await noteSuccess(db, subject);
    }
  } catch (err) {
    l.error({ err }, "follow-up of a run failed");
  }
}
