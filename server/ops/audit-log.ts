import { and, count, desc, eq, gte, ilike, lt, lte, sql } from "drizzle-orm";
import type { DbOrTx } from "../db/client";
import { auditLog } from "../db/schema";
import type { AuditListInput } from "./schema";

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The audit log, newest first, filtered by actor (name contains), area, action and time. */
export async function listAudit(db: DbOrTx, input: AuditListInput) {
  const where = and(
    input.actor ? ilike(auditLog.actorName, `%${escapeLike(input.actor)}%`) : undefined,
    input.area ? sql`split_part(${auditLog.action}, '.', 1) = ${input.area}` : undefined,
    input.action ? eq(auditLog.action, input.action) : undefined,
    input.from ? gte(auditLog.at, new Date(input.from)) : undefined,
    input.to ? lte(auditLog.at, new Date(input.to)) : undefined,
  );
  const [items, [total]] = await Promise.all([
    db
      .select()
      .from(auditLog)
      .where(where)
      .orderBy(desc(auditLog.id))
      .limit(input.size)
      .offset((input.page - 1) * input.size),
    db.select({ n: count() }).from(auditLog).where(where),
  ]);
  return { items, total: total?.n ?? 0, page: input.page, size: input.size };
}

/** Deletes audit rows older than `days`, in batches (never one long lock). */
export async function pruneAudit(db: DbOrTx, days: number): Promise<number> {
  let deleted = 0;
  for (;;) {
    const r = await db.execute(sql`
      delete from audit_log where id in (
        select id from audit_log where ${lt(auditLog.at, sql`now() - make_interval(days => ${days})`)}
        order by id limit 5000)`);
    deleted += r.count;
    if (r.count < 5000) return deleted;
  }
}
