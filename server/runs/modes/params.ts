import { z } from "zod";
import { zodText } from "../../i18n/errors";

/**
 * Each mode's parameters, structured. The seed's 【key】value text (server/jobs/command-text.ts)
 * is parsed into these and printed back from them, so a job reads the same both ways.
 */
export const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"] as const;

export const ZHttpParams = z.object({
  url: z.url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" }),
  method: z
    .string()
    .trim()
    .transform((m) => m.toUpperCase())
    .pipe(z.enum(HTTP_METHODS, { error: `must be one of ${HTTP_METHODS.join(", ")}` }))
    .default("GET"),
  /** Header lines in order, as `Name: value` pairs (the seed separates them with |||). */
  headers: z
    .array(
      z.tuple([
        z
          .string()
          .min(1, "header name required")
          // RFC 9110 token: anything else (a space, a colon, CR/LF) is refused at save time.
          .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, zodText("headerName")),
        // A CR or LF would end the header and start another (header injection).
        z.string().regex(/^[^\r\n\0]*$/, "a header value cannot contain line breaks"),
      ]),
    )
    .default([]),
  data: z.string().optional(),
  cookies: z
    .string()
    .regex(/^[^\r\n\0]*$/, zodText("cookieLineBreak"))
    .optional(),
  proxy: z
    .string()
    .regex(/^(https?|socks[45]?h?):\/\//, "must be an http://, https://, socks4:// or socks5:// URL")
    .optional(),
  /** Requests per run (the seed's 【times】); 0 means 1. */
  times: z.number().int().min(0).max(1000).default(1),
  /** A run succeeds only if the response body contains this text (the seed's 【result】). */
  result: z.string().optional(),
});
export type HttpParams = z.infer<typeof ZHttpParams>;

export const SHELL_MODES = ["auto", "always", "never"] as const;

export const ZCommandParams = z.object({
  command: z.string().trim().min(1, "the command is required"),
  workdir: z.string().optional(),
  env: z
    .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "not a valid variable name"), z.string())
    .default({}),
  /** Seconds; the seed's default is 30. */
  timeout: z
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 3600)
    .optional(),
  /** auto: a shell only when the command uses shell syntax ($VAR, |, >, &&, ;, globs…). */
  shell: z.enum(SHELL_MODES).default("auto"),
});
export type CommandParams = z.infer<typeof ZCommandParams>;

export const ZFuncParams = z.object({
  name: z.string().trim().min(1, "the function name is required").max(200),
  args: z.array(z.string()).default([]),
});
export type FuncParams = z.infer<typeof ZFuncParams>;

export const COMMAND_DEFAULT_TIMEOUT_SECONDS = 30;

const ZEmails = z.array(z.email("not a valid email address")).max(100).default([]);

/**
 * What a script job mails after a successful run (issue 11). The body and subject are Jinja2
 * templates (server/reports): they are checked to parse when the job is saved (server/jobs/
 * schema.ts, which keeps the template engine out of the browser's bundle). No `to`: no mail.
 */
export const ZScriptMail = z.object({
  to: ZEmails,
  cc: ZEmails,
  bcc: ZEmails,
  /** Empty: "{job} — {date}" in the job owner's language. */
  subject: z.string().max(998).default(""),
  body: z.string().max(200_000).default(""),
  attach: z
    .discriminatedUnion("mode", [
      z.object({ mode: z.literal("all") }),
      z.object({ mode: z.literal("none") }),
      z.object({ mode: z.literal("pattern"), pattern: z.string().trim().min(1, "required").max(500) }),
    ])
    .default({ mode: "all" }),
  /** Attach one zip instead when the files weigh more than this many bytes (null: never). */
  zipAboveBytes: z
    .number()
    .int()
    .min(0)
    .nullable()
    .default(20 * 1024 * 1024),
  /** Send nothing when the report has tables and every one is empty. */
  skipWhenEmpty: z.boolean().default(false),
});
export type ScriptMail = z.infer<typeof ZScriptMail>;

export const ZScriptParams = z.object({
  /** The script version this job runs (script_versions.id). */
  scriptId: z.number({ error: "choose a script" }).int().positive("choose a script"),
  /** More arguments after the output folder (which is always the first). */
  args: z.array(z.string().max(4000)).max(50).default([]),
  env: z
    .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "not a valid variable name"), z.string())
    .default({}),
  /** Seconds; default SCRIPT_DEFAULT_TIMEOUT_SECONDS. */
  timeout: z
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 3600)
    .optional(),
  mail: ZScriptMail.default(ZScriptMail.parse({})),
});
export type ScriptParams = z.infer<typeof ZScriptParams>;

/**
 * A mail-pickup job (issue 11, seed 000's 邮件任务): at its time it looks in KAIROS_PICKUP_DIR
 * for files whose names start with `prefix` (a template: `sales_{{ date }}`,
 * `{{ date.strftime('%Y%m%d') }}_`) and mails the new ones with `mail`. None found: it looks
 * again, `retryTimes` looks in all, `retryIntervalSeconds` apart (defaults from the env).
 */
export const ZMailPickupParams = z.object({
  prefix: z
    .string()
    .trim()
    .min(1, "the file name prefix is required")
    .max(200)
    .refine((v) => !/[/\\\0]/.test(v), "a prefix is a file name start: no / or \\")
    .refine((v) => v !== "." && v !== "..", "not a valid file name prefix"),
  /** Looks in all (the first included); unset: KAIROS_PICKUP_RETRY_TIMES. */
  retryTimes: z.number().int().min(1).max(100).optional(),
  /** Seconds between looks; unset: KAIROS_PICKUP_RETRY_INTERVAL. */
  retryIntervalSeconds: z.number().int().min(1).max(86_400).optional(),
  /** Mail files this job already mailed again (by default a file is mailed once per job). */
  resend: z.boolean().default(false),
  /** After mailing: move the file out of the pickup folder into the run's report, or leave it. */
  afterSend: z.enum(["archive", "leave"]).default("archive"),
  mail: ZScriptMail.refine((m) => m.to.length > 0, {
    path: ["to"],
    message: zodText("pickupNeedsRecipient"),
  }),
});
export type MailPickupParams = z.infer<typeof ZMailPickupParams>;

/** A site's collector (issue 12): pulls the site's daily files from its base URL. */
export const ZSitePullParams = z.object({
  siteId: z
    .number({ error: zodText("chooseSite") })
    .int()
    .positive(zodText("chooseSite")),
});
export type SitePullParams = z.infer<typeof ZSitePullParams>;

/** Report scripts query databases and build spreadsheets: an hour unless the job says. */
export const SCRIPT_DEFAULT_TIMEOUT_SECONDS = 3600;
