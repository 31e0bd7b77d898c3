/**
 * The report archive (issue 11): each script run writes into a fresh folder under the data
 * folder, `<data>/reports/<job id>/<run id>/`; after the run every regular file in it is a
 * report file of the run (a row with size, type and checksum; the bytes stay where the script
 * wrote them). Rows go with their run (retention, job deletion); pruneReportFolders removes the
 * folders whose run is gone.
 */
import "server-only";
import { createHash } from "node:crypto";
import { constants as fsConstants } from "node:fs";
import { chown, lstat, mkdir, open, readdir, realpath, rm } from "node:fs/promises";
import path from "node:path";
import { and, count, desc, eq, gte, ilike, lt, or, sql } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "../db/client";
import { jobs, type ReportFileRow, reportFiles } from "../db/schema";
import { msg } from "../i18n/errors";
import type { RunAs } from "../lib/child-env";
import { env } from "../lib/env";
import { DomainError, notFound } from "../lib/errors";
import { log } from "../lib/log";

export const REPORTS_FOLDER = "reports";
/** More files than this in one run folder are not archived (a runaway script). */
const MAX_FILES_PER_RUN = 1000;

const reportsRoot = () => path.join(env().dataDir, REPORTS_FOLDER);
export const runReportDir = (jobId: number, runId: number) =>
  path.join(reportsRoot(), String(jobId), String(runId));

const CONTENT_TYPES: Record<string, string> = {
  ".csv": "text/csv",
  ".tsv": "text/tab-separated-values",
  ".txt": "text/plain",
  ".log": "text/plain",
  ".html": "text/html",
  ".htm": "text/html",
  ".json": "application/json",
  ".xml": "application/xml",
  ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  ".xlsm": "application/vnd.ms-excel.sheet.macroEnabled.12",
  ".xls": "application/vnd.ms-excel",
  ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  ".pdf": "application/pdf",
  ".zip": "application/zip",
  ".gz": "application/gzip",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".svg": "image/svg+xml",
};

/** The type a file name implies; text types carry no charset (a GBK CSV stays GBK). */
export function contentTypeOf(name: string): string {
  return CONTENT_TYPES[path.extname(name).toLowerCase()] ?? "application/octet-stream";
}

/**
 * A fresh, empty folder for a run (whatever a previous attempt with this id left is removed),
 * owned by the job's user so the script can write into it.
 */
export async function prepareRunDir(jobId: number, runId: number, runAs: RunAs | null): Promise<string> {
  const dir = runReportDir(jobId, runId);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true, mode: 0o755 });
  if (runAs) await chown(dir, runAs.uid, runAs.gid);
  return dir;
}

type Found = { name: string; abs: string; size: number; mtimeMs: number };

/**
 * Regular files under `dir`, depth first, names `/`-separated. Links are skipped (a script must
 * not make Kairos read or mail a file it could not read itself), and so are files owned by
 * another user than the job's (a hard link to someone else's file).
 */
async function walk(dir: string, runAs: RunAs | null, skipped: string[], prefix = ""): Promise<Found[]> {
  const out: Found[] = [];
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
  for (const e of entries) {
    const abs = path.join(dir, e.name);
    const name = prefix ? `${prefix}/${e.name}` : e.name;
    const info = await lstat(abs);
    if (info.isDirectory()) {
      out.push(...(await walk(abs, runAs, skipped, name)));
    } else if (info.isFile() && (!runAs || info.uid === runAs.uid)) {
      out.push({ name, abs, size: info.size, mtimeMs: info.mtimeMs });
    } else {
      skipped.push(name);
    }
  }
  return out;
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash("sha256");
  const handle = await open(file, fsConstants.O_RDONLY | fsConstants.O_NOFOLLOW);
  try {
    for await (const chunk of handle.createReadStream({ autoClose: false })) hash.update(chunk as Buffer);
  } finally {
    await handle.close();
  }
  return hash.digest("hex");
}

export type ArchiveResult = { files: ReportFileRow[]; skipped: string[] };

/** Records every file a run left in its folder as the run's report files. */
export async function archiveRunFiles(
  db: DbOrTx,
  run: { runId: number; jobId: number; dir: string; runAs: RunAs | null },
): Promise<ArchiveResult> {
  const skipped: string[] = [];
  // In the order the script wrote them (`filename` is the first table's file), then by name.
  let found = (await walk(run.dir, run.runAs, skipped)).sort(
    (a, b) => a.mtimeMs - b.mtimeMs || a.name.localeCompare(b.name),
  );
  if (found.length > MAX_FILES_PER_RUN) {
    skipped.push(`… ${found.length - MAX_FILES_PER_RUN} more files`);
    found = found.slice(0, MAX_FILES_PER_RUN);
  }
  const dataDir = env().dataDir;
  const rows = [];
  for (const f of found) {
    rows.push({
      runId: run.runId,
      jobId: run.jobId,
      name: f.name,
      size: f.size,
      contentType: contentTypeOf(f.name),
      sha256: await sha256Of(f.abs),
      path: path.relative(dataDir, f.abs).split(path.sep).join("/"),
    });
  }
  const files = rows.length
    ? await db
        .insert(reportFiles)
        .values(rows)
        .onConflictDoNothing()
        .returning()
        .then((r) => r.sort((a, b) => a.id - b.id))
    : [];
  return { files, skipped };
}

/** The file's place on disk, checked to be inside its run's folder (links resolved). */
export async function reportFilePath(file: Pick<ReportFileRow, "path" | "jobId" | "runId">): Promise<string> {
  const dataDir = env().dataDir;
  const abs = path.resolve(dataDir, file.path);
  const folder = runReportDir(file.jobId, file.runId);
  let real: string;
  let realFolder: string;
  try {
    [real, realFolder] = await Promise.all([realpath(abs), realpath(folder)]);
  } catch {
    throw new DomainError("NOT_FOUND", msg("reports.fileGone"));
  }
  if (!real.startsWith(realFolder + path.sep)) {
    throw new DomainError("FORBIDDEN", msg("reports.fileOutside"));
  }
  return real;
}

/** Opens a report file for reading (a link put in its place is refused). */
export async function openReportFile(db: DbOrTx, id: number) {
  const [row] = await db.select().from(reportFiles).where(eq(reportFiles.id, id)).limit(1);
  if (!row) throw notFound("report file", id);
  const abs = await reportFilePath(row);
  const handle = await open(abs, fsConstants.O_RDONLY | fsConstants.O_NOFOLLOW).catch(() => {
    throw new DomainError("NOT_FOUND", msg("reports.fileGone"));
  });
  return { file: row, handle };
}

/** A run's report files, in the order they were archived. */
export function listRunFiles(db: DbOrTx, runId: number) {
  return db.select().from(reportFiles).where(eq(reportFiles.runId, runId)).orderBy(reportFiles.id);
}

export const ZListReportFilesInput = z.object({
  page: z.number().int().min(1).default(1),
  size: z.number().int().min(1).max(200).default(50),
  /** Searched in file and job names. */
  q: z.string().trim().max(200).optional(),
  jobId: z.number().int().positive().optional(),
  /** ISO instants: files archived from (inclusive) / before (exclusive). */
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});
export type ListReportFilesInput = z.input<typeof ZListReportFilesInput>;

/** Report files by job and date, newest first, with their job's name. */
export async function listReportFiles(db: DbOrTx, input: ListReportFilesInput) {
  const o = ZListReportFilesInput.parse(input);
  const conds = [];
  if (o.jobId) conds.push(eq(reportFiles.jobId, o.jobId));
  if (o.from) conds.push(gte(reportFiles.createdAt, new Date(o.from)));
  if (o.to) conds.push(lt(reportFiles.createdAt, new Date(o.to)));
  if (o.q) {
    const like = `%${o.q.replace(/[\\%_]/g, "\\$&")}%`;
    conds.push(or(ilike(reportFiles.name, like), ilike(jobs.name, like)));
  }
  const where = conds.length ? and(...conds) : undefined;
  const [items, [total]] = await Promise.all([
    db
      .select({
        id: reportFiles.id,
        runId: reportFiles.runId,
        jobId: reportFiles.jobId,
        jobName: jobs.name,
        name: reportFiles.name,
        size: reportFiles.size,
        contentType: reportFiles.contentType,
        sha256: reportFiles.sha256,
        createdAt: reportFiles.createdAt,
      })
      .from(reportFiles)
      .innerJoin(jobs, eq(jobs.id, reportFiles.jobId))
      .where(where)
      .orderBy(desc(reportFiles.id))
      .limit(o.size)
      .offset((o.page - 1) * o.size),
    db.select({ n: count() }).from(reportFiles).innerJoin(jobs, eq(jobs.id, reportFiles.jobId)).where(where),
  ]);
  return { items, total: total?.n ?? 0, page: o.page, size: o.size };
}

/**
 * Removes run folders whose run no longer exists (retention pruned it, or its job was deleted),
 * and the folders of deleted jobs. Runs after pruneRuns.
 */
export async function pruneReportFolders(db: DbOrTx): Promise<number> {
  const root = reportsRoot();
  const jobDirs = await readdir(root, { withFileTypes: true }).catch(() => []);
  let removed = 0;
  for (const jd of jobDirs) {
    if (!jd.isDirectory() || !/^\d+$/.test(jd.name)) continue;
    const jobDir = path.join(root, jd.name);
    const runDirs = (await readdir(jobDir, { withFileTypes: true })).filter(
      (d) => d.isDirectory() && /^\d+$/.test(d.name),
    );
    if (runDirs.length) {
      const ids = runDirs.map((d) => Number(d.name));
      const alive = new Set(
        (
          await db.execute<{ id: string }>(
            sql`select id from runs where id = any(${sql.param(ids)}::bigint[])`,
          )
        ).map((r) => Number(r.id)),
      );
      for (const d of runDirs) {
        if (alive.has(Number(d.name))) continue;
        await rm(path.join(jobDir, d.name), { recursive: true, force: true });
        removed++;
      }
    }
    // A job folder goes with its job (never while a run of it may be making its folder).
    const [job] = await db.execute(sql`select 1 from jobs where id = ${Number(jd.name)}`);
    if (!job) await rm(jobDir, { recursive: true, force: true });
  }
  if (removed) log("reports").info({ removed }, "removed report folders of pruned runs");
  return removed;
}
