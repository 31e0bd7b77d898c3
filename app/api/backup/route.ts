import { sessionRoute } from "@/server/api/session-route";
import { downloadBackup } from "@/server/backup/http";

/** A backup of everything (Admin › Backup): ?passwords=1, ?secrets=1, ?files=1 (a ZIP). */
export async function GET(req: Request) {
  return sessionRoute("backup.manage", ({ db, user }) => downloadBackup(db, user, req));
}
