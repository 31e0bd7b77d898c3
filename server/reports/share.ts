/**
 * Share links (issue 11): a link to one run's report that a recipient opens without an account,
 * usually from the report mail on a phone. The token is 32 random bytes (base64url) handed out
 * once; only its SHA-256 is stored, so neither the table nor a backup holds working links. A
 * link reaches its run's report files only, read-only, until it expires or is revoked.
 */
import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { and, desc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { type Actor, audit } from "../audit";
import { type DbOrTx, getDb } from "../db/client";
import { type ReportFileRow, reportFiles, reportShares, runs, users } from "../db/schema";
import { msg, zodText } from "../i18n/errors";
import { isLocale, type Locale } from "../i18n/locale";
import { publicUrl } from "../lib/app-info";
import { env } from "../lib/env";
import { DomainError, notFound } from "../lib/errors";
import { openReportFile } from "./archive";

const hashOf = (token: string) => createHash("sha256").update(token).digest("hex");

/** What a token looks like; anything else is refused before the database is asked. */
export const ZShareToken = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_-]{43}$/, zodText("shareLink"));

export const ZCreateShareInput = z.object({
  runId: z.number().int().positive(),
  /** Default KAIROS_SHARE_DAYS. */
  days: z.number().int().min(1).max(3650).optional(),
});

export const shareUrl = (token: string) => `${publicUrl()}/share/${token}`;

/** A new link to a run's report; the token is in the answer only. */
export async function createShare(
  db: DbOrTx,
  actor: Actor | null,
  input: z.input<typeof ZCreateShareInput>,
  now = new Date(),
) {
  const o = ZCreateShareInput.parse(input);
  const [run] = await db.select({ id: runs.id, jobId: runs.jobId }).from(runs).where(eq(runs.id, o.runId));
  if (!run) throw notFound("run", o.runId);
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(now.getTime() + (o.days ?? env().KAIROS_SHARE_DAYS) * 86_400_000);
  const [row] = await db
    .insert(reportShares)
    .values({
      runId: run.id,
      jobId: run.jobId,
      tokenHash: hashOf(token),
      expiresAt,
      createdBy: actor?.id ?? null,
    })
    .returning();
  if (!row) throw new Error("share not stored");
  if (actor) await audit(db, actor, "report.share", "run", run.id, { after: { shareId: row.id, expiresAt } });
  return { id: row.id, runId: run.id, token, url: shareUrl(token), expiresAt };
}

/** A run's links (never their tokens), newest first. */
export function listShares(db: DbOrTx, runId: number) {
  return db
    .select({
      id: reportShares.id,
      expiresAt: reportShares.expiresAt,
      revokedAt: reportShares.revokedAt,
      createdAt: reportShares.createdAt,
      createdBy: users.username,
    })
    .from(reportShares)
    .leftJoin(users, eq(users.id, reportShares.createdBy))
    .where(eq(reportShares.runId, runId))
    .orderBy(desc(reportShares.id));
}

export async function revokeShare(db: DbOrTx, actor: Actor, id: number) {
  const [row] = await db
    .update(reportShares)
    .set({ revokedAt: sql`coalesce(${reportShares.revokedAt}, now())` })
    .where(eq(reportShares.id, id))
    .returning();
  if (!row) throw notFound("share link", id);
  await audit(db, actor, "report.unshare", "run", row.runId, { before: { shareId: id } });
  return { id: row.id, revokedAt: row.revokedAt };
}

export type ShareState = "ok" | "expired" | "revoked" | "missing";

export type SharedReport = {
  state: "ok";
  jobName: string;
  /** The job owner's language: the page a recipient sees is in it. */
  locale: Locale;
  timezone: string;
  scheduledAt: Date;
  finishedAt: Date | null;
  expiresAt: Date;
  files: { id: number; name: string; size: number; contentType: string }[];
};

async function shareOf(db: DbOrTx, token: string, now: Date) {
  const parsed = ZShareToken.safeParse(token);
  if (!parsed.success) return { state: "missing" as const };
  const [row] = await db
    .select()
    .from(reportShares)
    .where(eq(reportShares.tokenHash, hashOf(parsed.data)));
  if (!row) return { state: "missing" as const };
  if (row.revokedAt) return { state: "revoked" as const };
  if (row.expiresAt.getTime() <= now.getTime()) return { state: "expired" as const };
  return { state: "ok" as const, share: row };
}

/** What a link shows: its run's job, date and files, or why it no longer opens. */
export async function viewShare(
  db: DbOrTx,
  token: string,
  now = new Date(),
): Promise<SharedReport | { state: Exclude<ShareState, "ok"> }> {
  const found = await shareOf(db, token, now);
  if (found.state !== "ok") return { state: found.state };
  const { share } = found;
  const [head] = await db.execute<{
    name: string;
    timezone: string;
    scheduled_at: string | Date;
    finished_at: string | Date | null;
    locale: string | null;
  }>(sql`
    select j.name, j.timezone, r.scheduled_at, r.finished_at, u.locale
    from runs r join jobs j on j.id = r.job_id left join users u on u.id = j.owner_id
    where r.id = ${share.runId}`);
  if (!head) return { state: "missing" };
  const files = await db
    .select({
      id: reportFiles.id,
      name: reportFiles.name,
      size: reportFiles.size,
      contentType: reportFiles.contentType,
    })
    .from(reportFiles)
    .where(eq(reportFiles.runId, share.runId))
    .orderBy(reportFiles.id);
  return {
    state: "ok",
    jobName: head.name,
    locale: isLocale(head.locale) ? head.locale : "en",
    timezone: head.timezone,
    scheduledAt: new Date(head.scheduled_at),
    finishedAt: head.finished_at ? new Date(head.finished_at) : null,
    expiresAt: share.expiresAt,
    files,
  };
}

/**
 * A report file through a link: only a file of the link's own run (by id: no path from the
 * request ever reaches the disk). Anything else answers as if it did not exist.
 */
export async function sharedFile(
  db: DbOrTx,
  token: string,
  fileId: number,
  now = new Date(),
): Promise<ReportFileRow> {
  const found = await shareOf(db, token, now);
  if (found.state !== "ok")
    throw new DomainError("NOT_FOUND", msg("reports.shareState", { state: found.state }));
  const [file] = await db
    .select()
    .from(reportFiles)
    .where(and(eq(reportFiles.id, fileId), eq(reportFiles.runId, found.share.runId)))
    .limit(1);
  if (!file) throw notFound("report file", fileId);
  return file;
}

/** A report file through a link, opened for download (the /share/<token>/files/<id> route). */
export async function openSharedFile(token: string, fileId: number, db: DbOrTx = getDb()) {
  return openReportFile(db, (await sharedFile(db, token, fileId)).id);
}
