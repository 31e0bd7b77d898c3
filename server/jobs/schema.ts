import { z } from "zod";
import { cronRefusal, isValidTimeZone } from "../cron/cron";
import { carryIssue, issueParamsOf } from "../i18n/errors";
import { LOCALES } from "../i18n/locale";
import { displayTimeZone } from "../i18n/zone";
import { JOB_MODES, JOB_POLICIES, JOB_STATES, type JobMode, MISFIRE_POLICIES } from "../lib/enums";
import { DomainError } from "../lib/errors";
import { zPageSize } from "../lib/paging";
import { withoutDefaults } from "../lib/validation";
import { ZReportBody, ZReportSubject } from "../reports/schema";
import {
  ZCommandParams,
  ZFuncParams,
  ZHttpParams,
  ZMailPickupParams,
  ZScriptParams,
  ZSitePullParams,
} from "../runs/modes/params";
import { isTextMode, parseCommandText } from "./command-text";

/** Modes whose issue has not landed yet: refused with a clear word instead of half-working. */
export const MODES_NOT_YET: readonly JobMode[] = [];

const PARAM_SCHEMAS = {
  http: ZHttpParams,
  command: ZCommandParams,
  func: ZFuncParams,
  script: ZScriptParams,
  mail_pickup: ZMailPickupParams,
  site_pull: ZSitePullParams,
} as const;

/**
 * A script or mail-pickup job's mail templates (and a pickup's prefix, a template too) must
 * parse: refused at save, naming the line (issue 11).
 */
function checkReportTemplates(
  params: { mail: { body: string; subject: string }; prefix?: string },
  ctx: z.RefinementCtx,
): boolean {
  let ok = true;
  const checks: [string[], z.ZodType, string][] = [
    [["mail", "body"], ZReportBody, params.mail.body],
    [["mail", "subject"], ZReportSubject, params.mail.subject],
  ];
  if (params.prefix !== undefined) checks.push([["prefix"], ZReportSubject, params.prefix]);
  for (const [field, schema, value] of checks) {
    const r = schema.safeParse(value);
    if (r.success) continue;
    ok = false;
    for (const issue of r.error.issues) {
      ctx.addIssue({ code: "custom", path: ["params", ...field], ...carryIssue(issue) });
    }
  }
  return ok;
}

const ZJobFields = z.object({
  name: z.string().trim().min(1, "required").max(100, "at most 100 characters"),
  description: z.string().trim().max(2000).default(""),
  cron: z.string().trim().min(1, "required").max(200),
  timezone: z.string().trim().optional(),
  mode: z.enum(JOB_MODES, { error: `must be one of ${JOB_MODES.join(", ")}` }),
  /** Either structured params… */
  params: z.record(z.string(), z.unknown()).optional(),
  /** …or the seed's 【key】value text. */
  command: z.string().max(100_000).optional(),
  state: z.enum(JOB_STATES).default("waiting"),
  policy: z.enum(JOB_POLICIES).default("parallel"),
  runOnSave: z.boolean().default(false),
  maxRunCount: z.number().int().min(0).max(1_000_000_000).default(0),
  timeoutSeconds: z
    .number()
    .int()
    .min(1)
    .max(7 * 86400)
    .nullable()
    .default(null),
  retries: z.number().int().min(0).max(10).default(0),
  retryBackoffSeconds: z.number().int().min(1).max(86400).default(10),
  misfirePolicy: z.enum(MISFIRE_POLICIES).default("run_once"),
  catchUpLimit: z.number().int().min(1).max(1000).default(10),
  onSuccessStart: z.array(z.number().int().positive()).max(20).default([]),
  onFailureStart: z.array(z.number().int().positive()).max(20).default([]),
  notifyEmails: z.array(z.email("not a valid email address")).max(20).default([]),
  /** Reminders while the job keeps failing; 0 = only the first failure and the recovery. */
  alertRemindSeconds: z
    .number()
    .int()
    .min(0)
    .max(30 * 86400)
    .default(4 * 3600),
  /**
   * The language of its failure and report mails to addresses that are not Kairos users (users
   * read their own); null = the instance's default (KAIROS_LANGUAGE).
   */
  mailLanguage: z.enum(LOCALES).nullable().default(null).meta({
    description:
      "language of mails to addresses that are not Kairos users: en | zh-CN; null = the instance default",
  }),
  tags: z
    .array(z.string().trim().min(1).max(40))
    .max(20)
    .default([])
    .transform((t) => [...new Set(t)]),
  retentionDays: z.number().int().min(1).max(3650).nullable().default(null),
  retentionCount: z.number().int().min(1).max(1_000_000).nullable().default(null),
});

type JobFields = z.output<typeof ZJobFields>;

/**
 * The cross-field checks, each on its own so a save hears about every bad field at once: the
 * zone, the cron in that zone, the mode, and the mode's parameters (from `params` or parsed
 * from `command`). Also run on a submission whose plain fields already failed (`when` below);
 * then `v` is the raw input, so each check looks at the shape of what it reads first.
 * Returns the structured params when they are valid.
 */
function crossCheck(v: JobFields, ctx: z.RefinementCtx): { timezone: string; params: unknown } | null {
  let ok = true;
  // `params` carries the catalog key and values, so the reader gets the message in their language.
  const fail = (path: string[], message: string, params?: Record<string, unknown>) => {
    ok = false;
    ctx.addIssue({ code: "custom", path, message, ...(params ? { params } : {}) });
  };
  const timezone = (typeof v.timezone === "string" && v.timezone.trim()) || displayTimeZone();
  const zoneOk = isValidTimeZone(timezone);
  if (!zoneOk)
    fail(["timezone"], `unknown time zone "${timezone}"`, { key: "errors.unknownZone", zone: timezone });
  if (typeof v.cron === "string" && v.cron.trim()) {
    const cronError = cronRefusal(v.cron.trim(), zoneOk ? timezone : "UTC");
    if (cronError) fail(["cron"], cronError.message, issueParamsOf(cronError.msg));
  }
  if (!(JOB_MODES as readonly unknown[]).includes(v.mode)) return null;
  if (MODES_NOT_YET.includes(v.mode)) {
    fail(["mode"], `${v.mode} jobs are not available yet`, { key: "errors.modeNotYet", mode: v.mode });
    return null;
  }
  let params: unknown;
  if (v.params && typeof v.params === "object") {
    const r = PARAM_SCHEMAS[v.mode].safeParse(v.params);
    if (!r.success) {
      for (const issue of r.error.issues) {
        ok = false;
        ctx.addIssue({ code: "custom", path: ["params", ...issue.path.map(String)], ...carryIssue(issue) });
      }
      return null;
    }
    params = r.data;
    if (
      (v.mode === "script" || v.mode === "mail_pickup") &&
      !checkReportTemplates(r.data as z.infer<typeof ZMailPickupParams>, ctx)
    ) {
      return null;
    }
  } else if (typeof v.command === "string" && isTextMode(v.mode)) {
    try {
      params = parseCommandText(v.mode, v.command);
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      fail(["command"], e.message, issueParamsOf(e.msg));
      return null;
    }
  } else {
    fail(
      isTextMode(v.mode) ? ["command"] : ["params"],
      isTextMode(v.mode)
        ? "give the mode's parameters or its 【key】value text"
        : `${v.mode} jobs take structured params`,
      isTextMode(v.mode) ? { key: "errors.needParamsOrText" } : { key: "errors.needParams", mode: v.mode },
    );
    return null;
  }
  return ok ? { timezone, params } : null;
}

/**
 * A job as submitted (UI form, REST, CLI): the plain fields, then the cross-field checks
 * (crossCheck). The output always carries structured `params`.
 */
export const ZJobInput = ZJobFields.superRefine(
  (v, ctx) => {
    crossCheck(v, ctx);
  },
  // Only when the plain fields failed: the transform below checks a clean submission.
  { when: (payload) => payload.issues.length > 0 && !!payload.value && typeof payload.value === "object" },
).transform((v, ctx) => {
  const checked = crossCheck(v, ctx);
  if (!checked) return z.NEVER;
  const { command: _text, ...rest } = v;
  return { ...rest, timezone: checked.timezone, params: checked.params as Record<string, unknown> };
});
export type JobInput = z.input<typeof ZJobInput>;

/**
 * A partial edit (PATCH): any of the fields, without defaults (a field left out keeps its stored
 * value); the merged job is checked as a whole by ZJobInput.
 */
export const ZJobPatch = withoutDefaults(ZJobFields).partial().meta({
  description: "only the fields given change; the others keep their stored values",
});
export type ValidJob = z.output<typeof ZJobInput>;

export const ZJobId = z.object({ id: z.number().int().positive() });

export const ZListJobsInput = z.object({
  page: z.number().int().min(1).default(1),
  size: zPageSize().default(25),
  q: z.string().trim().max(200).optional(),
  state: z.enum(["waiting", "running", "stopped"]).optional(),
  mode: z.enum(JOB_MODES).optional(),
  tag: z.string().trim().max(40).optional(),
});
export type ListJobsInput = z.input<typeof ZListJobsInput>;

export const ZCronPreviewInput = z.object({
  cron: z.string().max(200),
  timezone: z.string().max(100).optional(),
  count: z.number().int().min(1).max(20).default(5),
  /** The job being edited: its `@every` schedule counts from its creation, not from now. */
  jobId: z.number().int().positive().optional(),
});
