import { sql } from "drizzle-orm";
import { bigint, check, index, integer, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { users } from "./auth";
import { createdAt, id, instant, ref } from "./columns";
import { jobs, runs } from "./jobs";

/**
 * Every upload of a script is a version kept here (issue 11: email_center kept its scripts in
 * /tmp and a reboot could lose them). A script job points at one version by id.
 */
export const scriptVersions = pgTable(
  "script_versions",
  {
    id: id(),
    /** The script's file name (`daily_sales.py`); versions of one name count up from 1. */
    name: text("name").notNull(),
    version: integer("version").notNull(),
    text: text("text").notNull(),
    sha256: text("sha256").notNull(),
    /** Bytes of the UTF-8 text. */
    size: integer("size").notNull(),
    /** python | sh | node: from the extension unless stated at upload. */
    interpreter: text("interpreter").notNull(),
    uploadedBy: ref("uploaded_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("script_versions_name_version_uq").on(t.name, t.version),
    check("script_versions_interpreter_ck", sql`${t.interpreter} in ('python', 'sh', 'node')`),
  ],
);

/**
 * A file a script run left in its output folder: the run's report. The bytes stay on disk under
 * the data folder (`path` is relative to it); the row goes with its run (retention, deletion).
 */
export const reportFiles = pgTable(
  "report_files",
  {
    id: id(),
    runId: ref("run_id")
      .notNull()
      .references(() => runs.id, { onDelete: "cascade" }),
    jobId: ref("job_id")
      .notNull()
      .references(() => jobs.id, { onDelete: "cascade" }),
    /** Relative to the run's output folder, `/`-separated (`sales.xlsx`, `detail/a.csv`). */
    name: text("name").notNull(),
    size: bigint("size", { mode: "number" }).notNull(),
    contentType: text("content_type").notNull(),
    sha256: text("sha256").notNull(),
    /** Relative to the data folder. */
    path: text("path").notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("report_files_run_name_uq").on(t.runId, t.name),
    index("report_files_job_idx").on(t.jobId, t.id),
    index("report_files_created_idx").on(t.createdAt),
  ],
);

export type ScriptVersionRow = typeof scriptVersions.$inferSelect;
export type ReportFileRow = typeof reportFiles.$inferSelect;

/**
 * What a mail-pickup job has mailed (issue 11: a file is never mailed twice by the same job
 * unless asked). A file is its name and its checksum: the same name with new bytes is new.
 * The row is written before the mail is queued (it claims the file against a parallel run) and
 * removed again if the mail cannot be queued.
 */
export const pickupSentFiles = pgTable(
  "pickup_sent_files",
  {
    id: id(),
    jobId: ref("job_id")
      .notNull()
      .references(() => jobs.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    sha256: text("sha256").notNull(),
    size: bigint("size", { mode: "number" }).notNull(),
    /** The run that mailed it last (null once that run is pruned). */
    runId: ref("run_id").references(() => runs.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("pickup_sent_files_job_file_uq").on(t.jobId, t.name, t.sha256)],
);

export type PickupSentFileRow = typeof pickupSentFiles.$inferSelect;

/**
 * A link to one run's report that opens without an account (issue 11: what a manager opens on
 * a phone): only the token's SHA-256 is kept, so the table does not hold working links. It
 * reaches that run's files only, read-only, until it expires or is revoked.
 */
export const reportShares = pgTable(
  "report_shares",
  {
    id: id(),
    runId: ref("run_id")
      .notNull()
      .references(() => runs.id, { onDelete: "cascade" }),
    jobId: ref("job_id")
      .notNull()
      .references(() => jobs.id, { onDelete: "cascade" }),
    tokenHash: text("token_hash").notNull(),
    expiresAt: instant("expires_at").notNull(),
    revokedAt: instant("revoked_at"),
    /** Null: made by the report mail. */
    createdBy: ref("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("report_shares_token_uq").on(t.tokenHash), index("report_shares_run_idx").on(t.runId)],
);

export type ReportShareRow = typeof reportShares.$inferSelect;
