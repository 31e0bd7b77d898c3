import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  index,
  integer,
  pgEnum,
  pgTable,
  text,
  uniqueIndex,
  varchar,
} from "drizzle-orm/pg-core";
import { ROLES } from "../../lib/enums";
import { createdAt, id, instant, updatedAt } from "./columns";

export { ROLES, type Role } from "../../lib/enums";
export const roleEnum = pgEnum("role", ROLES);

export const users = pgTable(
  "users",
  {
    id: id(),
    username: text("username").notNull(),
    email: text("email"),
    name: text("name").notNull().default(""),
    passwordHash: text("password_hash").notNull(),
    role: roleEnum("role").notNull().default("viewer"),
    locale: text("locale"),
    /** IANA zone pages and mails show instants in; null until the first sign-in reports the browser's. */
    timeZone: text("time_zone"),
    isActive: boolean("is_active").notNull().default(true),
    lastLoginAt: instant("last_login_at"),
    /** Sessions issued before this instant are refused (set on password change / disable). */
    sessionsValidAfter: instant("sessions_valid_after").notNull().defaultNow(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("users_username_uq").on(sql`lower(${t.username})`),
    uniqueIndex("users_email_uq").on(sql`lower(${t.email})`),
    index("users_role_idx").on(t.role),
  ],
);

export type User = typeof users.$inferSelect;

/**
 * Failed sign-in counters (rate-limiter-flexible's Postgres store, its own column layout):
 * one row per account and per client address, `expire` in epoch milliseconds.
 */
export const loginLimits = pgTable("login_limits", {
  key: varchar("key", { length: 255 }).primaryKey(),
  points: integer("points").notNull().default(0),
  expire: bigint("expire", { mode: "number" }),
});

/** Sessions ended by signing out, refused until they would have expired anyway. */
export const revokedSessions = pgTable(
  "revoked_sessions",
  {
    id: text("id").primaryKey(),
    expiresAt: instant("expires_at").notNull(),
  },
  (t) => [index("revoked_sessions_expires_idx").on(t.expiresAt)],
);
