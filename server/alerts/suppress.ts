import "server-only";
import { and, desc, eq, gt, sql } from "drizzle-orm";
import { z } from "zod";
import { type Actor, audit } from "../audit";
import type { Db, DbOrTx } from "../db/client";
import { alarmAcks, alarms, maintenanceWindows, silences } from "../db/schema";
import type { AlarmDetail } from "../lib/enums";
import { notFound } from "../lib/errors";
import { type SiteViewer, visibleSite } from "../sites/sites";

/**
 * What keeps an open alarm from notifying (issue 12): someone acknowledged it, a silence
 * matches it, or its site is in a maintenance window. Suppressed alarms are still stored and
 * shown; they only drop out of the mails and webhooks (and a site whose open alarms are all
 * suppressed opens no incident). When a silence or window ends, the next evaluation notices.
 */

const ts = (d: Date) => sql`${d.toISOString()}::timestamptz`;

/** The SQL condition "alarm `a` notifies now" (a is an alias of `alarms`). */
export function notifiableSql(now: Date) {
  const label = sql`(case m->>'label' when 'alarm' then a.name else a.node end)`;
  return sql`a.resumed_at is null
    and not exists (select 1 from alarm_acks k where k.alarm_id = a.id)
    and not exists (select 1 from maintenance_windows w
      where w.site_id = a.site_id and w.starts_at <= ${ts(now)} and w.ends_at > ${ts(now)})
    and not exists (select 1 from silences s
      where s.site_id = a.site_id and s.starts_at <= ${ts(now)} and s.ends_at > ${ts(now)}
        and not exists (select 1 from jsonb_array_elements(s.matchers) m where not (case m->>'op'
          when '=' then ${label} = m->>'value'
          when '!=' then ${label} <> m->>'value'
          else ${label} ~ ('^(?:' || (m->>'value') || ')$') end)))`;
}

export type NotifiableAlarm = {
  id: number;
  name: string;
  node: string;
  description: string;
  detail: AlarmDetail | null;
  raised_at: Date;
};

/** A site's open alarms that notify now, the newest first, and how many there are. */
export async function notifiableAlarms(db: DbOrTx, siteId: number, limit: number, now = new Date()) {
  const rows = await db.execute<NotifiableAlarm & { total: number }>(sql`
    select a.id, a.name, a.node, a.description, a.detail, a.raised_at, count(*) over ()::int as total
    from alarms a where a.site_id = ${siteId} and ${notifiableSql(now)}
    order by a.raised_at desc, a.id desc limit ${limit}`);
  return {
    alarms: rows.map((r) => ({ ...r, id: Number(r.id), raised_at: new Date(r.raised_at) })),
    total: rows[0]?.total ?? 0,
  };
}

// ---- inputs --------------------------------------------------------------------------------

const ZMatcher = z
  .object({
    label: z.enum(["alarm", "node"]),
    op: z.enum(["=", "!=", "=~"]),
    value: z.string().trim().min(1, "required").max(200, "at most 200 characters"),
  })
  .refine(
    (m) => {
      if (m.op !== "=~") return true;
      try {
        new RegExp(m.value);
        return true;
      } catch {
        return false;
      }
    },
    { message: "a regular expression", path: ["value"] },
  );

export const ZCreateSilenceInput = z.object({
  siteId: z.number().int().positive(),
  matchers: z.array(ZMatcher).max(10, "at most 10"),
  hours: z
    .number()
    .positive("more than 0")
    .max(24 * 90, "at most 90 days"),
  comment: z.string().trim().max(500, "at most 500 characters").default(""),
});
export type CreateSilenceInput = z.input<typeof ZCreateSilenceInput>;

export const ZCreateWindowInput = z
  .object({
    siteId: z.number().int().positive(),
    startsAt: z.coerce.date(),
    endsAt: z.coerce.date(),
    comment: z.string().trim().max(500, "at most 500 characters").default(""),
  })
  .refine((w) => w.endsAt > w.startsAt, { message: "after the start", path: ["endsAt"] });
export type CreateWindowInput = z.input<typeof ZCreateWindowInput>;

export const ZSiteFilter = z.object({ siteId: z.number().int().positive().optional() });

// ---- acknowledge ---------------------------------------------------------------------------

async function visibleAlarm(db: DbOrTx, viewer: SiteViewer, alarmId: number) {
  const [a] = await db
    .select({ id: alarms.id, siteId: alarms.siteId })
    .from(alarms)
    .where(eq(alarms.id, alarmId));
  if (!a) throw notFound("alarm", alarmId);
  await visibleSite(db, viewer, a.siteId).catch(() => {
    throw notFound("alarm", alarmId);
  });
  return a;
}

export async function acknowledgeAlarm(db: Db, actor: Actor & SiteViewer, alarmId: number, on: boolean) {
  await db.transaction(async (tx) => {
    const a = await visibleAlarm(tx, actor, alarmId);
    if (on) {
      await tx.insert(alarmAcks).values({ alarmId, userId: actor.id }).onConflictDoNothing();
    } else {
      await tx.delete(alarmAcks).where(eq(alarmAcks.alarmId, alarmId));
    }
    await audit(tx, actor, on ? "alarms.ack" : "alarms.unack", "alarm", alarmId, {
      after: { siteId: a.siteId },
    });
  });
}

// ---- silences ------------------------------------------------------------------------------

export async function createSilence(
  db: Db,
  actor: Actor & SiteViewer,
  input: CreateSilenceInput,
  now = new Date(),
) {
  const i = ZCreateSilenceInput.parse(input);
  return db.transaction(async (tx) => {
    await visibleSite(tx, actor, i.siteId);
    const [s] = await tx
      .insert(silences)
      .values({
        siteId: i.siteId,
        matchers: i.matchers,
        startsAt: now,
        endsAt: new Date(now.getTime() + i.hours * 3600_000),
        comment: i.comment,
        createdBy: actor.id,
      })
      .returning();
    if (!s) throw new Error("insert returned nothing");
    await audit(tx, actor, "silences.create", "site", i.siteId, { after: s });
    return s;
  });
}

/** Ends a silence now (kept for the record as expired). */
export async function expireSilence(db: Db, actor: Actor & SiteViewer, id: number, now = new Date()) {
  await db.transaction(async (tx) => {
    const [s] = await tx.select().from(silences).where(eq(silences.id, id));
    if (!s) throw notFound("silence", id);
    await visibleSite(tx, actor, s.siteId).catch(() => {
      throw notFound("silence", id);
    });
    await tx
      .update(silences)
      .set({ endsAt: now })
      .where(and(eq(silences.id, id), gt(silences.endsAt, now)));
    await audit(tx, actor, "silences.expire", "site", s.siteId, { before: s });
  });
}

export async function createWindow(db: Db, actor: Actor & SiteViewer, input: CreateWindowInput) {
  const i = ZCreateWindowInput.parse(input);
  return db.transaction(async (tx) => {
    await visibleSite(tx, actor, i.siteId);
    const [w] = await tx
      .insert(maintenanceWindows)
      .values({
        siteId: i.siteId,
        startsAt: i.startsAt,
        endsAt: i.endsAt,
        comment: i.comment,
        createdBy: actor.id,
      })
      .returning();
    if (!w) throw new Error("insert returned nothing");
    await audit(tx, actor, "maintenance.create", "site", i.siteId, { after: w });
    return w;
  });
}

export async function deleteWindow(db: Db, actor: Actor & SiteViewer, id: number) {
  await db.transaction(async (tx) => {
    const [w] = await tx.select().from(maintenanceWindows).where(eq(maintenanceWindows.id, id));
    if (!w) throw notFound("maintenance window", id);
    await visibleSite(tx, actor, w.siteId).catch(() => {
      throw notFound("maintenance window", id);
    });
    await tx.delete(maintenanceWindows).where(eq(maintenanceWindows.id, id));
    await audit(tx, actor, "maintenance.delete", "site", w.siteId, { before: w });
  });
}

/** Silences and windows not yet over, within the viewer's sites (the alarm page). */
export async function listSuppressions(
  db: DbOrTx,
  viewer: SiteViewer,
  siteId: number | undefined,
  now = new Date(),
) {
  const scope =
    viewer.role === "admin"
      ? sql`true`
      : sql`site_id in (select site_id from site_users where user_id = ${viewer.id ?? 0})`;
  const only = siteId ? sql`site_id = ${siteId}` : sql`true`;
  const [sil, win] = await Promise.all([
    db
      .select({
        id: silences.id,
        siteId: silences.siteId,
        matchers: silences.matchers,
        startsAt: silences.startsAt,
        endsAt: silences.endsAt,
        comment: silences.comment,
        siteName: sql<string>`(select name from sites where id = ${silences.siteId})`,
      })
      .from(silences)
      .where(and(gt(silences.endsAt, now), scope, only))
      .orderBy(desc(silences.endsAt))
      .limit(100),
    db
      .select({
        id: maintenanceWindows.id,
        siteId: maintenanceWindows.siteId,
        startsAt: maintenanceWindows.startsAt,
        endsAt: maintenanceWindows.endsAt,
        comment: maintenanceWindows.comment,
        siteName: sql<string>`(select name from sites where id = ${maintenanceWindows.siteId})`,
      })
      .from(maintenanceWindows)
      .where(and(gt(maintenanceWindows.endsAt, now), scope, only))
      .orderBy(maintenanceWindows.startsAt)
      .limit(100),
  ]);
  return { silences: sil, windows: win };
}

/** Of these alarms (within the viewer's sites), which are acknowledged and which silenced now. */
export async function alarmFlags(db: DbOrTx, viewer: SiteViewer, ids: number[], now = new Date()) {
  if (!ids.length) return { acked: [] as number[], silenced: [] as number[] };
  const scope =
    viewer.role === "admin"
      ? sql`true`
      : sql`a.site_id in (select site_id from site_users where user_id = ${viewer.id ?? 0})`;
  const rows = await db.execute<{ id: number; acked: boolean; quiet: boolean }>(sql`
    select a.id, exists (select 1 from alarm_acks k where k.alarm_id = a.id) as acked,
      not (${notifiableSql(now)}) as quiet
    from alarms a where a.id = any(${`{${ids.join(",")}}`}::bigint[]) and a.resumed_at is null and ${scope}`);
  return {
    acked: rows.filter((r) => r.acked).map((r) => Number(r.id)),
    silenced: rows.filter((r) => r.quiet && !r.acked).map((r) => Number(r.id)),
  };
}
