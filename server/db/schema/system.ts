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

/**
 * Kairos' own pino records (web, worker, launcher), written in batches by server/ops/log-sink.ts
 * and pruned after the retention setting (server/ops/retention.ts). `record` is the whole line.
 */
export const logs = pgTable(
  "logs",
  {
    id: id(),
    at: instant("at").notNull(),
    level: integer("level").notNull(),
    svc: text("svc").notNull(),
    component: text("component"),
    msg: text("msg").notNull().default(""),
    pid: integer("pid"),
    host: text("host"),
    runId: ref("run_id"),
    jobId: ref("job_id"),
    reqId: text("req_id"),
    record: jsonb("record").notNull(),
  },
  (t) => [
    index("logs_at_idx").on(t.at),
    index("logs_level_at_idx").on(t.level, t.at),
    index("logs_req_idx").on(t.reqId),
  ],
);

/** Signed-in browser sessions, listed on the profile page; revoking one adds it to revoked_sessions. */
export const userSessions = pgTable(
  "user_sessions",
  {
    id: text("id").primaryKey(),
    userId: ref("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    ip: text("ip"),
    userAgent: text("user_agent"),
    createdAt: createdAt(),
    lastSeenAt: instant("last_seen_at").notNull().defaultNow(),
    expiresAt: instant("expires_at").notNull(),
  },
  (t) => [index("user_sessions_user_idx").on(t.userId, t.expiresAt)],
);
