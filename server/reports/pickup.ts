/**
 * Mail-pickup files (issue 11, seed 000's 邮件任务): the files another system drops into the
 * pickup folder (KAIROS_PICKUP_DIR, the seed's EMAIL_MISSION_DIRECTION) whose names start with
 * a job's prefix, and what each job has already mailed.
 */
import "server-only";
import { createHash } from "node:crypto";
import { constants as fsConstants } from "node:fs";
import { lstat, open, readdir, realpath } from "node:fs/promises";
import path from "node:path";
import { and, eq, inArray, sql } from "drizzle-orm";
import type { DbOrTx } from "../db/client";
import { pickupSentFiles } from "../db/schema";
import { msg } from "../i18n/errors";
import { DomainError } from "../lib/errors";
import { compileTemplate } from "./template";

export type PickupFile = { name: string; abs: string; size: number; mtimeMs: number; sha256: string };

/**
 * The prefix with its variables filled in (`sales_{{ date }}` → `sales_2024-05-01`). What it
 * renders to must still be a file name start: a `/` or `..` would reach out of the folder.
 */
export function renderPrefix(source: string, context: object): string {
  const prefix = compileTemplate(source, "text", "prefix").render(context).trim();
  if (!prefix || /[/\\\0]/.test(prefix) || prefix === "." || prefix === "..") {
    throw new DomainError("BAD_REQUEST", msg("reports.prefixNotName", { source, prefix }));
  }
  return prefix;
}

/** A file's checksum, or undefined when it changed while being read (still being written). */
async function stableSha256(abs: string, before: { size: number; mtimeMs: number }) {
  const hash = createHash("sha256");
  const handle = await open(abs, fsConstants.O_RDONLY | fsConstants.O_NOFOLLOW);
  try {
    for await (const chunk of handle.createReadStream({ autoClose: false })) hash.update(chunk as Buffer);
  } finally {
    await handle.close();
  }
  const after = await lstat(abs);
  if (after.size !== before.size || after.mtimeMs !== before.mtimeMs) return undefined;
  return hash.digest("hex");
}

export type PickupLook = { files: PickupFile[]; busy: string[] };

/**
 * Regular files directly in `dir` whose names start with `prefix`, by name. Only the folder's
 * own entries are read (no sub-folders, no links, no hidden files such as a `.part` being
 * uploaded), so no prefix can reach a file outside it; a file that changes while it is read is
 * reported as busy and taken at the next look.
 */
export async function lookForPickupFiles(dir: string, prefix: string): Promise<PickupLook> {
  let root: string;
  try {
    root = await realpath(dir);
  } catch {
    throw new DomainError("NOT_FOUND", msg("reports.noPickupFolder", { dir }));
  }
  const entries = await readdir(root, { withFileTypes: true });
  const files: PickupFile[] = [];
  const busy: string[] = [];
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (!e.isFile() || e.name.startsWith(".") || !e.name.startsWith(prefix)) continue;
    const abs = path.join(root, e.name);
    const info = await lstat(abs).catch(() => undefined);
    if (!info?.isFile()) continue;
    const sha256 = await stableSha256(abs, info).catch(() => undefined);
    if (!sha256) {
      busy.push(e.name);
      continue;
    }
    files.push({ name: e.name, abs, size: info.size, mtimeMs: info.mtimeMs, sha256 });
  }
  return { files, busy };
}

const key = (f: { name: string; sha256: string }) => `${f.sha256}:${f.name}`;

/** Of these files, the ones the job has already mailed. */
export async function alreadySent(db: DbOrTx, jobId: number, files: readonly PickupFile[]) {
  if (!files.length) return new Set<string>();
  const rows = await db
    .select({ name: pickupSentFiles.name, sha256: pickupSentFiles.sha256 })
    .from(pickupSentFiles)
    .where(
      and(
        eq(pickupSentFiles.jobId, jobId),
        inArray(
          pickupSentFiles.name,
          files.map((f) => f.name),
        ),
      ),
    );
  const sent = new Set(rows.map(key));
  return new Set(files.filter((f) => sent.has(key(f))).map((f) => f.name));
}

/**
 * Claims files for this run before they are mailed: a parallel run of the same job then finds
 * them taken. With `resend` a file already mailed is claimed again. Returns the claimed ids.
 */
export async function claimPickupFiles(
  db: DbOrTx,
  jobId: number,
  runId: number,
  files: readonly PickupFile[],
  resend: boolean,
): Promise<{ ids: number[]; names: Set<string> }> {
  if (!files.length) return { ids: [], names: new Set() };
  const values = files.map((f) => ({ jobId, runId, name: f.name, sha256: f.sha256, size: f.size }));
  const insert = db.insert(pickupSentFiles).values(values);
  const rows = await (resend
    ? insert.onConflictDoUpdate({
        target: [pickupSentFiles.jobId, pickupSentFiles.name, pickupSentFiles.sha256],
        set: { runId, createdAt: sql`now()` },
      })
    : insert.onConflictDoNothing()
  ).returning({ id: pickupSentFiles.id, name: pickupSentFiles.name });
  return { ids: rows.map((r) => r.id), names: new Set(rows.map((r) => r.name)) };
}

/** Gives claimed files back when their mail could not be queued. */
export async function releasePickupFiles(db: DbOrTx, ids: readonly number[]) {
  if (ids.length) await db.delete(pickupSentFiles).where(inArray(pickupSentFiles.id, [...ids]));
}
