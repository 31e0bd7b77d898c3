import { and, asc, eq, gt, type SQL, sql } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "../db/client";
import { runLogs } from "../db/schema";

/**
 * Reading a run's stored output (the run_logs chunks the engine writes): the one place that
 * knows how output is stored, for the run page's live tail, downloads, mails and the APIs.
 */

export const ZRunLogInput = z.object({
  id: z.number().int().positive(),
  afterSeq: z.number().int().min(-1).default(-1),
  limit: z.number().int().min(1).max(5000).default(1000),
});

/** Chunks after `afterSeq`, in order (the live tail polls with the last seq it has). */
export async function readRunLog(db: DbOrTx, input: z.input<typeof ZRunLogInput>) {
  const o = ZRunLogInput.parse(input);
  return db
    .select({ seq: runLogs.seq, stream: runLogs.stream, at: runLogs.at, data: runLogs.data })
    .from(runLogs)
    .where(and(eq(runLogs.runId, o.id), gt(runLogs.seq, o.afterSeq)))
    .orderBy(asc(runLogs.seq))
    .limit(o.limit);
}

/** The last lines of a run's output (failure mails), at most `maxChars`. */
export async function runLogTail(db: DbOrTx, runId: number, opts = { lines: 40, maxChars: 4000 }) {
  const tail = await db.execute<{ data: string }>(sql`
    select data from run_logs where run_id = ${runId} order by seq desc limit 20`);
  const text = tail
    .map((r) => r.data)
    .reverse()
    .join("");
  return text.split("\n").slice(-opts.lines).join("\n").slice(-opts.maxChars);
}

/** The whole stored output as a byte stream, read in pages (it may be large). */
export function streamRunLog(db: DbOrTx, runId: number): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const PAGE = 500;
  let after = -1;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const rows = await db.execute<{ seq: number; data: string }>(sql`
        select seq, data from run_logs where run_id = ${runId} and seq > ${after} order by seq limit ${PAGE}`);
      for (const r of rows) controller.enqueue(encoder.encode(r.data));
      if (rows.length < PAGE) controller.close();
      else after = Number(rows[rows.length - 1]?.seq ?? after);
    },
  });
}

/**
 * A lateral join giving each run row (`runAlias`.id) the head of its output (`output`, at most
 * `cap` characters) and its stored length (`output_len`), for lists that show output inline.
 */
export function outputHeadLateral(runAlias: SQL, cap: number): SQL {
  return sql`left join lateral (
    select left(string_agg(l.data, '' order by l.seq), ${cap}) as output, sum(length(l.data))::int as output_len
    from run_logs l where l.run_id = ${runAlias}.id
  ) o on true`;
}
