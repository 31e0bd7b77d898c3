import { Logger } from "graphile-worker";
import { log } from "../log";

/** graphile-worker's log lines, routed into our pino logs. */
export const queueLogger = new Logger((scope) => {
  const l = log("queue").child(scope);
  return (level, message, meta) => {
    const m = meta ?? {};
    if (level === "error") l.error(m, message);
    else if (level === "warning") l.warn(m, message);
    else if (level === "info") l.info(m, message);
    else l.debug(m, message);
  };
});
