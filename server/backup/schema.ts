/**
 * The backup file (issue 13, Backup and restore): everything people made, keyed by natural keys
 * (a job's name, a site's code, a user's name…) so importing it twice changes nothing the second
 * time. `schemaVersion` says which shape a file has; an older file is brought up to the current
 * shape by the steps in UPGRADES before it is checked.
 */
import { z } from "zod";
import { ZLocale, ZTimeZone } from "../auth/schema";
import { IP_LISTS, NOTIFY_SUBJECT_KINDS, ROLES, RULE_KINDS, TOKEN_KINDS, WEBHOOK_KINDS } from "../lib/enums";

/** The shape written today. Version 1 is the jobs-only file of the first `kairos export`. */
export const BACKUP_SCHEMA_VERSION = 2;
export const BACKUP_FORMAT = "kairos-backup";

/** Installation settings a backup carries: people's switches, never generated secrets or caches. */
export const BACKUP_SETTINGS = ["scheduler_paused", "api_request_log"] as const;

const name = z.string().trim().min(1, "required").max(200);
const instant = z.iso.datetime({ offset: true }).nullable().default(null);

export const ZBackupUser = z.object({
  username: name,
  email: z.email("not a valid email address").nullable().default(null),
  name: z.string().max(200).default(""),
  role: z.enum(ROLES),
  locale: ZLocale.nullable().default(null),
  timeZone: ZTimeZone.nullable().default(null),
  isActive: z.boolean().default(true),
  /** Only in a file exported with passwords. */
  passwordHash: z.string().min(1).optional(),
});

export const ZBackupScriptVersion = z.object({
  version: z.number().int().positive(),
  text: z.string(),
  interpreter: z.enum(["python", "sh", "node"]),
  uploadedBy: z.string().nullable().default(null),
  createdAt: instant,
});
export const ZBackupScript = z.object({
  name,
  versions: z.array(ZBackupScriptVersion).min(1, "a script has at least one version"),
});

/**
 * A job: the fields of a job input (checked by the jobs' own schema on import), chains by name,
 * its owner by username, and the script version / site it points at by name instead of by id.
 */
export const ZBackupJob = z.looseObject({
  name,
  mode: z.string(),
  params: z.record(z.string(), z.unknown()).default({}),
  onSuccessStart: z.array(z.string()).default([]),
  onFailureStart: z.array(z.string()).default([]),
  owner: z.string().nullable().default(null),
  script: z.object({ name, version: z.number().int().positive() }).nullable().default(null),
  site: z.string().nullable().default(null),
});

export const ZBackupSite = z.object({
  code: name,
  name: z.string().min(1, "required"),
  baseUrl: z.string().nullable().default(null),
  timezone: z.string().min(1, "required"),
  /** The site's pull job, by name. */
  pullJob: z.string().nullable().default(null),
  /** Who manages it, by username. */
  users: z.array(z.string()).default([]),
});

export const ZBackupSecret = z.object({
  name,
  description: z.string().default(""),
  /** Only in a file exported with secret values. */
  value: z.string().min(1).optional(),
});

export const ZBackupIpRule = z.object({
  list: z.enum(IP_LISTS),
  cidr: z.string().min(1, "required"),
  note: z.string().default(""),
  source: z.string().default("api"),
});

/** A token's description only: the token itself exists once, in its owner's hands. */
export const ZBackupToken = z.object({
  name,
  kind: z.enum(TOKEN_KINDS),
  role: z.enum(ROLES),
  user: z.string().nullable().default(null),
  tokenPrefix: z.string(),
  expiresAt: instant,
  revokedAt: instant,
  createdAt: instant,
});

/** A mute on a job's or site's alerts (the notification state itself is not a thing people made). */
export const ZBackupMute = z.object({
  subject: z.enum(NOTIFY_SUBJECT_KINDS),
  /** The job's name or the site's code. */
  key: name,
  mutedUntil: instant,
  mutedUntilRecovered: z.boolean().default(false),
});

/** A webhook channel and the jobs / sites it notifies; its signing secret only when asked. */
export const ZBackupWebhook = z.object({
  name,
  kind: z.enum(WEBHOOK_KINDS),
  url: z.url("not a valid URL"),
  locale: z.string().default("zh-CN"),
  secret: z.string().min(1).optional(),
  routes: z.array(z.object({ subject: z.enum(NOTIFY_SUBJECT_KINDS), key: name })).default([]),
});

/** A site's threshold rule, by site code and rule name. */
export const ZBackupAlertRule = z.object({
  site: name,
  name,
  kind: z.enum(RULE_KINDS),
  threshold: z.number().default(0),
  counter: z.string().nullable().default(null),
  forMinutes: z.number().int().min(0).default(0),
  isEnabled: z.boolean().default(true),
});

export const ZBackup = z.object({
  format: z.literal(BACKUP_FORMAT),
  schemaVersion: z.literal(BACKUP_SCHEMA_VERSION),
  exportedAt: z.string().optional(),
  appVersion: z.string().optional(),
  with: z
    .object({ passwords: z.boolean(), secrets: z.boolean(), files: z.boolean() })
    .default({ passwords: false, secrets: false, files: false }),
  users: z.array(ZBackupUser).default([]),
  secrets: z.array(ZBackupSecret).default([]),
  ipRules: z.array(ZBackupIpRule).default([]),
  tokens: z.array(ZBackupToken).default([]),
  scripts: z.array(ZBackupScript).default([]),
  sites: z.array(ZBackupSite).default([]),
  jobs: z.array(ZBackupJob).default([]),
  mutes: z.array(ZBackupMute).default([]),
  webhooks: z.array(ZBackupWebhook).default([]),
  alertRules: z.array(ZBackupAlertRule).default([]),
  settings: z.partialRecord(z.enum(BACKUP_SETTINGS), z.unknown()).default({}),
});

export type Backup = z.output<typeof ZBackup>;
export type BackupInput = z.input<typeof ZBackup>;
export type BackupJob = z.output<typeof ZBackupJob>;

// ---- older versions ------------------------------------------------------------------------

/** Version 1: `{ kairos: 1, exportedAt, jobs: [...] }`, jobs as the REST API shows them. */
const ZBackupV1 = z.object({
  kairos: z.literal(1),
  exportedAt: z.string().optional(),
  jobs: z.array(z.looseObject({ name: z.string(), params: z.record(z.string(), z.unknown()).optional() })),
});

/**
 * v1 → v2: the jobs carry over (their chains were already by name); a script or site job kept
 * its id in `params`, which still works when the file goes back to the installation it came from.
 */
function upgradeV1(raw: unknown): unknown {
  const v1 = ZBackupV1.parse(raw);
  return {
    format: BACKUP_FORMAT,
    schemaVersion: 2,
    exportedAt: v1.exportedAt,
    jobs: v1.jobs.map((j) => ({ ...j, runOnSave: false })),
  };
}

/** Each step takes a file of version N to N + 1. */
const UPGRADES: Record<number, (raw: unknown) => unknown> = { 1: upgradeV1 };

/** The version a file says it has (0 when it says none). */
export function versionOf(raw: unknown): number {
  if (!raw || typeof raw !== "object") return 0;
  const o = raw as { schemaVersion?: unknown; kairos?: unknown };
  if (typeof o.schemaVersion === "number") return o.schemaVersion;
  if (o.kairos === 1) return 1;
  return 0;
}

/** An older file brought to the current shape (unchecked: ZBackup checks the result). */
export function upgradeBackup(raw: unknown): { doc: unknown; from: number } {
  const from = versionOf(raw);
  let doc = raw;
  for (let v = from; v < BACKUP_SCHEMA_VERSION; v++) {
    const step = UPGRADES[v];
    if (!step) break;
    doc = step(doc);
  }
  return { doc, from };
}
