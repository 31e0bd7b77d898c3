import { sql } from "drizzle-orm";
import {
  boolean,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  smallint,
  text,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import {
  JOB_MODES,
  JOB_POLICIES,
  JOB_STATES,
  LOG_STREAMS,
  type Locale,
  MISFIRE_POLICIES,
  RUN_STATUSES,
  RUN_TRIGGERS,
} from "../../lib/enums";
import { users } from "./auth";
import { createdAt, id, instant, ref, updatedAt } from "./columns";

export const jobModeEnum = pgEnum("job_mode", JOB_MODES);
export const jobStateEnum = pgEnum("job_state", JOB_STATES);
export const jobPolicyEnum = pgEnum("job_policy", JOB_POLICIES);
export const misfirePolicyEnum = pgEnum("misfire_policy", MISFIRE_POLICIES);
export const runTriggerEnum = pgEnum("run_trigger", RUN_TRIGGERS);
export const runStatusEnum = pgEnum("run_status", RUN_STATUSES);
export const logStreamEnum = pgEnum("log_stream", LOG_STREAMS);

/**
 * A scheduled job. The database is the schedule: `next_fire_at` is the next instant this job
 * fires; every worker's scheduler claims due rows with FOR UPDATE SKIP LOCKED.
 */
export const jobs = pgTable(
  "jobs",
  {
    id: id(),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    cron: text("cron").notNull(),
    timezone: text("timezone").notNull(),
    mode: jobModeEnum("mode").notNull(),
    /** The mode's parameters, structured (validated by the mode's zod schema). */
    params: jsonb("params").notNull(),
    state: jobStateEnum("state").notNull().default("waiting"),
    policy: jobPolicyEnum("policy").notNull().default("parallel"),
    /** TimerJobs allow_mode 2: run once as soon as the job is saved. */
    runOnSave: boolean("run_on_save").notNull().default(false),
    maxRunCount: integer("max_run_count").notNull().default(0),
    runCount: integer("run_count").notNull().default(0),
    timeoutSeconds: integer("timeout_seconds"),
    retries: smallint("retries").notNull().default(0),
    retryBackoffSeconds: integer("retry_backoff_seconds").notNull().default(10),
    misfirePolicy: misfirePolicyEnum("misfire_policy").notNull().default("run_once"),
    catchUpLimit: integer("catch_up_limit").notNull().default(10),
    onSuccessStart: ref("on_success_start").array().notNull().default(sql`'{}'::bigint[]`),
    onFailureStart: ref("on_failure_start").array().notNull().default(sql`'{}'::bigint[]`),
    notifyEmails: text("notify_emails").array().notNull().default([]),
    /** While the job keeps failing, remind every this many seconds (0 = never; server/notify). */
    alertRemindSeconds: integer("alert_remind_seconds").notNull().default(14400),
    /** Language of its mails to addresses that are not Kairos users; null = KAIROS_LANGUAGE. */
    mailLanguage: text("mail_language").$type<Locale>(),
    ownerId: ref("owner_id").references(() => users.id, { onDelete: "set null" }),
    tags: text("tags").array().notNull().default([]),
    nextFireAt: instant("next_fire_at"),
    /** The last slot the scheduler handled; the next slot is computed from it, not from now. */
    lastFireAt: instant("last_fire_at"),
    lastRunId: ref("last_run_id"),
    lastRunStatus: runStatusEnum("last_run_status"),
    lastRunAt: instant("last_run_at"),
    retentionDays: integer("retention_days"),
    retentionCount: integer("retention_count"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("jobs_name_uq").on(t.name),
    index("jobs_due_idx").on(t.nextFireAt).where(sql`${t.state} = 'waiting'`),
    index("jobs_tags_idx").using("gin", t.tags),
  ],
);

/** One execution of a job: history, kept after graphile-worker has forgotten its queue row. */
export const runs = pgTable(
  "runs",
  {
    id: id(),
    jobId: ref("job_id")
      .notNull()
      .references(() => jobs.id, { onDelete: "cascade" }),
    trigger: runTriggerEnum("trigger").notNull(),
    /** The instant this run was meant for: the cron slot, or the request time. */
    scheduledAt: instant("scheduled_at").notNull(),
    enqueuedAt: instant("enqueued_at").notNull().defaultNow(),
    startedAt: instant("started_at"),
    finishedAt: instant("finished_at"),
    status: runStatusEnum("status").notNull().default("queued"),
    attempt: smallint("attempt").notNull().default(1),
    parentRunId: ref("parent_run_id"),
    workerId: text("worker_id"),
    exitCode: integer("exit_code"),
    httpStatus: smallint("http_status"),
    error: text("error"),
    result: jsonb("result"),
    outputBytes: integer("output_bytes").notNull().default(0),
    outputTruncated: boolean("output_truncated").notNull().default(false),
    cancelRequestedAt: instant("cancel_requested_at"),
    requestedBy: ref("requested_by").references(() => users.id, { onDelete: "set null" }),
    /**
     * Where a command run's process group lives (host name, group id), recorded when it starts.
     * When its worker dies, recovery sets `orphanedAt`; a worker on the same host then makes sure
     * the group is gone before any retry and sets `processEndedAt` (server/runs/orphans.ts).
     */
    host: text("host"),
    pgid: integer("pgid"),
    orphanedAt: instant("orphaned_at"),
    processEndedAt: instant("process_ended_at"),
  },
  (t) => [
    index("runs_job_idx").on(t.jobId, t.id),
    index("runs_active_idx").on(t.jobId).where(sql`${t.status} in ('queued', 'running')`),
    index("runs_status_idx").on(t.status, t.id),
    index("runs_worker_active_idx").on(t.workerId).where(sql`${t.status} = 'running'`),
    // A cron slot produces one run, however many schedulers look at it.
    uniqueIndex("runs_slot_uq")
      .on(t.jobId, t.scheduledAt)
      .where(sql`${t.trigger} in ('schedule', 'catch_up')`),
  ],
);

/** A run's output, in ordered chunks written while it runs (live tail), capped per run. */
export const runLogs = pgTable(
  "run_logs",
  {
    runId: ref("run_id")
      .notNull()
      .references(() => runs.id, { onDelete: "cascade" }),
    seq: integer("seq").notNull(),
    stream: logStreamEnum("stream").notNull(),
    at: instant("at").notNull().defaultNow(),
    data: text("data").notNull(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.seq] })],
);

export type JobRow = typeof jobs.$inferSelect;
export type RunRow = typeof runs.$inferSelect;
