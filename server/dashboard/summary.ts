import { sql } from "drizzle-orm";
import type { DbOrTx } from "../db/client";
import { outboxCounts } from "../mail/outbox";
import { currentTransport } from "../mail/transport";
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
  const [workers, queue, outbox] = await Promise.all([listWorkers(db), queueCounts(db), outboxCounts(db)]);
  return { workers, queue, outbox, mailTransport: currentTransport().name, at: new Date() };
}
