import { Logger } from "graphile-worker";
import { log } from "./log";

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

const LEVELS = { error: "error", warning: "warn", info: "info", debug: "debug" } as const;

/**
 * Start-up advice that does not fit Kairos' sizing: most task slots wait on the network, not on
 * a pool connection, and the local queue is sized by measurement (README, "Benchmarks"). Kept at
 * debug so an operator's warnings mean something.
 */
const SIZING_ADVICE = [
  /maxPoolSize .* smaller than concurrency/,
  /job batch size .* smaller than your concurrency/,
];

/**
 * graphile-worker's log lines, routed into our pino logs. It makes a scoped logger per job, so
 * the pino child is made only when a line is actually written at an enabled level (making one
 * per job cost ~5 % of a busy worker's CPU).
 */
export const queueLogger = new Logger((scope) => {
  return (level, message, meta) => {
    const root = log("queue");
    let pinoLevel: "error" | "warn" | "info" | "debug" = LEVELS[level as keyof typeof LEVELS] ?? "debug";
    // Checked first: most lines (a task found, a task done) are below the level and cost nothing more.
    if (!root.isLevelEnabled(pinoLevel)) return;
    // "Completed task N … with success", once per run: the run's own record says it, with more
    // (at info, a log line and a logs-table row per run was a good part of a busy worker's work).
    if (pinoLevel === "info" && meta?.success === true) pinoLevel = "debug";
    if (SIZING_ADVICE.some((re) => re.test(message))) pinoLevel = "debug";
    if (!root.isLevelEnabled(pinoLevel)) return;
    root.child(scope)[pinoLevel](compact(meta), message);
  };
});
