import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  date,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { type AlarmDetail, SAMPLE_KINDS, SITE_FILE_KINDS } from "../../lib/enums";
import { users } from "./auth";
import { bytea, createdAt, id, instant, ref, updatedAt } from "./columns";
import { jobs } from "./jobs";

export const sampleKindEnum = pgEnum("sample_kind", SAMPLE_KINDS);
export const siteFileKindEnum = pgEnum("site_file_kind", SITE_FILE_KINDS);

/**
 * A site (局点, seed 001). `code` is the `site_id` its files carry; `base_url` is where its
 * daily files are pulled from (none for a site that only pushes). Record times in its files are
 * wall-clock times in `timezone` (DESIGN: monitoring files).
 */
export const sites = pgTable(
  "sites",
  {
    id: id(),
    code: text("code").notNull(),
    name: text("name").notNull(),
    baseUrl: text("base_url"),
    timezone: text("timezone").notNull(),
    /** The site's `site_pull` job (one per site, editable like any job). */
    pullJobId: ref("pull_job_id").references(() => jobs.id, { onDelete: "set null" }),
    /** SHA-256 of the site's push token (POST /api/v1/sites/{code}/ingest): it may only ingest. */
    ingestTokenHash: text("ingest_token_hash"),
    ingestTokenPrefix: text("ingest_token_prefix"),
    /** Alarms arriving within this wait go in one message; null: SITE_ALARM_GROUP_WAIT_SECONDS. */
    alarmGroupWaitSeconds: integer("alarm_group_wait_seconds"),
    /** A reminder this often while alarms stay open (0: none); null: SITE_ALARM_REMIND_SECONDS. */
    alarmRemindSeconds: integer("alarm_remind_seconds"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("sites_code_uq").on(t.code),
    uniqueIndex("sites_ingest_token_uq").on(t.ingestTokenHash),
  ],
);

/** Who manages which site (seed: 一个用户可以管理多个局点). Admins see every site regardless. */
export const siteUsers = pgTable(
  "site_users",
  {
    siteId: ref("site_id")
      .notNull()
      .references(() => sites.id, { onDelete: "cascade" }),
    userId: ref("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.userId] }), index("site_users_user_idx").on(t.userId)],
);

/** A server belongs to one site (seed), identified there by its name; discovered from the data. */
export const servers = pgTable(
  "servers",
  {
    id: id(),
    siteId: ref("site_id")
      .notNull()
      .references(() => sites.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    ip: text("ip").notNull().default(""),
    lastSampleAt: instant("last_sample_at"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("servers_site_name_uq").on(t.siteId, t.name)],
);

/**
 * system_info lines, one row per server, kind, mount and instant. The values by kind:
 * cpu: v1 user, v2 sys, v3 io, v4 idle (%); mem: v1 used, v2 free, v3 buffer, v4 total;
 * disk: v1 used, v2 total (mount in `mount`; '' for the other kinds). The primary key is the
 * line's identity (a line ingested twice is stored once) and the chart index at once.
 */
export const samples = pgTable(
  "samples",
  {
    serverId: ref("server_id")
      .notNull()
      .references(() => servers.id, { onDelete: "cascade" }),
    kind: sampleKindEnum("kind").notNull(),
    mount: text("mount").notNull().default(""),
    at: instant("at").notNull(),
    v1: doublePrecision("v1").notNull(),
    v2: doublePrecision("v2").notNull(),
    v3: doublePrecision("v3"),
    v4: doublePrecision("v4"),
  },
  (t) => [primaryKey({ columns: [t.serverId, t.kind, t.mount, t.at] })],
);

/**
 * Hourly roll-up of `samples` (count, sum, min, max of each value), kept in step by the ingest
 * from exactly the rows it inserted, so re-ingesting adds nothing here either. Long chart
 * ranges read it instead of the raw rows.
 */
export const samplesHourly = pgTable(
  "samples_hourly",
  {
    serverId: ref("server_id")
      .notNull()
      .references(() => servers.id, { onDelete: "cascade" }),
    kind: sampleKindEnum("kind").notNull(),
    mount: text("mount").notNull().default(""),
    hour: instant("hour").notNull(),
    n: integer("n").notNull(),
    sum1: doublePrecision("sum1").notNull(),
    sum2: doublePrecision("sum2").notNull(),
    sum3: doublePrecision("sum3"),
    sum4: doublePrecision("sum4"),
    min1: doublePrecision("min1").notNull(),
    min2: doublePrecision("min2").notNull(),
    min3: doublePrecision("min3"),
    min4: doublePrecision("min4"),
    max1: doublePrecision("max1").notNull(),
    max2: doublePrecision("max2").notNull(),
    max3: doublePrecision("max3"),
    max4: doublePrecision("max4"),
  },
  (t) => [primaryKey({ columns: [t.serverId, t.kind, t.mount, t.hour] })],
);

/**
 * A site's alarm, identified by site, name, node and raise time (DESIGN). `resumed_at` null =
 * not resumed; `last_record_at` is the newest record_time seen for it (seed: an alarm whose
 * latest time has not changed for 2 days is removed).
 */
export const alarms = pgTable(
  "alarms",
  {
    id: id(),
    siteId: ref("site_id")
      .notNull()
      .references(() => sites.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    node: text("node").notNull(),
    raisedAt: instant("raised_at").notNull(),
    description: text("description").notNull().default(""),
    /** A threshold rule's alarm: what breached, rendered in the reader's language (no text). */
    detail: jsonb("detail").$type<AlarmDetail>(),
    resumedAt: instant("resumed_at"),
    lastRecordAt: instant("last_record_at").notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("alarms_identity_uq").on(t.siteId, t.name, t.node, t.raisedAt),
    index("alarms_open_idx").on(t.siteId).where(sql`${t.resumedAt} is null`),
  ],
);

/** system_service lines: the site's business counters at a record time. */
export const serviceCounters = pgTable(
  "service_counters",
  {
    siteId: ref("site_id")
      .notNull()
      .references(() => sites.id, { onDelete: "cascade" }),
    at: instant("at").notNull(),
    subUsers: bigint("sub_users", { mode: "number" }).notNull(),
    unsubUsers: bigint("unsub_users", { mode: "number" }).notNull(),
    totalUsers: bigint("total_users", { mode: "number" }).notNull(),
    callTimes: bigint("call_times", { mode: "number" }).notNull(),
    showTimes: bigint("show_times", { mode: "number" }).notNull(),
    moTimes: bigint("mo_times", { mode: "number" }).notNull(),
    mtTimes: bigint("mt_times", { mode: "number" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.at] })],
);

/** Running nodes of a server: the latest report only (seed: 对运行节点只保留最近数据). */
export const serverNodes = pgTable(
  "server_nodes",
  {
    serverId: ref("server_id")
      .notNull()
      .references(() => servers.id, { onDelete: "cascade" }),
    node: text("node").notNull(),
    state: text("state").notNull(),
    at: instant("at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.serverId, t.node] })],
);

/**
 * Where each pulled daily file stands (seed: 每次插入数据从上一次位置开始): `offset` is the byte
 * after the last complete line ingested, `lines` how many lines precede it; `tail` the bytes
 * just before it, compared on the next pull to notice a file replaced by another.
 */
export const siteFiles = pgTable(
  "site_files",
  {
    siteId: ref("site_id")
      .notNull()
      .references(() => sites.id, { onDelete: "cascade" }),
    kind: siteFileKindEnum("kind").notNull(),
    day: date("day", { mode: "string" }).notNull(),
    offset: bigint("offset", { mode: "number" }).notNull().default(0),
    lines: integer("lines").notNull().default(0),
    badLines: integer("bad_lines").notNull().default(0),
    tail: bytea("tail"),
    /** UTF-8 or GBK, as detected on the first bytes that told them apart. */
    encoding: text("encoding"),
    isComplete: boolean("is_complete").notNull().default(false),
    lastPullAt: instant("last_pull_at"),
    lastNewBytesAt: instant("last_new_bytes_at"),
    lastError: text("last_error"),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.kind, t.day] })],
);

/** A line that could not be read, with where it was and why (shown on the site's page). */
export const siteBadLines = pgTable(
  "site_bad_lines",
  {
    id: id(),
    siteId: ref("site_id")
      .notNull()
      .references(() => sites.id, { onDelete: "cascade" }),
    /** The file name (system_info_20250101.txt) or, for a push, the uploaded name. */
    file: text("file").notNull(),
    lineNo: integer("line_no").notNull(),
    /** The reason in English words (also what rows stored before reason codes have). */
    reason: text("reason").notNull(),
    /** The reason as a catalog code and its values (sites/bad-lines.ts), rendered per reader. */
    reasonCode: text("reason_code"),
    reasonParams: jsonb("reason_params"),
    raw: text("raw").notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("site_bad_lines_uq").on(t.siteId, t.file, t.lineNo),
    index("site_bad_lines_recent_idx").on(t.siteId, t.id),
  ],
);

export type SiteRow = typeof sites.$inferSelect;
export type ServerRow = typeof servers.$inferSelect;
export type AlarmRow = typeof alarms.$inferSelect;
export type SiteFileRow = typeof siteFiles.$inferSelect;
