import "server-only";
import { sql } from "drizzle-orm";
import type { Db, DbOrTx } from "../db/client";
import { retryingTransaction } from "../db/retry";
import type { NotifyStatus } from "../lib/enums";
import { log } from "../lib/log";
import { enqueue } from "../queue/enqueue";
import type { TaskName } from "../queue/tasks";
import { dispatch } from "./channels";
import { resolveSubject, type Subject } from "./subjects";

export const REMIND_TASK = "notify_remind" satisfies TaskName;
const reminderKey = (s: Subject) => `notify:${s.kind}:${s.id}`;

export type Failure = {
  /** What failed (a run id), kept as the incident's last failure. */
  ref: number | null;
  error: string;
  refUrl: string | null;
  logTail?: string;
};

type StateRow = {
  status: NotifyStatus;
  failing_since: Date | null;
  failures: number;
  last_error: string | null;
  last_ref: string | null;
  next_reminder_at: Date | null;
  muted_until: Date | null;
  muted_until_recovered: boolean;
  notified: boolean;
};

const ts = (d: Date | null) => sql`${d?.toISOString() ?? null}::timestamptz`;

const isMuted = (r: Pick<StateRow, "muted_until" | "muted_until_recovered">, now: Date) =>
  r.muted_until_recovered || (r.muted_until !== null && new Date(r.muted_until) > now);

async function markNotified(tx: DbOrTx, s: Subject) {
  await tx.execute(sql`
    update notify_state set notified = true where subject_kind = ${s.kind} and subject_id = ${s.id}`);
}

async function scheduleReminder(tx: DbOrTx, s: Subject, at: Date) {
  await enqueue(tx, REMIND_TASK, { kind: s.kind, id: s.id }, { runAt: at, jobKey: reminderKey(s) });
}

/**
 * A failure of a subject. The first one of an incident (ok → failing) sends a notice and
 * schedules the first reminder; later ones only count. Concurrent failures serialise on the
 * state row (the upsert locks it), so exactly one of them opens the incident.
 */
export async function noteFailure(db: Db, s: Subject, f: Failure, now = new Date()) {
  return retryingTransaction(db, "record a failure for alerts", async (tx) => {
    const info = await resolveSubject(tx, s);
    if (!info) return null;
    const remindAt = info.remindSeconds > 0 ? new Date(now.getTime() + info.remindSeconds * 1000) : null;
    const [row] = await tx.execute<StateRow>(sql`
      insert into notify_state as n (subject_kind, subject_id, status, failing_since, failures,
        last_error, last_ref, next_reminder_at, reminders, updated_at)
      values (${s.kind}, ${s.id}, 'failing', ${ts(now)}, 1, ${f.error}, ${f.ref}, ${ts(remindAt)}, 0, ${ts(now)})
      on conflict (subject_kind, subject_id) do update set
        failures = case when n.status = 'failing' then n.failures + 1 else 1 end,
        failing_since = case when n.status = 'failing' then n.failing_since else excluded.failing_since end,
        next_reminder_at = case when n.status = 'failing' then n.next_reminder_at else excluded.next_reminder_at end,
        reminders = case when n.status = 'failing' then n.reminders else 0 end,
        notified = case when n.status = 'failing' then n.notified else false end,
        status = 'failing', last_error = excluded.last_error, last_ref = excluded.last_ref,
        updated_at = excluded.updated_at
      returning status, failing_since, failures, muted_until, muted_until_recovered, notified`);
    if (row?.failures !== 1) return row ?? null;
    if (!isMuted(row, now)) {
      const said = await dispatch(tx, {
        kind: "failing",
        subject: { ...s, ...info },
        at: now,
        since: now,
        failures: 1,
        error: f.error,
        refUrl: f.refUrl,
        logTail: f.logTail ?? "",
      });
      if (said) await markNotified(tx, s);
    }
    if (remindAt) await scheduleReminder(tx, s, remindAt);
    return row;
  });
}

/**
 * A success of a subject: when it was failing, the incident ends with one notice saying how
 * many failures it had. Called after every successful run, so the common case (no incident)
 * is one primary-key read outside any transaction.
 */
export async function noteSuccess(db: Db, s: Subject, now = new Date()) {
  const open = await db.execute(sql`
    select 1 from notify_state where subject_kind = ${s.kind} and subject_id = ${s.id} and status = 'failing'`);
  if (!open.length) return null;
  return retryingTransaction(db, "record a recovery for alerts", async (tx) => {
    const [old] = await tx.execute<StateRow>(sql`
      select * from notify_state
      where subject_kind = ${s.kind} and subject_id = ${s.id} and status = 'failing'
      for update`);
    if (!old) return null;
    await tx.execute(sql`
      update notify_state set status = 'ok', failing_since = null, failures = 0, last_error = null,
        last_ref = null, next_reminder_at = null, reminders = 0, muted_until_recovered = false,
        notified = false, updated_at = ${ts(now)}
      where subject_kind = ${s.kind} and subject_id = ${s.id}`);
    await tx.execute(sql`select graphile_worker.remove_job(${reminderKey(s)})`);
    const info = await resolveSubject(tx, s);
    // A mute "until it recovers" ends here, and the recovery is worth hearing about.
    if (info && !(old.muted_until && new Date(old.muted_until) > now)) {
      await dispatch(tx, {
        kind: "recovered",
        subject: { ...s, ...info },
        at: now,
        since: new Date(old.failing_since ?? now),
        failures: old.failures,
        error: old.last_error,
        refUrl: null,
        logTail: "",
        notified: old.notified,
      });
    }
    return { failures: old.failures, since: old.failing_since };
  });
}

/**
 * The reminder task: while the subject keeps failing, one notice per interval, counted from
 * the previous reminder's due time (not from when the worker got to it). A task that wakes
 * early (the interval was shortened, a duplicate) reschedules itself.
 */
export async function sendReminder(db: Db, s: Subject, now = new Date()) {
  return retryingTransaction(db, "send an alert reminder", async (tx) => {
    const [row] = await tx.execute<StateRow>(sql`
      select * from notify_state where subject_kind = ${s.kind} and subject_id = ${s.id} for update`);
    if (row?.status !== "failing" || !row.next_reminder_at) return "not failing" as const;
    const due = new Date(row.next_reminder_at);
    if (due.getTime() > now.getTime() + 1000) {
      await scheduleReminder(tx, s, due);
      return "early" as const;
    }
    const info = await resolveSubject(tx, s);
    if (!info) {
      await tx.execute(sql`delete from notify_state where subject_kind = ${s.kind} and subject_id = ${s.id}`);
      return "gone" as const;
    }
    if (info.remindSeconds <= 0) {
      await tx.execute(sql`
        update notify_state set next_reminder_at = null
        where subject_kind = ${s.kind} and subject_id = ${s.id}`);
      return "off" as const;
    }
    const muted = isMuted(row, now);
    if (!muted) {
      const said = await dispatch(tx, {
        kind: "reminder",
        subject: { ...s, ...info },
        at: now,
        since: new Date(row.failing_since ?? now),
        failures: row.failures,
        error: row.last_error,
        refUrl: null,
        logTail: "",
      });
      if (said) await markNotified(tx, s);
    }
    // After a long outage of the workers, the next reminder is one interval from now, not a burst.
    let next = due.getTime() + info.remindSeconds * 1000;
    if (next <= now.getTime()) next = now.getTime() + info.remindSeconds * 1000;
    await tx.execute(sql`
      update notify_state set next_reminder_at = ${ts(new Date(next))},
        reminders = reminders + ${muted ? 0 : 1}, updated_at = ${ts(now)}
      where subject_kind = ${s.kind} and subject_id = ${s.id}`);
    await scheduleReminder(tx, s, new Date(next));
    log("notify").info({ subject: s, failures: row.failures, muted }, "alert reminder");
    return muted ? ("muted" as const) : ("sent" as const);
  });
}

export type MuteInput = { hours: number } | { untilRecovered: true } | { off: true };

/** Mutes a subject's notices (its state is still kept), for a while or for the current incident. */
export async function muteSubject(db: DbOrTx, s: Subject, m: MuteInput, now = new Date()) {
  const until = "hours" in m ? new Date(now.getTime() + m.hours * 3600_000) : null;
  const incident = "untilRecovered" in m;
  await db.execute(sql`
    insert into notify_state as n (subject_kind, subject_id, muted_until, muted_until_recovered, updated_at)
    values (${s.kind}, ${s.id}, ${ts(until)}, ${incident}, ${ts(now)})
    on conflict (subject_kind, subject_id) do update set
      muted_until = excluded.muted_until, muted_until_recovered = excluded.muted_until_recovered,
      updated_at = excluded.updated_at`);
}

export type AlertState = {
  status: NotifyStatus;
  failingSince: Date | null;
  failures: number;
  lastError: string | null;
  nextReminderAt: Date | null;
  mutedUntil: Date | null;
  mutedUntilRecovered: boolean;
};

export async function alertState(db: DbOrTx, s: Subject, now = new Date()): Promise<AlertState> {
  const [r] = await db.execute<StateRow>(sql`
    select * from notify_state where subject_kind = ${s.kind} and subject_id = ${s.id}`);
  const mutedUntil = r?.muted_until ? new Date(r.muted_until) : null;
  return {
    status: r?.status ?? "ok",
    failingSince: r?.failing_since ? new Date(r.failing_since) : null,
    failures: r?.failures ?? 0,
    lastError: r?.last_error ?? null,
    nextReminderAt: r?.next_reminder_at ? new Date(r.next_reminder_at) : null,
    mutedUntil: mutedUntil && mutedUntil > now ? mutedUntil : null,
    mutedUntilRecovered: r?.muted_until_recovered ?? false,
  };
}
