/**
 * TimerJobs field names and numbers ↔ Kairos jobs. The same domain functions serve both; this
 * file only translates:
 *   state       0 waiting · 1 running (a run is active) · 2 stopped
 *   allow_mode  0 parallel · 1 serial · 2 immediate (parallel, and run once when saved)
 *   cron_expr ↔ cron, desc ↔ description, command ↔ the 【key】value text of the mode's params.
 */
import { z } from "zod";
import { zodText } from "../../i18n/errors";
import { LOCALES } from "../../i18n/locale";
import { applyJobPatch, type JobPatch, jobInputOf } from "../../jobs/input";
import type { JobView } from "../../jobs/jobs";
import type { JobInput } from "../../jobs/schema";
import { jobForRole } from "../../jobs/secret-fields";
import { JOB_MODES, JOB_POLICIES, type Role } from "../../lib/enums";

/**
 * A field's messages. A schema-level error function answers for the field's checks too (zod 4),
 * so the size checks get their own words here: an over-long name is "too long", not "must be text".
 */
const required =
  (what: string) =>
  (iss: { code?: string; input: unknown; origin?: string; maximum?: unknown; minimum?: unknown }) => {
    if (iss.code === "too_big") {
      return iss.origin === "string"
        ? `too long: at most ${iss.maximum} characters`
        : `must be at most ${iss.maximum}`;
    }
    if (iss.code === "too_small") {
      return iss.origin === "string"
        ? `too short: at least ${iss.minimum} characters`
        : `must be at least ${iss.minimum}`;
    }
    if (iss.code && iss.code !== "invalid_type") return undefined;
    return iss.input === undefined || iss.input === null ? "required" : `must be ${what}`;
  };

const TEXT_MODES = ["http", "command", "func"] as const;
const ZMode = z
  .enum([...TEXT_MODES, "function"], {
    error: (iss) => (iss.input === undefined ? "required" : "must be one of http, command, func"),
  })
  .transform((m) => (m === "function" ? "func" : m))
  .meta({ description: "http | command | func (function is accepted as func)" });

const list = z
  .union([z.array(z.string()), z.string()])
  .transform((v) => (Array.isArray(v) ? v : v.split(",")).map((s) => s.trim()).filter(Boolean));

/** Fields a TimerJobs client may send when adding or editing a job (+ Kairos extras). */
const compatFields = {
  name: z
    .string({ error: required("text") })
    .trim()
    .min(1, "required")
    .max(100, "at most 100 characters")
    .meta({ description: "任务名称 / job name (unique)", example: "数据同步" }),
  desc: z
    .string({ error: required("text") })
    .max(2000)
    .meta({ description: "任务描述 / description" }),
  cron_expr: z
    .string({ error: required("text") })
    .trim()
    .min(1, "required")
    .max(200)
    .meta({
      description:
        "5 fields (min hour dom mon dow), 6 (seconds first), @daily-style descriptors or @every <duration>",
      example: "0 */5 * * * *",
    }),
  mode: ZMode,
  command: z
    .string({ error: required("text") })
    .min(1, "required")
    .max(100_000)
    .meta({
      description: "the mode's 【key】value lines",
      example: "【url】https://api.example.com/health\n【mode】GET",
    }),
  state: z
    .number({ error: required("0, 1 or 2") })
    .int()
    .min(0, zodText("zeroOneTwo"))
    .max(2, zodText("zeroOneTwo"))
    .meta({ description: "0 waiting · 1 running · 2 stopped (on input 0 and 1 both mean scheduled)" }),
  allow_mode: z
    .number({ error: required("0, 1 or 2") })
    .int()
    .min(0, zodText("zeroOneTwo"))
    .max(2, zodText("zeroOneTwo"))
    .meta({ description: "0 parallel · 1 serial · 2 immediate (parallel, and run once when saved)" }),
  max_run_count: z
    .number({ error: required("a whole number") })
    .int()
    .min(0)
    .max(1_000_000_000)
    .meta({ description: "stop after this many runs; 0 = no limit" }),
  // Kairos extras.
  timezone: z.string().trim().max(100).meta({
    description:
      "IANA zone of the schedule (Kairos; default: the token user's display zone, else the instance's)",
  }),
  policy: z
    .enum(JOB_POLICIES, { error: `must be one of ${JOB_POLICIES.join(", ")}` })
    .meta({ description: "Kairos concurrency policy; overrides allow_mode 0/1 when given" }),
  tags: list.meta({ description: "Kairos tags (array or comma-separated)" }),
  timeout_seconds: z
    .number()
    .int()
    .min(1)
    .max(7 * 86400)
    .nullable()
    .meta({ description: "Kairos: run timeout" }),
  retries: z.number().int().min(0).max(10).meta({ description: "Kairos: retries after a failure" }),
  notify_emails: list.meta({ description: "Kairos: addresses told about failures" }),
  mail_language: z.enum(LOCALES).nullable().meta({
    description:
      "Kairos: language (en | zh-CN) of its mails to addresses that are not Kairos users; default the instance's",
  }),
  params: z
    .record(z.string(), z.unknown())
    .meta({ description: "Kairos: the mode's structured parameters instead of command" }),
};

export const ZCompatJobAdd = z
  .object({
    ...compatFields,
    desc: compatFields.desc.optional(),
    command: compatFields.command.optional(),
    state: compatFields.state.optional(),
    allow_mode: compatFields.allow_mode.optional(),
    max_run_count: compatFields.max_run_count.optional(),
    timezone: compatFields.timezone.optional(),
    policy: compatFields.policy.optional(),
    tags: compatFields.tags.optional(),
    timeout_seconds: compatFields.timeout_seconds.optional(),
    retries: compatFields.retries.optional(),
    notify_emails: compatFields.notify_emails.optional(),
    mail_language: compatFields.mail_language.optional(),
    params: compatFields.params.optional(),
  })
  // Checked even when other fields are wrong, so one answer names every missing field.
  .refine((v) => v?.command !== undefined || v?.params !== undefined, {
    path: ["command"],
    message: zodText("required"),
    when: (p) => typeof p.value === "object" && p.value !== null,
  })
  .meta({ id: "TimerJobsJobInput" });

export const ZCompatId = z
  .number({ error: required("a positive whole number") })
  .int()
  .positive("must be a positive whole number")
  .meta({ description: "任务ID / job id (query parameter or JSON body field)" });

export const ZCompatJobEdit = z
  .object({
    id: ZCompatId,
    ...Object.fromEntries(Object.entries(compatFields).map(([k, s]) => [k, s.optional()])),
  } as { id: typeof ZCompatId } & {
    [K in keyof typeof compatFields]: z.ZodOptional<(typeof compatFields)[K]>;
  })
  .meta({ id: "TimerJobsJobEdit" });

export type CompatJobAdd = z.output<typeof ZCompatJobAdd>;
export type CompatJobEdit = z.output<typeof ZCompatJobEdit>;

function policyFrom(
  v: { allow_mode?: number; policy?: (typeof JOB_POLICIES)[number] },
  fallback: JobInput["policy"],
) {
  if (v.policy) return v.policy;
  if (v.allow_mode === undefined) return fallback;
  return v.allow_mode === 1 ? "serial" : "parallel";
}

/** A TimerJobs add request → the domain's input. */
export function jobInputFromCompat(v: CompatJobAdd): JobInput {
  return {
    name: v.name,
    description: v.desc ?? "",
    cron: v.cron_expr,
    timezone: v.timezone,
    mode: v.mode,
    ...(v.params ? { params: v.params } : { command: v.command }),
    state: v.state === 2 ? "stopped" : "waiting",
    policy: policyFrom(v, "parallel"),
    runOnSave: v.allow_mode === 2,
    maxRunCount: v.max_run_count ?? 0,
    timeoutSeconds: v.timeout_seconds ?? null,
    retries: v.retries ?? 0,
    notifyEmails: v.notify_emails ?? [],
    mailLanguage: v.mail_language ?? null,
    tags: v.tags ?? [],
  };
}

/** A TimerJobs edit: the given fields over the stored job (allow_mode 2 runs it once on this save). */
export function jobInputFromCompatEdit(job: JobView, v: CompatJobEdit): JobInput {
  const stored = jobInputOf(job);
  const patch: JobPatch = {
    name: v.name,
    description: v.desc,
    cron: v.cron_expr,
    timezone: v.timezone,
    mode: v.mode,
    params: v.params,
    command: v.command,
    state: v.state === undefined ? undefined : v.state === 2 ? "stopped" : "waiting",
    policy: policyFrom(v, stored.policy),
    runOnSave: v.allow_mode === undefined ? undefined : v.allow_mode === 2,
    maxRunCount: v.max_run_count,
    timeoutSeconds: v.timeout_seconds,
    retries: v.retries,
    notifyEmails: v.notify_emails,
    mailLanguage: v.mail_language,
    tags: v.tags,
  };
  return applyJobPatch(stored, job.commandText, patch);
}

/** Domain field paths → TimerJobs names, so error messages name what the caller sent. */
const FIELD_NAMES: Record<string, string> = {
  cron: "cron_expr",
  description: "desc",
  maxRunCount: "max_run_count",
  runOnSave: "allow_mode",
  timeoutSeconds: "timeout_seconds",
  notifyEmails: "notify_emails",
  mailLanguage: "mail_language",
  onSuccessStart: "on_success_start",
  onFailureStart: "on_failure_start",
  retryBackoffSeconds: "retry_backoff_seconds",
  misfirePolicy: "misfire_policy",
  catchUpLimit: "catch_up_limit",
};
export function compatFieldName(path: string): string {
  const [head = "", ...rest] = path.split(".");
  if (head === "params") return rest.length ? `command` : "command";
  return FIELD_NAMES[head] ?? head;
}

const STATE_NUMBER = { waiting: 0, running: 1, stopped: 2 } as const;

export const ZCompatJob = z
  .object({
    id: z.number().int(),
    name: z.string(),
    desc: z.string(),
    cron_expr: z.string(),
    mode: z.enum(JOB_MODES),
    command: z.string().meta({ description: "the 【key】value text (empty for modes without one)" }),
    state: z
      .union([z.literal(0), z.literal(1), z.literal(2)])
      .meta({ description: "0 waiting · 1 running · 2 stopped" }),
    allow_mode: z.union([z.literal(0), z.literal(1), z.literal(2)]),
    max_run_count: z.number().int(),
    run_count: z.number().int(),
    created_at: z.string(),
    updated_at: z.string(),
    timezone: z.string(),
    policy: z.enum(JOB_POLICIES),
    tags: z.array(z.string()),
    timeout_seconds: z.number().int().nullable(),
    retries: z.number().int(),
    notify_emails: z.array(z.string()),
    mail_language: z.enum(LOCALES).nullable(),
    next_run_time: z.string().nullable(),
    last_run_at: z.string().nullable(),
    last_run_status: z.string().nullable(),
    active_runs: z.number().int(),
  })
  .meta({ id: "TimerJobsJob" });
export type CompatJob = z.output<typeof ZCompatJob>;

/** A job in TimerJobs' shape, as `role` may see it (secret values masked unless admin). */
export function compatJob(view: JobView, role: Role | null | undefined): CompatJob {
  const job = jobForRole(view, role);
  return {
    id: job.id,
    name: job.name,
    desc: job.description,
    cron_expr: job.cron,
    mode: job.mode,
    command: job.commandText,
    state: STATE_NUMBER[job.displayState],
    allow_mode: job.runOnSave ? 2 : job.policy === "serial" ? 1 : 0,
    max_run_count: job.maxRunCount,
    run_count: job.runCount,
    created_at: job.createdAt.toISOString(),
    updated_at: job.updatedAt.toISOString(),
    timezone: job.timezone,
    policy: job.policy,
    tags: job.tags,
    timeout_seconds: job.timeoutSeconds,
    retries: job.retries,
    notify_emails: job.notifyEmails,
    mail_language: job.mailLanguage,
    next_run_time: job.nextFireAt?.toISOString() ?? null,
    last_run_at: job.lastRunAt?.toISOString() ?? null,
    last_run_status: job.lastRunStatus,
    active_runs: job.activeRuns,
  };
}
