import { eq, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { workers } from "../db/schema";
import { log } from "../lib/log";
import { recoverRunsOf } from "../runs/recovery";
import { deadWorkers } from "./heartbeat";

/**
 * Releases the queue jobs of workers that died: graphile-worker itself waits 4 hours before it
 * retries a job whose worker vanished. Any live worker may run this; the row lock makes one win.
 * `self` is the sweeping worker: after losing the database for a while its own heartbeat looks
 * old too, but it is alive and its runs are still going, so it never sweeps itself.
 */
export async function sweepDeadWorkers(db: Db, opts: { self?: string } = {}): Promise<string[]> {
  const dead = (await deadWorkers(db)).filter((w) => w.id !== opts.self);
  const swept: string[] = [];
  for (const w of dead) {
    await db.transaction(async (tx) => {
      const [row] = await tx
        .select({ id: workers.id })
        .from(workers)
        .where(eq(workers.id, w.id))
        .for("update", { skipLocked: true });
      if (!row) return;
      if (w.queueWorkerIds.length) {
        await tx.execute(
          sql`select graphile_worker.force_unlock_workers(string_to_array(${w.queueWorkerIds.join(",")}, ','))`,
        );
      }
      await tx.update(workers).set({ stoppedAt: sql`now()` }).where(eq(workers.id, w.id));
      swept.push(w.id);
    });
  }
  if (swept.length) {
    log("worker").warn({ workers: swept }, "released the jobs of dead workers");
    await recoverRunsOf(db, swept);
  }
  return swept;
}
