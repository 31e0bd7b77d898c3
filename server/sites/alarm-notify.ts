/**
 * A site's alarms through the notification layer (server/notify), seed 001: 对于未恢复节点的
 * 告警需要发送邮件. The subject is the site: it "fails" when new alarms arrive that are not
 * resumed (alarms arriving in one file or push go in one message), is reminded about every
 * SITE_ALARM_REMIND_SECONDS while any stays open, and "recovers" once all have resumed. Mail goes
 * to the site's people (its assigned users with an address), each in their language and zone.
 */
import { sql } from "drizzle-orm";
import { createElement } from "react";
import { SiteAlarmsMail, type SiteAlarmsMailProps, siteAlarmsSubject } from "../../emails/site-alarms";
import type { Db } from "../db/client";
import { isLocale } from "../i18n/locale";
import { userTimeZone } from "../i18n/zone";
import { publicUrl } from "../lib/app-info";
import { env } from "../lib/env";
import { formatInstantText } from "../lib/local-time";
import { sendMail } from "../mail/outbox";
import { renderEmail } from "../mail/render";
import { registerChannel } from "../notify/channels";
import { noteFailure, noteSuccess } from "../notify/state";
import { type Route, registerSubjectKind } from "../notify/subjects";
import { durationWords } from "../notify/words";

const CHANNEL = "site-alarms";
const LISTED = 20;

registerSubjectKind("site", async (db, id) => {
  const [site] = await db.execute<{ name: string; code: string }>(
    sql`select name, code from sites where id = ${id}`,
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
    remindSeconds: env().SITE_ALARM_REMIND_SECONDS,
    routes: [...routes.values()],
  };
});

registerChannel({
  name: CHANNEL,
  async deliver(tx, route, n) {
    const open = await tx.execute<{
      name: string;
      node: string;
      description: string;
      raised_at: string | Date;
    }>(sql`
      select name, node, description, raised_at from alarms
      where site_id = ${n.subject.id} and resumed_at is null
      order by raised_at desc limit ${LISTED + 1}`);
    const [total] = await tx.execute<{ n: number }>(sql`
      select count(*)::int as n from alarms where site_id = ${n.subject.id} and resumed_at is null`);
    const zone = { readerZone: route.timeZone };
    const props: SiteAlarmsMailProps = {
      locale: route.locale,
      kind: n.kind,
      site: n.subject.name,
      alarms: [...open].slice(0, LISTED).map((a) => ({
        name: a.name,
        node: a.node,
        description: a.description,
        raised: formatInstantText(new Date(a.raised_at), zone),
      })),
      more: Math.max(0, (total?.n ?? 0) - LISTED),
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
  },
});

/**
 * After alarm lines were stored: new open alarms open (or extend) the site's incident; none
 * left open ends it. `newOpen` counts alarms first seen in this batch and not resumed.
 */
export async function noteSiteAlarms(db: Db, site: { id: number; code: string }, newOpen: number) {
  const [row] = await db.execute<{ n: number }>(
    sql`select count(*)::int as n from alarms where site_id = ${site.id} and resumed_at is null`,
  );
  const open = row?.n ?? 0;
  const subject = { kind: "site" as const, id: site.id };
  if (newOpen > 0 && open > 0) {
    await noteFailure(db, subject, {
      ref: null,
      error: `${open} alarm(s) not resumed`,
      refUrl: `${publicUrl()}/alarms?site=${site.id}`,
    });
  } else if (open === 0) {
    await noteSuccess(db, subject);
  }
}
