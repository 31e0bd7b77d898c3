import { and, count, desc, eq, type SQL, sql } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "../db/client";
import { jobs, runs } from "../db/schema";
import { RUN_STATUSES, RUN_TRIGGERS } from "../lib/enums";
import { notFound } from "../lib/errors";
import { zPageSize } from "../lib/paging";

export const ZListRunsInput = z.object({
  page: z.number().int().min(1).default(1),
  size: zPageSize().default(25),
  jobId: z.number().int().positive().optional(),
  status: z.enum(RUN_STATUSES).optional(),
  trigger: z.enum(RUN_TRIGGERS).optional(),
});
export type ListRunsInput = z.input<typeof ZListRunsInput>;

const runColumns = {
  id: runs.id,
  jobId: runs.jobId,
  jobName: jobs.name,
  jobMode: jobs.mode,
  trigger: runs.trigger,
  status: runs.status,
  attempt: runs.attempt,
  scheduledAt: runs.scheduledAt,
  enqueuedAt: runs.enqueuedAt,
  startedAt: runs.startedAt,
  finishedAt: runs.finishedAt,
  workerId: runs.workerId,
  exitCode: runs.exitCode,
  httpStatus: runs.httpStatus,
  error: runs.error,
  outputBytes: runs.outputBytes,
  outputTruncated: runs.outputTruncated,
  cancelRequestedAt: runs.cancelRequestedAt,
  parentRunId: runs.parentRunId,
  result: runs.result,
  host: runs.host,
  pgid: runs.pgid,
  orphanedAt: runs.orphanedAt,
  processEndedAt: runs.processEndedAt,
};

export async function listRuns(db: DbOrTx, input: ListRunsInput) {
  const o = ZListRunsInput.parse(input);
  const conds: SQL[] = [];
  if (o.jobId) conds.push(eq(runs.jobId, o.jobId));
  if (o.status) conds.push(eq(runs.status, o.status));
  if (o.trigger) conds.push(eq(runs.trigger, o.trigger));
  const where = conds.length ? and(...conds) : undefined;
  const [items, [total]] = await Promise.all([
    db
      .select(runColumns)
      .from(runs)
      .innerJoin(jobs, eq(jobs.id, runs.jobId))
      .where(where)
      .orderBy(desc(runs.id))
      .limit(o.size)
      .offset((o.page - 1) * o.size),
    // Counting a huge history exactly is slow; past 10,000 the pager says "10,000+".
    db.execute<{ n: number }>(
      sql`select count(*)::int as n from (select 1 from runs ${where ? sql`where ${where}` : sql``} limit 10001) x`,
    ),
  ]);
  return { items, total: Number(total?.n ?? 0), page: o.page, size: o.size };
}

export async function getRun(db: DbOrTx, id: number) {
  const [row] = await db
    .select(runColumns)
    .from(runs)
    .innerJoin(jobs, eq(jobs.id, runs.jobId))
    .where(eq(runs.id, id));
  if (!row) throw notFound("run", id);
  return row;
}

export async function runCounts(db: DbOrTx) {
  const rows = await db
    .select({ status: runs.status, n: count() })
    .from(runs)
    .where(sql`${runs.status} in ('queued', 'running') or ${runs.finishedAt} > now() - interval '24 hours'`)
    .groupBy(runs.status);
  return Object.fromEntries(rows.map((r) => [r.status, r.n])) as Partial<
    Record<(typeof RUN_STATUSES)[number], number>
  >;
}
