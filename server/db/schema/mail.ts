import { index, integer, pgEnum, pgTable, text } from "drizzle-orm/pg-core";
import { OUTBOX_STATUSES } from "../../lib/enums";
import { users } from "./auth";
import { bytea, createdAt, id, instant, ref, updatedAt } from "./columns";

export { OUTBOX_STATUSES, type OutboxStatus } from "../../lib/enums";
export const outboxStatusEnum = pgEnum("outbox_status", OUTBOX_STATUSES);

/** Every email Kairos sends is recorded here first, then delivered by a worker task. */
export const outbox = pgTable(
  "outbox",
  {
    id: id(),
    kind: text("kind").notNull(),
    from: text("from").notNull(),
    to: text("to").array().notNull(),
    cc: text("cc").array().notNull().default([]),
    bcc: text("bcc").array().notNull().default([]),
    replyTo: text("reply_to"),
    subject: text("subject").notNull(),
    html: text("html").notNull(),
    text: text("text").notNull(),
    status: outboxStatusEnum("status").notNull().default("queued"),
    transport: text("transport"),
    attempts: integer("attempts").notNull().default(0),
    maxAttempts: integer("max_attempts").notNull(),
    lastError: text("last_error"),
    messageId: text("message_id"),
    createdBy: ref("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    sentAt: instant("sent_at"),
  },
  (t) => [index("outbox_created_idx").on(t.createdAt), index("outbox_status_idx").on(t.status, t.createdAt)],
);

export const outboxAttachments = pgTable(
  "outbox_attachments",
  {
    id: id(),
    outboxId: ref("outbox_id")
      .notNull()
      .references(() => outbox.id, { onDelete: "cascade" }),
    filename: text("filename").notNull(),
    contentType: text("content_type").notNull(),
    size: integer("size").notNull(),
    content: bytea("content").notNull(),
  },
  (t) => [index("outbox_attachments_outbox_idx").on(t.outboxId)],
);

export type OutboxRow = typeof outbox.$inferSelect;
