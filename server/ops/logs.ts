import { and, asc, count, desc, eq, gt, gte, ilike, lte, or, type SQL, sql } from "drizzle-orm";
import type { DbOrTx } from "../db/client";
import { logs } from "../db/schema";
import { LOG_LEVELS, type LogFilter } from "./schema";

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

function whereOf(f: LogFilter): SQL | undefined {
  return and(
    f.level ? gte(logs.level, LOG_LEVELS[f.level]) : undefined,
    f.component ? or(eq(logs.svc, f.component), eq(logs.component, f.component)) : undefined,
    // The message, or anything in the record (an error's text, a URL, a job name).
    f.text
      ? or(
          ilike(logs.msg, `%${escapeLike(f.text)}%`),
          sql`${logs.record}::text ilike ${`%${escapeLike(f.text)}%`}`,
        )
      : undefined,
    f.reqId ? eq(logs.reqId, f.reqId) : undefined,
    f.runId ? eq(logs.runId, f.runId) : undefined,
    f.from ? gte(logs.at, new Date(f.from)) : undefined,
    f.to ? lte(logs.at, new Date(f.to)) : undefined,
  );
}

const COLUMNS = {
  id: logs.id,
  at: logs.at,
  level: logs.level,
  svc: logs.svc,
  component: logs.component,
  msg: logs.msg,
  runId: logs.runId,
  jobId: logs.jobId,
  reqId: logs.reqId,
  /** What the list shows under the message: a request's method, URL and status, or an error's text. */
  detail: sql<string | null>`coalesce(
    nullif(concat_ws(' ', ${logs.record}->>'method', ${logs.record}->>'url', ${logs.record}->>'status'), ''),
    left(${logs.record}->'err'->>'message', 300))`,
};

/** A page of entries, newest first (the list shows the summary; the dialog asks for the record). */
export async function listLogs(db: DbOrTx, input: LogFilter & { page: number; size: number }) {
  const where = whereOf(input);
  const [items, [total]] = await Promise.all([
    db
      .select(COLUMNS)
      .from(logs)
      .where(where)
      .orderBy(desc(logs.id))
      .limit(input.size)
      .offset((input.page - 1) * input.size),
    db.select({ n: count() }).from(logs).where(where),
  ]);
  return { items, total: total?.n ?? 0, page: input.page, size: input.size };
}

/** Entries newer than `afterId` (live tail), oldest first, at most 200 per call. */
export async function tailLogs(db: DbOrTx, input: LogFilter & { afterId: number }) {
  return db
    .select(COLUMNS)
    .from(logs)
    .where(and(whereOf(input), gt(logs.id, input.afterId)))
    .orderBy(asc(logs.id))
    .limit(200);
}

export async function getLog(db: DbOrTx, id: number) {
  const [row] = await db.select().from(logs).where(eq(logs.id, id));
  return row ?? null;
}

/** The filtered entries as NDJSON (each line the record pino wrote), oldest first, in pages. */
export async function* exportLogs(db: DbOrTx, f: LogFilter, max = 100_000): AsyncGenerator<string> {
  let after = 0;
  let sent = 0;
  while (sent < max) {
    const rows = await db
      .select({ id: logs.id, record: logs.record })
      .from(logs)
      .where(and(whereOf(f), gt(logs.id, after)))
      .orderBy(asc(logs.id))
      .limit(1000);
    if (!rows.length) return;
    yield rows.map((r) => `${JSON.stringify(r.record)}\n`).join("");
    sent += rows.length;
    after = rows[rows.length - 1]?.id ?? after;
  }
}

/** The processes and components seen, for the filter's choices. */
export async function logComponents(db: DbOrTx): Promise<string[]> {
  const rows = await db.execute<{ c: string }>(sql`
    select c from (select distinct svc as c from logs union select distinct component from logs where component is not null) x
    order by c limit 100`);
  return rows.map((r) => r.c);
}

export async function pruneLogs(db: DbOrTx, days: number): Promise<number> {
  let deleted = 0;
  for (;;) {
    const r = await db.execute(sql`
      delete from logs where id in (
        select id from logs where at < now() - make_interval(days => ${days}) order by id limit 10000)`);
    deleted += r.count;
    if (r.count < 10000) return deleted;
  }
}
