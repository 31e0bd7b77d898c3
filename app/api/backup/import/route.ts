import { sessionRoute } from "@/server/api/session-route";
import { uploadBackup } from "@/server/backup/http";

/** The body is a backup file (JSON or archive); ?dryRun=1 answers what it would do, changing nothing. */
export async function POST(req: Request) {
  return sessionRoute("backup.manage", ({ db, user }) => uploadBackup(db, user, req));
}
