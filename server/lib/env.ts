import "server-only";
import path from "node:path";
import { z } from "zod";
import { CidrError, parseRangeList } from "./cidr";

/**
 * The one place environment variables are read and validated. Everything else asks `env()`.
 * Read lazily (not at import) so `next build` never needs a database or secrets.
 */
const bool = z
  .enum(["1", "0", "true", "false", "yes", "no", "on", "off", ""])
  .transform((v) => ["1", "true", "yes", "on"].includes(v));

const optionalUrl = (protocols: string[]) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v) => (v ? v : undefined))
    .refine((v) => v === undefined || protocols.some((p) => v.startsWith(`${p}:`)), {
      message: `must start with ${protocols.map((p) => `${p}://`).join(" or ")}`,
    });

/** A comma-separated list of addresses / CIDR ranges (IPv4 or IPv6), checked at start. */
const rangeList = z
  .string()
  .optional()
  .superRefine((v, ctx) => {
    try {
      parseRangeList(v);
    } catch (e) {
      if (!(e instanceof CidrError)) throw e;
      ctx.addIssue({ code: "custom", message: e.message });
    }
  });

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export const ZEnv = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("production"),
  DATABASE_URL: optionalUrl(["postgres", "postgresql"]),
  KAIROS_DATA_DIR: z.string().min(1).default("./data"),
  KAIROS_EMBEDDED_PG_PORT: z.coerce.number().int().min(1024).max(65535).default(5433),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HOST: z.string().min(1).default("0.0.0.0"),
  PUBLIC_URL: optionalUrl(["http", "https"]),
  AUTH_SECRET: z.string().min(32, "must be at least 32 characters (try: openssl rand -base64 33)").optional(),
  KAIROS_TIME_ZONE: z
    .string()
    .refine(isTimeZone, "not an IANA time zone (e.g. Asia/Shanghai, UTC)")
    .optional(),
  /**
   * The instance's default language: mails to addresses that are not Kairos users, for jobs
   * that do not choose their own (issue 10).
   */
  KAIROS_LANGUAGE: z.enum(["en", "zh-CN"], { error: "must be en or zh-CN" }).default("en"),
  DB_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  SESSION_MAX_AGE_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 90)
    .default(12),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  LOG_PRETTY: bool.optional(),
  /** Keep log lines in Postgres for Admin › Logs (read by server/lib/log-sink.ts, before env() can be). */
  LOG_STORE: z.enum(["0", "1"]).default("1"),
  SMTP_URL: optionalUrl(["smtp", "smtps"]),
  RESEND_API_KEY: z.string().trim().min(1).optional(),
  MAIL_FROM: z.string().min(3).default("Kairos <kairos@localhost>"),
  MAIL_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(25).default(8),
  KAIROS_ADMIN_USER: z.string().trim().min(2).max(64).optional(),
  KAIROS_ADMIN_PASSWORD: z.string().min(8, "must be at least 8 characters").optional(),
  KAIROS_ADMIN_EMAIL: z.email().optional(),
  /** Folder of user functions (.js/.mjs) for func-mode jobs. Default: <data dir>/functions. */
  KAIROS_FUNCTIONS_DIR: z.string().min(1).optional(),
  /**
   * Folders the file built-ins (File, Backup, Cleanup) may touch, comma-separated. Default:
   * <data dir>/files. Paths outside (after following links) are refused.
   */
  KAIROS_FILE_ROOTS: z
    .string()
    .optional()
    .refine(
      (v) => v === undefined || v.split(",").every((p) => p.trim().length > 0 && !p.includes("\0")),
      "must be a comma-separated list of folders (no empty entries)",
    ),
  /**
   * The Database built-in's own connection (ideally a read-only role on the database to query).
   * Unset: the built-in refuses. Never Kairos' own connection, never a superuser.
   */
  KAIROS_FUNC_DATABASE_URL: optionalUrl(["postgres", "postgresql"]),
  /** The Python that runs .py scripts of script jobs (default: python3 on the job's PATH). */
  KAIROS_PYTHON: z.string().trim().min(1).optional(),
  /** Mail-pickup jobs look for their files here only (seed 000's EMAIL_MISSION_DIRECTION). Default: <data dir>/pickup. */
  KAIROS_PICKUP_DIR: z.string().trim().min(1).optional(),
  /** A mail-pickup job looks this many times in all before it fails (seed 000's RETRY_TIMES)… */
  KAIROS_PICKUP_RETRY_TIMES: z.coerce.number().int().min(1).max(100).default(4),
  /** …this many seconds apart (RETRY_INTERVAL). Each job may override both. */
  KAIROS_PICKUP_RETRY_INTERVAL: z.coerce.number().int().min(1).max(86_400).default(300),
  /** Days a report's share link (the one each report mail carries) opens without an account. */
  KAIROS_SHARE_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  /** When Kairos runs as root, jobs' processes run as this user (created if missing). Never root. */
  KAIROS_RUN_AS: z
    .string()
    .trim()
    .regex(/^[a-z_][a-z0-9_-]{0,31}$/, "must be a user name (lower-case letters, digits, _ and -)")
    .refine((v) => v !== "root", "jobs never run as root")
    .default("kairos"),
  /** Output kept per run (stdout + stderr + HTTP bodies); the rest is counted, not stored. */
  RUN_OUTPUT_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(256 * 1024 * 1024)
    .default(1024 * 1024),
  /** Run history kept per job: finished runs older than this many days are deleted… */
  RUN_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  /** …and beyond this many newest runs per job (each job may override both). */
  RUN_RETENTION_COUNT: z.coerce.number().int().min(1).max(10_000_000).default(1000),
  /** Sites: raw samples kept this many days; the hourly roll-up (long charts) this many. */
  /** WeChat query (server/wechat): the callback's Token, EncodingAESKey and AppID / CorpID. */
  WECHAT_QUERY_TOKEN: z.string().trim().min(3).max(32).optional(),
  WECHAT_QUERY_AES_KEY: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9+/]{43}$/, "must be the 43-character EncodingAESKey")
    .optional(),
  WECHAT_QUERY_APP_ID: z.string().trim().min(1).max(64).optional(),
  SITE_SAMPLE_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  SITE_HOURLY_RETENTION_DAYS: z.coerce.number().int().min(1).max(36500).default(400),
  /** Sites: resumed alarms kept this many days after they resumed (bad lines as long). */
  SITE_ALARM_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  /** Sites: while a site has alarms not resumed, its people get a reminder this often (0: none). */
  SITE_ALARM_REMIND_SECONDS: z.coerce
    .number()
    .int()
    .min(0)
    .max(30 * 86400)
    .default(4 * 3600),
  /**
   * Sites: alarms arriving within this many seconds of the first new one go out in one message
   * (Alertmanager's group_wait); 0 notifies at once.
   */
  SITE_ALARM_GROUP_WAIT_SECONDS: z.coerce.number().int().min(0).max(3600).default(30),
  /** A fire found later than this (worker down, scheduler paused) follows the job's misfire policy. */
  SCHEDULER_MISFIRE_GRACE_SECONDS: z.coerce.number().min(0.1).max(3600).default(5),
  /**
   * Tasks (runs, mails) one worker holds at once. Most wait on the network (http and func runs,
   * SMTP), so this is large: a burst of simultaneous fires starts together (issue 9).
   */
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(10_000).default(1000),
  /** Of those, runs that execute a process (command mode) at once; the others wait for a place. */
  WORKER_PROCESS_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(64),
  /**
   * graphile-worker fetches up to this many queued tasks per query and hands them out locally
   * (fewer round trips at high throughput; 0 = fetch one at a time). Completions are batched.
   */
  WORKER_LOCAL_QUEUE_SIZE: z.coerce.number().int().min(0).max(10_000).default(256),
  WORKER_HEARTBEAT_SECONDS: z.coerce.number().min(1).max(60).default(5),
  WORKER_DEAD_AFTER_SECONDS: z.coerce.number().min(5).max(3600).default(15),
  /** Where the TimerJobs-compatible API is mounted: "" = /jobs/…, "/timerjobs" = /timerjobs/jobs/…. */
  TIMERJOBS_API_PREFIX: z
    .string()
    .trim()
    .regex(/^(\/[A-Za-z0-9._~-]+)*$/, 'must be empty or a path such as "/timerjobs" (no trailing slash)')
    .refine((p) => !/^\/(api|_next|jobs|runs|admin|docs|login|setup)(\/|$)/.test(p), {
      message: "must not be a path Kairos itself uses (/api, /jobs, /admin, …)",
    })
    .default(""),
  /** on: errors answer HTTP 200 with the error in `code` (as the Python TimerJobs); off: real statuses. */
  TIMERJOBS_COMPAT_MODE: bool.default(true),
  /** Requests from loopback without a token act with this role (for migrating scripts). Off when unset. */
  API_LOOPBACK_ROLE: z.enum(["viewer", "operator", "admin"]).optional(),
  /** Seeds of the IP allow / deny lists (comma-separated addresses or CIDR ranges). */
  IP_WHITELIST: rangeList,
  IP_BLACKLIST: rangeList,
  /** Proxies whose X-Forwarded-For is believed (comma-separated addresses or CIDR ranges). */
  TRUSTED_PROXIES: rangeList,
});

export type Env = z.infer<typeof ZEnv> & {
  dataDir: string;
  functionsDir: string;
  pickupDir: string;
  /** KAIROS_FILE_ROOTS as absolute paths (not yet resolved through links). */
  fileRoots: string[];
  defaultFileRoot: string;
};

export class EnvError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid environment:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "EnvError";
  }
}

/** Parse an environment; empty strings count as unset so `FOO=` in a .env file means "default". */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const cleaned: Record<string, string> = {};
  for (const key of Object.keys(ZEnv.shape)) {
    const v = source[key];
    if (v !== undefined && v !== "") cleaned[key] = v;
  }
  const parsed = ZEnv.safeParse(cleaned);
  if (!parsed.success) {
    throw new EnvError(parsed.error.issues.map((i) => `${i.path.join(".") || "(env)"}: ${i.message}`));
  }
  const e = parsed.data;
  if (
    (e.KAIROS_ADMIN_USER && !e.KAIROS_ADMIN_PASSWORD) ||
    (!e.KAIROS_ADMIN_USER && e.KAIROS_ADMIN_PASSWORD)
  ) {
    throw new EnvError(["KAIROS_ADMIN_USER / KAIROS_ADMIN_PASSWORD: set both or neither"]);
  }
  const dataDir = path.resolve(e.KAIROS_DATA_DIR);
  const defaultFileRoot = path.join(dataDir, "files");
  return {
    ...e,
    dataDir,
    defaultFileRoot,
    fileRoots: e.KAIROS_FILE_ROOTS
      ? e.KAIROS_FILE_ROOTS.split(",").map((p) => path.resolve(p.trim()))
      : [defaultFileRoot],
    functionsDir: path.resolve(e.KAIROS_FUNCTIONS_DIR ?? path.join(dataDir, "functions")),
    pickupDir: path.resolve(e.KAIROS_PICKUP_DIR ?? path.join(dataDir, "pickup")),
  };
}

let cached: Env | undefined;
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/** For tests and launchers that change process.env after the first read. */
export function resetEnvCache() {
  cached = undefined;
}
