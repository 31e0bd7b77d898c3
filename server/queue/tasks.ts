import { type SQL, sql } from "drizzle-orm";
import { z } from "zod";
import { NOTIFY_SUBJECT_KINDS } from "../lib/enums";

/**
 * Every graphile-worker task Kairos queues: its name and payload schema, shared by the code
 * that enqueues (typed payloads, here or in SQL) and the worker that runs it (validated before
 * its handler). New areas add their tasks here.
 */
export const TASKS = {
  /** Deliver one outbox mail (retried by graphile-worker with backoff). */
  mail_deliver: z.object({ id: z.number().int().positive() }),
  /** Execute one run (the run row is the history; this job is only transport). */
  run_execute: z.object({ runId: z.number().int().positive() }),
  /** Remind about a subject that keeps failing (server/notify), and schedule the next reminder. */
  notify_remind: z.object({ kind: z.enum(NOTIFY_SUBJECT_KINDS), id: z.number().int().positive() }),
  /** POST one notice to a webhook channel (server/alerts/webhooks.ts), retried with backoff. */
  webhook_deliver: z.object({
    webhookId: z.number().int().positive(),
    message: z.object({
      kind: z.enum(["failing", "reminder", "recovered"]),
      subject: z.object({ kind: z.string(), id: z.number().int(), name: z.string(), url: z.string() }),
      title: z.string(),
      lines: z.array(z.string()),
      at: z.string(),
      since: z.string(),
    }),
  }),
  /** A site's alarms after the group wait: open, extend or end its incident (server/sites/alarm-notify.ts). */
  site_alarms_notify: z.object({ siteId: z.number().int().positive() }),
  /** Evaluate every threshold rule on the sites' data (graphile-worker crontab, each minute). */
  alerts_evaluate: z.object({}).passthrough(),
  /** Delete run history beyond the retention settings. */
  runs_prune: z.object({}).passthrough(),
  /** Delete Kairos' own log lines and audit rows beyond their retention settings (server/ops). */
  ops_prune: z.object({}).passthrough(),
} as const satisfies Record<string, z.ZodType>;

export type TaskName = keyof typeof TASKS;
export type TaskPayload<T extends TaskName> = z.input<(typeof TASKS)[T]>;

/**
 * The run_execute payload built in SQL from a run id expression, for batches queued with
 * graphile_worker.add_jobs (the same shape as TASKS.run_execute).
 */
export function runExecutePayloadSql(runId: SQL): SQL {
  return sql`json_build_object('runId', ${runId})`;
}
