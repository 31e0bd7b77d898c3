import { sql } from "drizzle-orm";
import type { DbOrTx } from "../db/client";
import { isSchedulerPaused } from "../jobs/jobs";
import { outboxCounts } from "../mail/outbox";
import { currentTransport } from "../mail/transport";
import { runCounts } from "../runs/runs";
import { listWorkers } from "../workers/heartbeat";

export type QueueCounts = { queued: number; running: number; scheduled: number; failed: number };

/** graphile-worker's queue as an operator sees it: waiting now, running, later, given up. */
export async function queueCounts(db: DbOrTx): Promise<QueueCounts> {
  const rows = await db.execute<QueueCounts>(sql`
    select
      count(*) filter (where locked_at is null and run_at <= now() and attempts < max_attempts)::int as queued,
      count(*) filter (where locked_at is not null)::int as running,
      count(*) filter (where locked_at is null and run_at > now() and attempts < max_attempts)::int as scheduled,
      count(*) filter (where attempts >= max_attempts and locked_at is null)::int as failed
    from graphile_worker.jobs`);
  return rows[0] ?? { queued: 0, running: 0, scheduled: 0, failed: 0 };
}

export async function dashboardSummary(db: DbOrTx) {
  const [workers, queue, outbox, runs, paused] = await Promise.all([
    listWorkers(db),
    queueCounts(db),
    outboxCounts(db),
    runCounts(db),
    isSchedulerPaused(db),
  ]);
  // Scheduler lag as the live workers report it (their worst p99 over recent fires).
  const lags = workers
    .filter((w) => w.isLive)
    .map((w) => (w.stats as { scheduler?: { lagP99?: number | null } } | null)?.scheduler?.lagP99)
    .filter((v): v is number => typeof v === "number");
  return {
    workers,
    queue,
    outbox,
    runs,
    scheduler: { paused, lagP99Ms: lags.length ? Math.max(...lags) : null },
    mailTransport: currentTransport().name,
    at: new Date(),
  };
}
