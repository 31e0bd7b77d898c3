// Value lists shared by the schema, zod and client components (no drizzle import here, so
// client bundles can use them).
export const ROLES = ["admin", "operator", "viewer"] as const;
export type Role = (typeof ROLES)[number];

export const OUTBOX_STATUSES = ["queued", "sending", "sent", "failed", "kept"] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

/** How a job executes (seed 002: http / command / func; seed 000: script, mail pickup). */
export const JOB_MODES = ["http", "command", "func", "script", "mail_pickup", "site_pull"] as const;
export type JobMode = (typeof JOB_MODES)[number];

/** waiting = scheduled; stopped = not scheduled. ("running" is shown when a run is active.) */
export const JOB_STATES = ["waiting", "stopped"] as const;
export type JobState = (typeof JOB_STATES)[number];

/** What a fire does while an earlier run of the same job is still active. */
export const JOB_POLICIES = ["parallel", "serial", "skip", "replace"] as const;
export type JobPolicy = (typeof JOB_POLICIES)[number];

/** What happens to fires missed while no worker was running (or the scheduler was paused). */
export const MISFIRE_POLICIES = ["skip", "run_once", "catch_up"] as const;
export type MisfirePolicy = (typeof MISFIRE_POLICIES)[number];

export const RUN_TRIGGERS = ["schedule", "manual", "api", "retry", "catch_up", "chain", "immediate"] as const;
export type RunTrigger = (typeof RUN_TRIGGERS)[number];

export const RUN_STATUSES = [
  "queued",
  "running",
  "succeeded",
  "failed",
  "timed_out",
  "cancelled",
  "skipped",
  "lost",
] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export const ACTIVE_RUN_STATUSES = ["queued", "running"] as const satisfies readonly RunStatus[];

export const LOG_STREAMS = ["stdout", "stderr", "system"] as const;
export type LogStream = (typeof LOG_STREAMS)[number];

export const TOKEN_KINDS = ["personal", "service"] as const;
export type TokenKind = (typeof TOKEN_KINDS)[number];

export const IP_LISTS = ["allow", "deny"] as const;
export type IpList = (typeof IP_LISTS)[number];

/** system_info line types (seed 001) stored as samples; running nodes are kept apart. */
export const SAMPLE_KINDS = ["cpu", "mem", "disk"] as const;
export type SampleKind = (typeof SAMPLE_KINDS)[number];

/** The three daily files of a site (seed 001): system_info, system_alarm, system_service. */
export const SITE_FILE_KINDS = ["info", "alarm", "service"] as const;
export type SiteFileKind = (typeof SITE_FILE_KINDS)[number];

/** A notification subject's state (server/notify): ok, or failing since its first failure. */
export const NOTIFY_STATUSES = ["ok", "failing"] as const;
export type NotifyStatus = (typeof NOTIFY_STATUSES)[number];

/** What can raise alerts: jobs now; sites' alarms plug in with their own kind. */
export const NOTIFY_SUBJECT_KINDS = ["job", "site"] as const;
export type NotifySubjectKind = (typeof NOTIFY_SUBJECT_KINDS)[number];

/** Webhook channels (issue 12): a generic JSON POST and the WeCom, DingTalk and Feishu robots. */
export const WEBHOOK_KINDS = ["json", "wecom", "dingtalk", "feishu"] as const;
export type WebhookKind = (typeof WEBHOOK_KINDS)[number];

/** Threshold rules on a site's collected data (issue 12). */
export const RULE_KINDS = ["cpu_idle_below", "disk_used_above", "counter_zero", "no_data"] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

/**
 * What a threshold rule's alarm says, kept as data (alarms.detail) so pages, mails and webhooks
 * put it in their reader's words: the value that breached, the rule's threshold (minutes for
 * no_data) and, for counter_zero, the counter.
 */
export type AlarmDetail = { kind: RuleKind; value: number; threshold: number; counter?: string | null };

/** A rule's alert per server (or mount, or site): pending until it held long enough, then firing. */
export const RULE_ALERT_STATUSES = ["pending", "firing"] as const;
export type RuleAlertStatus = (typeof RULE_ALERT_STATUSES)[number];

/**
 * Every action the audit log records (server/audit.ts), so the audit page can offer them as a
 * filter. The area is the part before the first dot.
 */
export const AUDIT_ACTIONS = [
  "job.create",
  "job.update",
  "job.delete",
  "job.run",
  "job.stop",
  "job.restart",
  "run.stop",
  "run.kill",
  "script.upload",
  "mail.test",
  "mail.resend",
  "report.share",
  "report.unshare",
  "site.create",
  "site.delete",
  "site.assign",
  "site.token",
  "secret.create",
  "secret.update",
  "secret.delete",
  "token.create",
  "token.revoke",
  "user.create",
  "user.update",
  "user.update+password",
  "ip.allow.add",
  "ip.allow.remove",
  "ip.deny.add",
  "ip.deny.remove",
  "alerts.mute",
  "scheduler.pause",
  "scheduler.resume",
  "scheduler.calibrate",
  "functions.reload",
  "config.reload",
  "api.request_log.on",
  "api.request_log.off",
  "api.request",
  "settings.update",
  "account.update",
  "session.revoke",
  "alarms.ack",
  "alarms.unack",
  "maintenance.create",
  "maintenance.delete",
  "rules.create",
  "rules.update",
  "rules.delete",
  "silences.create",
  "silences.expire",
  "webhooks.create",
  "webhooks.update",
  "webhooks.delete",
  "webhooks.route",
  "site.update",
  "wechat.code",
  "wechat.bind",
  "wechat.unbind",
  "backup.export",
  "backup.import",
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];
export const AUDIT_AREAS = [
  ...new Set(AUDIT_ACTIONS.map((a) => a.split(".")[0] as string)),
] as readonly string[];
/** The languages Kairos speaks (catalogs in server/i18n/messages). */
export const LOCALES = ["en", "zh-CN"] as const;
export type Locale = (typeof LOCALES)[number];
