/**
 * The WeChat query (seed 001: 加入微信查询): a text to the Official Account / WeCom app is a
 * command or a site's code or name; the answer is the site's short status (open alarms, servers
 * reporting, last data time, busiest cpu / fullest disk, the latest business counters) and a
 * link to its page, which is made for the phone. Who asks is the Kairos user their WeChat is
 * bound to, and the answer is within that user's sites; an unbound sender is told how to bind.
 */
import { and, ilike, or, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { sites } from "../db/schema";
import { isLocale, type Locale } from "../i18n/locale";
import { translator } from "../i18n/messages";
import { publicUrl } from "../lib/app-info";
import { formatMailTime } from "../lib/local-time";
import { getSite, type SiteViewer, siteScope } from "../sites/sites";
import { bindWithCode, boundUser, unbindOpenId } from "./bind";

const BIND = /^(?:bind|绑定)\s*[:：]?\s*([A-Za-z0-9]{4,16})$/i;
const UNBIND = /^(?:unbind|解绑|解除绑定)$/i;
const HELP = /^(?:help|\?|？|帮助)$/i;
/** Sites listed in one answer at most (WeChat shows a short text best). */
const LISTED = 10;

export type QueryAnswer = { text: string };

export async function answerQuery(
  db: Db,
  openId: string,
  input: string,
  opts: { now?: Date; defaultLocale?: Locale } = {},
): Promise<string> {
  const text = input.trim().slice(0, 200);
  const fallback = opts.defaultLocale ?? "zh-CN";
  const bind = BIND.exec(text);
  if (bind) {
    const user = await bindWithCode(db, openId, bind[1] as string, opts.now);
    const t = translator(fallback);
    return user ? t("wechat.bound", { user: user.username }) : t("wechat.badCode");
  }
  const user = await boundUser(db, openId);
  if (!user) return translator(fallback)("wechat.notBound");
  const t = translator(isLocale(user.locale) ? user.locale : fallback);
  if (UNBIND.test(text)) {
    await unbindOpenId(db, openId);
    return t("wechat.unbound", { user: user.username });
  }
  const viewer: SiteViewer = { id: user.id, role: user.role };
  if (!text || HELP.test(text)) {
    const mine = await db
      .select({ code: sites.code, name: sites.name })
      .from(sites)
      .where(siteScope(viewer))
      .orderBy(sites.code)
      .limit(LISTED);
    if (!mine.length) return t("wechat.noSites");
    return t("wechat.help", { sites: mine.map((s) => `${s.code} ${s.name}`).join("\n") });
  }
  const found = await findSites(db, viewer, text);
  if (!found.length) return t("wechat.notFound", { q: text });
  if (found.length > 1) {
    return t("wechat.several", { q: text, sites: found.map((s) => `${s.code} ${s.name}`).join("\n") });
  }
  return siteStatus(db, viewer, (found[0] as { id: number }).id, t, opts.now);
}

/** Exact code or name first (any case), else the sites whose code or name contains the text. */
async function findSites(db: Db, viewer: SiteViewer, q: string) {
  const exact = await db
    .select({ id: sites.id, code: sites.code, name: sites.name })
    .from(sites)
    .where(
      and(
        siteScope(viewer),
        or(sql`lower(${sites.code}) = lower(${q})`, sql`lower(${sites.name}) = lower(${q})`),
      ),
    )
    .limit(LISTED);
  if (exact.length) return exact;
  const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return db
    .select({ id: sites.id, code: sites.code, name: sites.name })
    .from(sites)
    .where(and(siteScope(viewer), or(ilike(sites.code, like), ilike(sites.name, like))))
    .orderBy(sites.code)
    .limit(LISTED);
}

type T = ReturnType<typeof translator>;

async function siteStatus(db: Db, viewer: SiteViewer, siteId: number, t: T, now = new Date()) {
  const site = await getSite(db, viewer, siteId, now);
  const [counters] = await db.execute<{ at: Date | string; total_users: string; call_times: string }>(sql`
    select at, total_users, call_times from service_counters
    where site_id = ${siteId} order by at desc limit 1`);
  const pct = (v: number | null) => (v === null ? "—" : `${Math.round(v)}%`);
  const lines = [
    `${site.name} (${site.code})`,
    t("wechat.alarms", { count: site.openAlarms }),
    t("wechat.servers", { reporting: site.reporting, total: site.servers }),
    t("wechat.lastData", {
      at: site.lastDataAt ? formatMailTime(site.lastDataAt, site.timezone) : t("wechat.never"),
    }),
    t("wechat.figures", { cpu: pct(site.worstCpu), disk: pct(site.worstDisk) }),
  ];
  if (counters) {
    lines.push(
      t("wechat.counters", {
        total: Number(counters.total_users),
        calls: Number(counters.call_times),
        at: formatMailTime(new Date(counters.at), site.timezone),
      }),
    );
  }
  lines.push(`${publicUrl()}/sites/${site.id}`);
  return lines.join("\n");
}
