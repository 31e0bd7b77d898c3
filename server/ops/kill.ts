import type { Actor } from "../audit";
import { audit } from "../audit";
import type { Db } from "../db/client";
import { retryingTransaction } from "../db/retry";
import { msg } from "../i18n/errors";
import { DomainError } from "../lib/errors";
import { cancelActiveRuns } from "../runs/cancel";

/**
 * Ends a running run from the system page: the stop path every stop takes (server/runs/cancel.ts)
 * — its worker hears the request, ends the whole process group (TERM, then KILL), writes
 * "[stopped on request]" into the run's log and records it cancelled with this reason.
 */
export async function killRun(db: Db, actor: Actor, runId: number) {
  return retryingTransaction(db, "kill a run", async (tx) => {
    const r = await cancelActiveRuns(tx, {
      runIds: [runId],
      reason: `killed from the system page by ${actor.name}`,
    });
    if (!r.cancelled.length && !r.signalled.length) {
      throw new DomainError("CONFLICT", msg("runNotActive", { id: String(runId) }));
    }
    await audit(tx, actor, "run.kill", "run", runId, { after: r });
    return r;
  });
}
