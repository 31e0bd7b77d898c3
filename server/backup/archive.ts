/**
 * A backup with its report files: one ZIP holding `kairos-backup.json` and, under `files/`, every
 * report file still on disk (`files/<job>/<run id>/<name>`, listed in `files/index.json`). The
 * files are there to keep, not restored: they belong to runs, and runs are history, not
 * definitions. Import reads the JSON inside a ZIP as if it had been given alone.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { asc, eq } from "drizzle-orm";
import yauzl from "yauzl";
import type { DbOrTx } from "../db/client";
import { jobs, reportFiles } from "../db/schema";
import { msg } from "../i18n/errors";
import { env } from "../lib/env";
import { jsonErrorMsg } from "../lib/json-error";
import { log } from "../lib/log";
import { zipFiles } from "../reports/zip";
import { type ExportOptions, exportBackup } from "./export";
import { BackupInvalid } from "./import";

export const BACKUP_ENTRY = "kairos-backup.json";
/** Bigger uploads are refused before they are read (a backup is definitions, not data). */
export const BACKUP_MAX_BYTES = 64 * 1024 * 1024;

const safeSegment = (s: string) => s.replace(/[\\/:*?"<>|\0]/g, "_").slice(0, 120) || "_";

export async function exportArchive(db: DbOrTx, o: ExportOptions = {}): Promise<Buffer> {
  const doc = await exportBackup(db, { ...o, withFiles: true });
  const rows = await db
    .select({ file: reportFiles, job: jobs.name })
    .from(reportFiles)
    .innerJoin(jobs, eq(jobs.id, reportFiles.jobId))
    .orderBy(asc(reportFiles.id));
  const dataDir = env().dataDir;
  const entries: { name: string; data: Buffer }[] = [];
  const index: unknown[] = [];
  for (const { file, job } of rows) {
    const name = `files/${safeSegment(job)}/${file.runId}/${file.name.split("/").map(safeSegment).join("/")}`;
    let data: Buffer;
    try {
      data = await readFile(path.join(dataDir, file.path));
    } catch (e) {
      log("backup").warn({ file: file.path, err: (e as Error).message }, "report file missing, left out");
      continue;
    }
    entries.push({ name, data });
    index.push({
      path: name,
      job,
      runId: file.runId,
      name: file.name,
      size: file.size,
      sha256: file.sha256,
      contentType: file.contentType,
      createdAt: file.createdAt.toISOString(),
    });
  }
  return zipFiles([
    { name: BACKUP_ENTRY, data: Buffer.from(`${JSON.stringify(doc, null, 2)}\n`) },
    { name: "files/index.json", data: Buffer.from(`${JSON.stringify(index, null, 2)}\n`) },
    ...entries,
  ]);
}

const isZip = (b: Buffer) => b.length >= 4 && b.readUInt32LE(0) === 0x04034b50;

async function jsonFromZip(bytes: Buffer): Promise<string> {
  const zip = await yauzl.fromBufferPromise(bytes, { lazyEntries: true });
  try {
    const entry = await new Promise<yauzl.Entry | null>((resolve, reject) => {
      zip.on("entry", (e: yauzl.Entry) => (e.fileName === BACKUP_ENTRY ? resolve(e) : zip.readEntry()));
      zip.on("end", () => resolve(null));
      zip.on("error", reject);
      zip.readEntry();
    });
    if (!entry)
      throw new BackupInvalid([
        { field: "file", msg: msg("backup.noArchiveEntry", { entry: BACKUP_ENTRY }) },
      ]);
    const chunks: Buffer[] = [];
    for await (const c of await zip.openReadStreamPromise(entry)) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString("utf8");
  } finally {
    zip.close();
  }
}

/** The document of a backup file's bytes: JSON, or a backup archive (ZIP). */
export async function readBackupBytes(bytes: Buffer): Promise<unknown> {
  if (bytes.length > BACKUP_MAX_BYTES)
    throw new BackupInvalid([
      { field: "file", msg: msg("backup.fileTooLarge", { limit: String(BACKUP_MAX_BYTES) }) },
    ]);
  let text: string;
  try {
    text = isZip(bytes) ? await jsonFromZip(bytes) : bytes.toString("utf8");
  } catch (e) {
    if (e instanceof BackupInvalid) throw e;
    // yauzl's words are English: kept, labelled, as what the archive reader said.
    throw new BackupInvalid([
      { field: "file", msg: msg("backup.notArchive", { detail: (e as Error).message }) },
    ]);
  }
  const json = text.replace(/^\uFEFF/, "");
  try {
    return JSON.parse(json);
  } catch {
    throw new BackupInvalid([{ field: "file", msg: msg("backup.notJson", { detail: jsonErrorMsg(json) }) }]);
  }
}
