import { Logger } from "graphile-worker";
import { log } from "../log";

/** Errors as name, message and code: graphile-worker's carry whole pg clients, far too much for a log line. */
function compact(meta: Record<string, unknown> | undefined): Record<string, unknown> {
  if (!meta) return {};
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(meta)) {
    if (v instanceof Error) {
      const e = v as Error & { code?: unknown };
      out[k === "error" ? "err" : k] = { name: e.name, message: e.message, code: e.code };
    } else if (k === "job" && v && typeof v === "object") {
      const j = v as Record<string, unknown>;
      out.job = { id: j.id, task: j.task_identifier, attempts: j.attempts, key: j.key };
    } else out[k] = v;
  }
  return out;
}

/** graphile-worker's log lines, routed into our pino logs. */
export const queueLogger = new Logger((scope) => {
  const l = log("queue").child(scope);
  return (level, message, meta) => {
    const m = compact(meta);
    if (level === "error") l.error(m, message);
    else if (level === "warning") l.warn(m, message);
    else if (level === "info") l.info(m, message);
    else l.debug(m, message);
  };
});
