import type { Actor } from "../audit";
import { audit } from "../audit";
import type { Db, DbOrTx } from "../db/client";
import { log } from "../lib/log";
import { getSetting, setSetting } from "../settings";
import { pruneAudit } from "./audit-log";
import { pruneLogs } from "./logs";

/** How long Kairos keeps its own log lines and its audit rows, in days (settings, per installation). */
export const RETENTION = {
  logs: { key: "log_retention_days", fallback: 14 },
  audit: { key: "audit_retention_days", fallback: 365 },
} as const;
export type RetentionKind = keyof typeof RETENTION;

export function retentionDays(db: DbOrTx, kind: RetentionKind): Promise<number> {
  return getSetting(db, RETENTION[kind].key, RETENTION[kind].fallback);
}

export async function setRetentionDays(db: Db, actor: Actor, kind: RetentionKind, days: number) {
  await db.transaction(async (tx) => {
    const before = await retentionDays(tx, kind);
    await setSetting(tx, RETENTION[kind].key, days);
    await audit(tx, actor, "settings.update", "settings", RETENTION[kind].key, {
      before: { days: before },
      after: { days },
    });
  });
}

/** The housekeeping task (graphile-worker crontab, worker/tasks.ts). */
export async function pruneOps(db: Db) {
  const logsDeleted = await pruneLogs(db, await retentionDays(db, "logs"));
  const auditDeleted = await pruneAudit(db, await retentionDays(db, "audit"));
  if (logsDeleted || auditDeleted)
    log("ops").info({ logsDeleted, auditDeleted }, "pruned logs and audit rows");
}
