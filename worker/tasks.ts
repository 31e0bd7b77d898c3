import type { TaskList } from "graphile-worker";
import { EVALUATE_TASK, evaluateRules } from "../server/alerts/rules";
import { deliverWebhook, WEBHOOK_TASK } from "../server/alerts/webhooks";
import { getDb } from "../server/db/client";
import { env } from "../server/lib/env";
import { deliverMail, MAIL_TASK } from "../server/mail/outbox";
import { REMIND_TASK, sendReminder } from "../server/notify/state";
import { pruneOps } from "../server/ops/retention";
import type { TaskName } from "../server/queue/tasks";
import { pruneReportFolders } from "../server/reports/archive";
import { RUN_TASK } from "../server/runs/create";
import type { RunEngine } from "../server/runs/engine";
import { pruneRuns } from "../server/runs/retention";
import { reconcileSite, SITE_NOTIFY_TASK } from "../server/sites/alarm-notify";
import { pruneSites } from "../server/sites/retention";
import { defineTask } from "./task";

export const PRUNE_TASK = "runs_prune" satisfies TaskName;
/** Housekeeping on graphile-worker's own crontab (minute precision is plenty; it runs once across all workers). */
export const OPS_PRUNE_TASK = "ops_prune" satisfies TaskName;
export const HOUSEKEEPING_CRONTAB = [
  `*/10 * * * * ${PRUNE_TASK} ?max=1`,
  // Threshold rules (issue 12): their "for N minutes" is counted in these evaluations.
  `* * * * * ${EVALUATE_TASK} ?max=1`,
  `17 * * * * ${OPS_PRUNE_TASK} ?max=1`,
].join("\n");

/** Every task a Kairos worker runs. Tasks are thin: they validate and call server/. */
export function buildTaskList(engine: RunEngine): TaskList {
  return Object.fromEntries([
    defineTask(MAIL_TASK, async ({ id }, helpers) => {
      await deliverMail(getDb(), id, { n: helpers.job.attempts, max: helpers.job.max_attempts });
    }),
    defineTask(RUN_TASK, async ({ runId }) => {
      await engine.execute(runId);
    }),
    defineTask(REMIND_TASK, async (subject) => {
      await sendReminder(getDb(), subject);
    }),
    defineTask(WEBHOOK_TASK, async ({ webhookId, message }) => {
      await deliverWebhook(getDb(), webhookId, message);
    }),
    defineTask(SITE_NOTIFY_TASK, async ({ siteId }) => {
      await reconcileSite(getDb(), siteId);
    }),
    defineTask(EVALUATE_TASK, async () => {
      await evaluateRules(getDb());
    }),
    defineTask(PRUNE_TASK, async () => {
      const e = env();
      await pruneRuns(getDb(), { days: e.RUN_RETENTION_DAYS, count: e.RUN_RETENTION_COUNT });
      // Report files are rows of their runs; their bytes on disk follow.
      await pruneReportFolders(getDb());
      await pruneSites(getDb(), {
        sampleDays: e.SITE_SAMPLE_RETENTION_DAYS,
        hourlyDays: e.SITE_HOURLY_RETENTION_DAYS,
        alarmDays: e.SITE_ALARM_RETENTION_DAYS,
      });
    }),
    defineTask(OPS_PRUNE_TASK, async () => {
      await pruneOps(getDb());
    }),
  ]);
}
