/**
 * A site's alarms through the notification layer (server/notify), seed 001: 对于未恢复节点的
 * 告警需要发送邮件. The subject is the site: it "fails" when open alarms that notify (not
 * acknowledged, silenced or in a maintenance window, server/alerts/suppress.ts) appear — after the
 * site's group wait, so alarms arriving together go in one message —, is reminded about every
 * repeat interval of the site while any stays open (each the env's default unless the site sets
 * its own), and "recovers" once all have resumed. Alarms come from the site's files and from threshold rules
 * (server/alerts/rules.ts). Mail goes to the site's people (its assigned users with an address),
 * each in their language and zone; webhooks chosen for the site get the same list.
 */
import { sql } from "drizzle-orm";
import { createElement } from "react";
import { SiteAlarmsMail, type SiteAlarmsMailProps, siteAlarmsSubject } from "../../emails/site-alarms";
import { alarmDescription } from "../alerts/detail";
import { notifiableAlarms } from "../alerts/suppress";
import { registerNoticeDetail } from "../alerts/webhooks";
import type { Db, DbOrTx } from "../db/client";
import { isLocale } from "../i18n/locale";
import { translator } from "../i18n/messages";
import { userTimeZone } from "../i18n/zone";
import { publicUrl } from "../lib/app-info";
import { env } from "../lib/env";
import { formatInstantText } from "../lib/local-time";
import { sendMail } from "../mail/outbox";
import { renderEmail } from "../mail/render";
import { type Notice, registerChannel } from "../notify/channels";
import { noteFailure, noteSuccess } from "../notify/state";
import { type Route, registerSubjectKind } from "../notify/subjects";
import { durationWords } from "../notify/words";
import { enqueue } from "../queue/enqueue";
import type { TaskName } from "../queue/tasks";

const CHANNEL = "site-alarms";
export const SITE_NOTIFY_TASK = "site_alarms_notify" satisfies TaskName;
const LISTED = 20;

registerSubjectKind("site", async (db, id) => {
  const [site] = await db.execute<{ name: string; code: string; alarm_remind_seconds: number | null }>(
    sql`select name, code, alarm_remind_seconds from sites where id = ${id}`,
  );
  if (!site) return null;
  const people = await db.execute<{ email: string; locale: string | null; time_zone: string | null }>(sql`
    select u.email, u.locale, u.time_zone from site_users su join users u on u.id = su.user_id
    where su.site_id = ${id} and u.is_active and u.email is not null and u.email <> ''
    order by u.id`);
  // One mail per language and zone, each listing its readers.
  const routes = new Map<string, Route>();
  for (const p of people) {
    const locale = isLocale(p.locale) ? p.locale : "en";
    const timeZone = userTimeZone({ timeZone: p.time_zone });
    const key = `${locale}|${timeZone}`;
    const r = routes.get(key) ?? { channel: CHANNEL, to: [], locale, timeZone };
    r.to.push(p.email);
    routes.set(key, r);
  }
  return {
    name: `${site.name} (${site.code})`,
    url: `${publicUrl()}/alarms?site=${id}`,
    remindSeconds: site.alarm_remind_seconds ?? env().SITE_ALARM_REMIND_SECONDS,
    routes: [...routes.values()],
  };
});

/**
 * The alarms a notice lists: those that notify now (a recovery lists none); null when the notice
 * has nothing to say — every open alarm suppressed, or a recovery of an incident nobody was told
 * of (its alarms silenced, acknowledged, in a window or muted all along).
 */
async function listed(tx: DbOrTx, n: Notice) {
  if (n.kind === "recovered") return n.notified ? { alarms: [], total: 0 } : null;
  const open = await notifiableAlarms(tx, n.subject.id, LISTED, n.at);
  return open.total === 0 ? null : open;
}

registerChannel({
  name: CHANNEL,
  async deliver(tx, route, n) {
    const open = await listed(tx, n);
    if (!open) return false;
    const zone = { readerZone: route.timeZone };
    const props: SiteAlarmsMailProps = {
      locale: route.locale,
      kind: n.kind,
      site: n.subject.name,
      alarms: open.alarms.map((a) => ({
        name: a.name,
        node: a.node,
        description: alarmDescription(a, route.locale),
        raised: formatInstantText(a.raised_at, zone),
      })),
      more: Math.max(0, open.total - LISTED),
      every: n.subject.remindSeconds > 0 ? durationWords(n.subject.remindSeconds, route.locale) : null,
      since: formatInstantText(n.since, zone),
      siteUrl: n.subject.url,
      url: publicUrl(),
    };
    const { html, text } = await renderEmail(createElement(SiteAlarmsMail, props));
    await sendMail(tx, {
      kind: `site-alarms-${n.kind}`,
      to: route.to,
      subject: siteAlarmsSubject(props),
      html,
      text,
    });
    return true;
  },
});

/** The same list for a site's webhooks: the mail's subject line and one line per alarm. */
registerNoticeDetail("site", async (tx, route, n) => {
  const open = await listed(tx, n);
  if (!open) return null;
  const t = translator(route.locale);
  const zone = { readerZone: route.timeZone };
  const describe = (a: (typeof open.alarms)[number]) => alarmDescription(a, route.locale);
  const lines = open.alarms.map(
    (a) =>
      `${a.name} · ${a.node} · ${formatInstantText(a.raised_at, zone)}${describe(a) ? ` · ${describe(a)}` : ""}`,
  );
  if (open.total > LISTED) lines.push(t("siteAlarms.more", { count: open.total - LISTED }));
  return { title: t(`siteAlarms.${n.kind}Subject`, { site: n.subject.name, count: open.total }), lines };
});

/**
 * After alarm lines were stored (or a rule fired or resolved): the site's incident is looked at
 * again after the group wait, so whatever else arrives meanwhile goes in the same message. The
 * job key keeps one waiting job per site, its time set by the first arrival.
 */
export async function noteSiteAlarms(db: Db, site: { id: number }, changed: number, now = new Date()) {
  if (changed <= 0) {
    // Nothing new: only an ending (every alarm resumed) can be due, and it needs no wait.
    return reconcileSite(db, site.id, now);
  }
  const [row] = await db.execute<{ wait: number | null }>(
    sql`select alarm_group_wait_seconds as wait from sites where id = ${site.id}`,
  );
  const wait = row?.wait ?? env().SITE_ALARM_GROUP_WAIT_SECONDS;
  if (wait === 0) return reconcileSite(db, site.id, now);
  await enqueue(
    db,
    SITE_NOTIFY_TASK,
    { siteId: site.id },
    {
      runAt: new Date(now.getTime() + wait * 1000),
      jobKey: `site-alarms:${site.id}`,
      jobKeyMode: "preserve_run_at",
    },
  );
  return "waiting" as const;
}

/**
 * Where a site's incident stands now: open alarms that notify and no incident yet → it opens
 * (one message listing them); nothing open → it ends (one message, if it was open); otherwise
 * the reminders carry on.
 */
export async function reconcileSite(db: Db, siteId: number, now = new Date()) {
  const [row] = await db.execute<{ open: number; state: string | null }>(sql`
    select (select count(*)::int from alarms where site_id = ${siteId} and resumed_at is null) as open,
      (select status::text from notify_state where subject_kind = 'site' and subject_id = ${siteId}) as state`);
  const subject = { kind: "site" as const, id: siteId };
  if (!row || row.open === 0) {
    await noteSuccess(db, subject, now);
    return "resolved" as const;
  }
  if (row.state === "failing") return "open" as const;
  const { total } = await notifiableAlarms(db, siteId, 1, now);
  if (total === 0) return "suppressed" as const;
  await noteFailure(
    db,
    subject,
    { ref: null, error: `${total} alarm(s) not resumed`, refUrl: `${publicUrl()}/alarms?site=${siteId}` },
    now,
  );
  return "raised" as const;
}
