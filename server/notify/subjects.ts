import "server-only";
import { sql } from "drizzle-orm";
import { webhookRoutesOf } from "../alerts/webhooks";
import type { DbOrTx } from "../db/client";
import { isLocale, type Locale } from "../i18n/locale";
import { instanceLocale, userTimeZone } from "../i18n/zone";
import { publicUrl } from "../lib/app-info";
import type { NotifySubjectKind } from "../lib/enums";
import { recipientGroups } from "../mail/recipients";

export type Subject = { kind: NotifySubjectKind; id: number };

/** Where one notice goes: a channel and its addresses, read in a language and a zone. */
export type Route = { channel: string; to: string[]; locale: Locale; timeZone: string };

/** What the notification layer needs to know about a subject, read when a notice is due. */
export type SubjectInfo = {
  name: string;
  url: string;
  /** Reminder interval while failing; 0 = no reminders. */
  remindSeconds: number;
  routes: Route[];
};

export type SubjectResolver = (db: DbOrTx, id: number) => Promise<SubjectInfo | null>;

/** A job: its notification addresses by mail, each in its reader's language and zone. */
const jobSubject: SubjectResolver = async (db, id) => {
  const [j] = await db.execute<{
    name: string;
    notify_emails: string[];
    alert_remind_seconds: number;
    mail_language: string | null;
    time_zone: string | null;
  }>(sql`
    select j.name, j.notify_emails, j.alert_remind_seconds, j.mail_language, u.time_zone
    from jobs j left join users u on u.id = j.owner_id
    where j.id = ${id}`);
  if (!j) return null;
  // Kairos users read their own language and zone; outside addresses the job's language (the
  // instance's unless the job chose one) and the owner's zone (issue 10).
  const groups = await recipientGroups(db, j.notify_emails, {
    locale: isLocale(j.mail_language) ? j.mail_language : instanceLocale(),
    timeZone: userTimeZone({ timeZone: j.time_zone }),
  });
  return {
    name: j.name,
    url: `${publicUrl()}/jobs/${id}`,
    remindSeconds: j.alert_remind_seconds,
    routes: groups.map((g): Route => ({ channel: "email", ...g })),
  };
};

const RESOLVERS: Partial<Record<NotifySubjectKind, SubjectResolver>> = { job: jobSubject };

/** Another area's subjects (a site's alarms) join the same states, reminders and channels. */
export function registerSubjectKind(kind: NotifySubjectKind, resolver: SubjectResolver) {
  RESOLVERS[kind] = resolver;
}

/** A subject's name and routes: its own (mail) and the webhooks chosen for it (issue 12). */
export async function resolveSubject(db: DbOrTx, s: Subject): Promise<SubjectInfo | null> {
  const r = RESOLVERS[s.kind];
  const info = r ? await r(db, s.id) : null;
  if (info) info.routes.push(...(await webhookRoutesOf(db, s)));
  return info;
}
