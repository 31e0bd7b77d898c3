import { sql } from "drizzle-orm";
import { boolean, index, integer, pgEnum, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { NOTIFY_STATUSES, NOTIFY_SUBJECT_KINDS } from "../../lib/enums";
import { instant, ref, updatedAt } from "./columns";

export const notifyStatusEnum = pgEnum("notify_status", NOTIFY_STATUSES);
export const notifySubjectKindEnum = pgEnum("notify_subject_kind", NOTIFY_SUBJECT_KINDS);

/**
 * Alert state per subject (a job, a site): notifications go out on a change (ok → failing,
 * failing → ok) and as reminders while it stays failing, never once per failure. No foreign
 * key: subjects of every kind share the table; a row whose subject is gone is dropped by the
 * next reminder.
 */
export const notifyState = pgTable(
  "notify_state",
  {
    subjectKind: notifySubjectKindEnum("subject_kind").notNull(),
    subjectId: ref("subject_id").notNull(),
    status: notifyStatusEnum("status").notNull().default("ok"),
    /** The first failure of the current incident. */
    failingSince: instant("failing_since"),
    /** Failures since failingSince (runs, for a job). */
    failures: integer("failures").notNull().default(0),
    lastError: text("last_error"),
    /** What the last failure was (a run id, for a job). */
    lastRef: ref("last_ref"),
    nextReminderAt: instant("next_reminder_at"),
    reminders: integer("reminders").notNull().default(0),
    /** Nothing is sent before this instant… */
    mutedUntil: instant("muted_until"),
    /** …or, when set, until the current incident ends. */
    mutedUntilRecovered: boolean("muted_until_recovered").notNull().default(false),
    /** A notice of the current incident reached someone (its raise or a reminder said something). */
    notified: boolean("notified").notNull().default(false),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.subjectKind, t.subjectId] }),
    index("notify_state_failing_idx").on(t.subjectKind).where(sql`${t.status} = 'failing'`),
  ],
);

export type NotifyStateRow = typeof notifyState.$inferSelect;
