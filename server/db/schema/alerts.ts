import { sql } from "drizzle-orm";
import {
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
} from "drizzle-orm/pg-core";
import { RULE_ALERT_STATUSES, RULE_KINDS, WEBHOOK_KINDS } from "../../lib/enums";
import { users } from "./auth";
import { createdAt, id, instant, ref, updatedAt } from "./columns";
import { notifySubjectKindEnum } from "./notify";
import { alarms, sites } from "./sites";

export const webhookKindEnum = pgEnum("webhook_kind", WEBHOOK_KINDS);
export const ruleKindEnum = pgEnum("rule_kind", RULE_KINDS);
export const ruleAlertStatusEnum = pgEnum("rule_alert_status", RULE_ALERT_STATUSES);

/**
 * A webhook channel (issue 12), managed by admins. `secret` signs DingTalk / Feishu / generic
 * requests; like named secrets it never leaves the server in an answer.
 */
export const webhooks = pgTable("webhooks", {
  id: id(),
  name: text("name").notNull(),
  kind: webhookKindEnum("kind").notNull(),
  url: text("url").notNull(),
  secret: text("secret"),
  /** The language its messages are written in (a robot's group has no user to ask). */
  locale: text("locale").notNull().default("zh-CN"),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/** Which webhooks a subject (a site, a job) notifies besides its people's mail. */
export const webhookRoutes = pgTable(
  "webhook_routes",
  {
    subjectKind: notifySubjectKindEnum("subject_kind").notNull(),
    subjectId: ref("subject_id").notNull(),
    webhookId: ref("webhook_id")
      .notNull()
      .references(() => webhooks.id, { onDelete: "cascade" }),
  },
  (t) => [
    primaryKey({ columns: [t.subjectKind, t.subjectId, t.webhookId] }),
    index("webhook_routes_webhook_idx").on(t.webhookId),
  ],
);

/**
 * A threshold rule on a site's data: cpu idle below `threshold` %, disk used above `threshold` %,
 * the business counter `counter` at 0, or no data from a server for `threshold` minutes —
 * raised once the condition held `forMinutes` (pending before that).
 */
export const alertRules = pgTable(
  "alert_rules",
  {
    id: id(),
    siteId: ref("site_id")
      .notNull()
      .references(() => sites.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    kind: ruleKindEnum("kind").notNull(),
    threshold: doublePrecision("threshold").notNull().default(0),
    counter: text("counter"),
    forMinutes: integer("for_minutes").notNull().default(0),
    isEnabled: boolean("is_enabled").notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("alert_rules_site_idx").on(t.siteId)],
);

/**
 * A rule's current alert for one key (a server, a server's mount, '' for the site). Pending rows
 * wait out `forMinutes`; a firing one has its row in `alarms` (the alarm page, the mails); when
 * the condition ends the alarm resumes and this row goes.
 */
export const alertRuleStates = pgTable(
  "alert_rule_states",
  {
    ruleId: ref("rule_id")
      .notNull()
      .references(() => alertRules.id, { onDelete: "cascade" }),
    key: text("key").notNull(),
    status: ruleAlertStatusEnum("status").notNull(),
    since: instant("since").notNull(),
    value: doublePrecision("value"),
    alarmId: ref("alarm_id").references(() => alarms.id, { onDelete: "set null" }),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.ruleId, t.key] })],
);

/** Someone has seen an alarm: it stays open but is left out of reminders. */
export const alarmAcks = pgTable("alarm_acks", {
  alarmId: ref("alarm_id")
    .primaryKey()
    .references(() => alarms.id, { onDelete: "cascade" }),
  userId: ref("user_id").references(() => users.id, { onDelete: "set null" }),
  at: instant("at").notNull().defaultNow(),
});

/** A matcher of a silence: an alarm's label (alarm, node, site) equal / unequal / matching. */
export type SilenceMatcher = { label: "alarm" | "node"; op: "=" | "!=" | "=~"; value: string };

/**
 * A silence: until `endsAt`, a site's alarms matching every matcher notify nobody (they are
 * still stored and shown). No matchers = the whole site.
 */
export const silences = pgTable(
  "silences",
  {
    id: id(),
    siteId: ref("site_id")
      .notNull()
      .references(() => sites.id, { onDelete: "cascade" }),
    matchers: jsonb("matchers").$type<SilenceMatcher[]>().notNull().default(sql`'[]'::jsonb`),
    startsAt: instant("starts_at").notNull().defaultNow(),
    endsAt: instant("ends_at").notNull(),
    comment: text("comment").notNull().default(""),
    createdBy: ref("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [index("silences_site_idx").on(t.siteId, t.endsAt)],
);

/** A maintenance window: from `startsAt` to `endsAt` a site notifies nobody about anything. */
export const maintenanceWindows = pgTable(
  "maintenance_windows",
  {
    id: id(),
    siteId: ref("site_id")
      .notNull()
      .references(() => sites.id, { onDelete: "cascade" }),
    startsAt: instant("starts_at").notNull(),
    endsAt: instant("ends_at").notNull(),
    comment: text("comment").notNull().default(""),
    createdBy: ref("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [index("maintenance_windows_site_idx").on(t.siteId, t.endsAt)],
);

export type WebhookRow = typeof webhooks.$inferSelect;
export type AlertRuleRow = typeof alertRules.$inferSelect;
