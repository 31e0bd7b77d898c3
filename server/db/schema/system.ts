import { index, integer, jsonb, pgTable, text } from "drizzle-orm/pg-core";
import { users } from "./auth";
import { createdAt, id, instant, ref } from "./columns";

/** Installation-wide values shared by every process (e.g. the generated session secret). */
export const settings = pgTable("settings", {
  key: text("key").primaryKey(),
  value: jsonb("value").notNull(),
  updatedAt: instant("updated_at").notNull().defaultNow(),
});

/** One row per worker process; the heartbeat is how other processes know it is alive. */
export const workers = pgTable(
  "workers",
  {
    id: text("id").primaryKey(),
    host: text("host").notNull(),
    pid: integer("pid").notNull(),
    version: text("version").notNull(),
    concurrency: integer("concurrency").notNull(),
    /** The ids graphile-worker locks this process's jobs by (its pool ids), to force-unlock them when it dies. */
    queueWorkerIds: text("queue_worker_ids").array().notNull().default([]),
    /** What the worker reports with each heartbeat: active runs, scheduler lag… */
    stats: jsonb("stats").notNull().default({}),
    startedAt: instant("started_at").notNull().defaultNow(),
    lastSeenAt: instant("last_seen_at").notNull().defaultNow(),
    stoppedAt: instant("stopped_at"),
  },
  (t) => [index("workers_last_seen_idx").on(t.lastSeenAt)],
);

export const auditLog = pgTable(
  "audit_log",
  {
    id: id(),
    actorId: ref("actor_id").references(() => users.id, { onDelete: "set null" }),
    actorName: text("actor_name").notNull(),
    action: text("action").notNull(),
    entityType: text("entity_type").notNull(),
    entityId: text("entity_id"),
    before: jsonb("before"),
    after: jsonb("after"),
    ip: text("ip"),
    at: createdAt(),
  },
  (t) => [index("audit_log_at_idx").on(t.at), index("audit_log_entity_idx").on(t.entityType, t.entityId)],
);
