import type { Actor } from "../audit";
import { audit } from "../audit";
import type { Db, DbOrTx } from "../db/client";
import { log } from "../lib/log";
import { getSetting, setSetting } from "../settings";

/**
 * The TimerJobs "log switch" (/jobs/switchState). In Kairos it decides whether every request to
 * the REST APIs (TimerJobs and /api/v1) is written to the system log — the audit log that
 * /jobs/zapLogs shows — with method, path, status, duration, caller and address. Off by default.
 */
export const REQUEST_LOG_KEY = "api_request_log";

export function isRequestLogOn(db: DbOrTx): Promise<boolean> {
  return getSetting(db, REQUEST_LOG_KEY, false);
}

export async function setRequestLog(db: Db, actor: Actor, on: boolean) {
  await db.transaction(async (tx) => {
    await setSetting(tx, REQUEST_LOG_KEY, on);
    await audit(tx, actor, on ? "api.request_log.on" : "api.request_log.off", "settings", REQUEST_LOG_KEY);
  });
}

export async function logRequest(
  db: Db,
  entry: {
    actor: Actor | null;
    ip: string | null;
    method: string;
    path: string;
    status: number;
    code: number;
    ms: number;
  },
) {
  try {
    if (!(await isRequestLogOn(db))) return;
    await audit(
      db,
      entry.actor ?? { id: null, name: "anonymous", ip: entry.ip },
      "api.request",
      "api",
      `${entry.method} ${entry.path}`,
      { after: { status: entry.status, code: entry.code, ms: entry.ms } },
    );
  } catch (err) {
    log("api").warn({ err }, "could not write the request log");
  }
}
