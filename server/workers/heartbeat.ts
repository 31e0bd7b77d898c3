import { and, desc, eq, gt, isNull, or, sql } from "drizzle-orm";
import type { DbOrTx } from "../db/client";
import { workers } from "../db/schema";
import { env } from "../lib/env";

export type WorkerInfo = { id: string; host: string; pid: number; version: string; concurrency: number };

export async function registerWorker(db: DbOrTx, w: WorkerInfo) {
  await db
    .insert(workers)
    .values(w)
    .onConflictDoUpdate({
      target: workers.id,
      set: { startedAt: sql`now()`, lastSeenAt: sql`now()`, stoppedAt: null },
    });
}

export async function beat(
  db: DbOrTx,
  id: string,
  queueWorkerIds: string[],
  stats: Record<string, unknown> = {},
) {
  await db
    .update(workers)
    .set({ lastSeenAt: sql`now()`, queueWorkerIds, stoppedAt: null, stats })
    .where(eq(workers.id, id));
}

export async function markStopped(db: DbOrTx, id: string) {
  await db.update(workers).set({ stoppedAt: sql`now()` }).where(eq(workers.id, id));
}

/** Workers seen in the last hour, newest first, each marked live or not. */
export async function listWorkers(db: DbOrTx) {
  const deadAfter = env().WORKER_DEAD_AFTER_SECONDS;
  const rows = await db
    .select({
      id: workers.id,
      host: workers.host,
      pid: workers.pid,
      version: workers.version,
      concurrency: workers.concurrency,
      startedAt: workers.startedAt,
      lastSeenAt: workers.lastSeenAt,
      stoppedAt: workers.stoppedAt,
      stats: workers.stats,
      ageMs: sql<number>`(extract(epoch from now() - ${workers.lastSeenAt}) * 1000)::float8`,
    })
    .from(workers)
    .where(or(isNull(workers.stoppedAt), gt(workers.lastSeenAt, sql`now() - interval '1 hour'`)))
    .orderBy(desc(workers.lastSeenAt))
    .limit(50);
  return rows.map((r) => ({ ...r, isLive: !r.stoppedAt && r.ageMs < deadAfter * 1000 }));
}

/** Workers that stopped heartbeating without saying goodbye (crashed, SIGKILLed, host lost). */
export async function deadWorkers(db: DbOrTx) {
  const deadAfter = env().WORKER_DEAD_AFTER_SECONDS;
  return db
    .select({ id: workers.id, queueWorkerIds: workers.queueWorkerIds })
    .from(workers)
    .where(
      and(
        isNull(workers.stoppedAt),
        sql`${workers.lastSeenAt} < now() - make_interval(secs => ${deadAfter})`,
      ),
    );
}
