/**
 * The browser's way to backups (Admin › Backup): GET downloads one, POST previews (dry run) or
 * applies an uploaded file. Route handlers, not tRPC: a backup is bytes and may pass tRPC's
 * 1 MiB body limit.
 */
import "server-only";
import { audit } from "../audit";
import type { PublicUser } from "../auth/users";
import type { Db } from "../db/client";
import { localizedMessage, msg, renderMsg } from "../i18n/errors";
import { isLocale, type Locale, negotiateLocale } from "../i18n/locale";
import { DomainError } from "../lib/errors";
import { requestAddress } from "../net/client-address";
import { isCrossSite } from "../net/origin";
import { BACKUP_MAX_BYTES, exportArchive, readBackupBytes } from "./archive";
import { exportBackup } from "./export";
import { BackupInvalid, importBackup } from "./import";

const flag = (url: URL, name: string) => url.searchParams.get(name) === "1";
const actorOf = (user: PublicUser, req: Request) => ({
  id: user.id,
  name: user.username,
  role: user.role,
  ip: requestAddress(req.headers),
});

/** `kairos-backup-20261201-1830.json` (UTC). */
function fileName(ext: string, now = new Date()) {
  const s = now.toISOString().replace(/[-:]/g, "");
  return `kairos-backup-${s.slice(0, 8)}-${s.slice(9, 13)}.${ext}`;
}

export async function downloadBackup(db: Db, user: PublicUser, req: Request): Promise<Response> {
  const url = new URL(req.url);
  const o = {
    withPasswords: flag(url, "passwords"),
    withSecrets: flag(url, "secrets"),
    withFiles: flag(url, "files"),
  };
  const body = o.withFiles
    ? await exportArchive(db, o)
    : Buffer.from(`${JSON.stringify(await exportBackup(db, o), null, 2)}\n`);
  // Who took a copy, and with which credentials in it.
  await audit(db, actorOf(user, req), "backup.export", "backup", null, { after: o });
  return new Response(new Uint8Array(body), {
    headers: {
      "Content-Type": o.withFiles ? "application/zip" : "application/json; charset=utf-8",
      "Content-Disposition": `attachment; filename="${fileName(o.withFiles ? "zip" : "json")}"`,
      "Cache-Control": "private, no-store",
    },
  });
}

/** The signed-in reader's language, else the browser's. */
const localeOf = (user: PublicUser, req: Request): Locale =>
  isLocale(user.locale) ? user.locale : negotiateLocale(req.headers.get("accept-language"));

export async function uploadBackup(db: Db, user: PublicUser, req: Request): Promise<Response> {
  const locale = localeOf(user, req);
  if (isCrossSite(req.headers, req.url))
    return Response.json({ error: renderMsg(msg("backup.crossSite"), locale) }, { status: 403 });
  if (Number(req.headers.get("content-length") ?? 0) > BACKUP_MAX_BYTES)
    return Response.json(
      {
        error: renderMsg(msg("backup.uploadTooLarge", { limit: String(BACKUP_MAX_BYTES) }), locale),
        field: "file",
      },
      { status: 413 },
    );
  const dryRun = flag(new URL(req.url), "dryRun");
  try {
    const raw = await readBackupBytes(Buffer.from(await req.arrayBuffer()));
    const actor = actorOf(user, req);
    return Response.json(await importBackup(db, actor, raw, { dryRun, callerIp: actor.ip }));
  } catch (e) {
    if (e instanceof BackupInvalid)
      return Response.json(
        { error: localizedMessage(e, locale), field: e.field, problems: e.problems(locale) },
        { status: 400 },
      );
    if (e instanceof DomainError)
      return Response.json(
        { error: localizedMessage(e, locale), field: e.field ?? null },
        { status: e.code === "PRECONDITION_FAILED" ? 412 : 400 },
      );
    throw e;
  }
}
