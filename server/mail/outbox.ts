import { and, count, desc, eq, ilike, or, sql } from "drizzle-orm";
import { type Actor, audit } from "../audit";
import type { Db, DbOrTx } from "../db/client";
import { type OutboxStatus, outbox, outboxAttachments } from "../db/schema";
import { env } from "../lib/env";
import { notFound } from "../lib/errors";
import { log } from "../lib/log";
import { enqueue } from "../queue/enqueue";
import type { TaskName } from "../queue/tasks";
import { type ListOutboxInput, type SendMailInput, ZListOutboxInput, ZSendMailInput } from "./schema";
import { currentTransport } from "./transport";

export const MAIL_TASK = "mail_deliver" satisfies TaskName;
const jobKey = (id: number) => `mail:${id}`;

/**
 * Records a mail and queues its delivery, in one transaction (the caller's, when given one):
 * a mail is never sent that was not recorded, and never recorded without being queued.
 */
export async function sendMail(db: DbOrTx, input: SendMailInput): Promise<number> {
  const m = ZSendMailInput.parse(input);
  const maxAttempts = env().MAIL_MAX_ATTEMPTS;
  const write = async (tx: DbOrTx) => {
    const [row] = await tx
      .insert(outbox)
      .values({
        kind: m.kind,
        from: env().MAIL_FROM,
        to: m.to,
        cc: m.cc,
        bcc: m.bcc,
        replyTo: m.replyTo ?? null,
        subject: m.subject,
        html: m.html,
        text: m.text,
        maxAttempts,
        createdBy: m.createdBy ?? null,
      })
      .returning({ id: outbox.id });
    if (!row) throw new Error("outbox insert returned nothing");
    if (m.attachments.length) {
      await tx.insert(outboxAttachments).values(
        m.attachments.map((a) => ({
          outboxId: row.id,
          filename: a.filename,
          contentType: a.contentType,
          size: a.content.length,
          content: a.content,
        })),
      );
    }
    await enqueue(tx, MAIL_TASK, { id: row.id }, { jobKey: jobKey(row.id), maxAttempts });
    return row.id;
  };
  // Inside a caller's transaction this is a savepoint: still all-or-nothing with the caller.
  return db.transaction(write);
}

export type DeliveryResult = { status: OutboxStatus; error?: string };

/**
 * Delivers one outbox row (called by the worker task). Throws when the attempt failed and
 * another one will follow, so graphile-worker schedules the retry with its backoff.
 */
export async function deliverMail(
  db: Db,
  id: number,
  attempt: { n: number; max: number },
): Promise<DeliveryResult> {
  const l = log("mail").child({ outboxId: id, attempt: attempt.n });
  const [row] = await db.select().from(outbox).where(eq(outbox.id, id)).limit(1);
  if (!row) {
    l.warn("outbox row vanished before delivery");
    return { status: "failed", error: "deleted" };
  }
  if (row.status === "sent" || row.status === "kept") return { status: row.status };

  const transport = currentTransport();
  if (!transport.send) {
    await db.update(outbox).set({ status: "kept", transport: "none" }).where(eq(outbox.id, id));
    l.info("no mail transport configured: kept in the outbox");
    return { status: "kept" };
  }
  const attachments = await db
    .select({
      filename: outboxAttachments.filename,
      contentType: outboxAttachments.contentType,
      content: outboxAttachments.content,
    })
    .from(outboxAttachments)
    .where(eq(outboxAttachments.outboxId, id))
    .orderBy(outboxAttachments.id);
  await db
    .update(outbox)
    .set({ status: "sending", transport: transport.name, attempts: sql`${outbox.attempts} + 1` })
    .where(eq(outbox.id, id));
  try {
    const messageId = await transport.send({ ...row, attachments });
    await db
      .update(outbox)
      .set({ status: "sent", messageId, sentAt: new Date(), lastError: null })
      .where(eq(outbox.id, id));
    l.info({ transport: transport.name, messageId }, "mail sent");
    return { status: "sent" };
  } catch (e) {
    const error = e instanceof Error ? e.message : String(e);
    const final = attempt.n >= attempt.max;
    await db
      .update(outbox)
      .set({ status: final ? "failed" : "queued", lastError: error.slice(0, 4000) })
      .where(eq(outbox.id, id));
    l.warn({ err: error, final }, "mail delivery failed");
    if (!final) throw e;
    return { status: "failed", error };
  }
}

export async function listOutbox(db: DbOrTx, input: ListOutboxInput) {
  const o = ZListOutboxInput.parse(input);
  const conds = [];
  if (o.status) conds.push(eq(outbox.status, o.status));
  if (o.q) {
    const like = `%${o.q}%`;
    conds.push(or(ilike(outbox.subject, like), sql`array_to_string(${outbox.to}, ',') ilike ${like}`));
  }
  const where = conds.length ? and(...conds) : undefined;
  const [items, [total]] = await Promise.all([
    db
      .select({
        id: outbox.id,
        kind: outbox.kind,
        to: outbox.to,
        subject: outbox.subject,
        status: outbox.status,
        attempts: outbox.attempts,
        createdAt: outbox.createdAt,
        sentAt: outbox.sentAt,
        attachmentCount: sql<number>`(select count(*)::int from ${outboxAttachments} a where a.outbox_id = ${outbox.id})`,
      })
      .from(outbox)
      .where(where)
      .orderBy(desc(outbox.id))
      .limit(o.size)
      .offset((o.page - 1) * o.size),
    db.select({ n: count() }).from(outbox).where(where),
  ]);
  return { items, total: total?.n ?? 0, page: o.page, size: o.size };
}

export async function getOutbox(db: DbOrTx, id: number) {
  const [row] = await db.select().from(outbox).where(eq(outbox.id, id)).limit(1);
  if (!row) throw notFound("mail", id);
  const attachments = await db
    .select({
      id: outboxAttachments.id,
      filename: outboxAttachments.filename,
      contentType: outboxAttachments.contentType,
      size: outboxAttachments.size,
    })
    .from(outboxAttachments)
    .where(eq(outboxAttachments.outboxId, id))
    .orderBy(outboxAttachments.id);
  return { ...row, attachments };
}

export async function getAttachment(db: DbOrTx, outboxId: number, attachmentId: number) {
  const [row] = await db
    .select()
    .from(outboxAttachments)
    .where(and(eq(outboxAttachments.outboxId, outboxId), eq(outboxAttachments.id, attachmentId)))
    .limit(1);
  if (!row) throw notFound("attachment", attachmentId);
  return row;
}

/** Queues a mail for delivery again (after a failure, or a kept mail once a transport is set). */
export async function resendMail(db: Db, actor: Actor, id: number) {
  await db.transaction(async (tx) => {
    const [row] = await tx
      .update(outbox)
      .set({ status: "queued", attempts: 0, lastError: null })
      .where(eq(outbox.id, id))
      .returning({ id: outbox.id, maxAttempts: outbox.maxAttempts });
    if (!row) throw notFound("mail", id);
    await enqueue(tx, MAIL_TASK, { id }, { jobKey: jobKey(id), maxAttempts: row.maxAttempts });
    await audit(tx, actor, "mail.resend", "mail", id);
  });
}

export async function outboxCounts(db: DbOrTx): Promise<Record<OutboxStatus, number>> {
  const rows = await db.select({ status: outbox.status, n: count() }).from(outbox).groupBy(outbox.status);
  const out: Record<OutboxStatus, number> = { queued: 0, sending: 0, sent: 0, failed: 0, kept: 0 };
  for (const r of rows) out[r.status] = r.n;
  return out;
}
