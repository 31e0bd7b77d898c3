import "server-only";
import { asc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { type Actor, audit } from "../audit";
import type { Db, DbOrTx } from "../db/client";
import { retryingTransaction } from "../db/retry";
import { alertRules } from "../db/schema";
import { type AlarmDetail, RULE_KINDS, type RuleKind } from "../lib/enums";
import { notFound } from "../lib/errors";
import { log } from "../lib/log";
import type { TaskName } from "../queue/tasks";
import { noteSiteAlarms } from "../sites/alarm-notify";
import { COUNTERS, type SiteViewer, STALE_AFTER_MS, visibleSite } from "../sites/sites";
import { notifiableSql } from "./suppress";

export const EVALUATE_TASK = "alerts_evaluate" satisfies TaskName;

/**
 * Threshold rules on a site's collected data (issue 12), evaluated each minute like Prometheus
 * alerting rules: a key (server, server:mount, the site) whose condition holds is pending; once
 * it held `forMinutes` it fires — an alarm of the site, so the alarm page, the mails, webhooks,
 * acknowledgements and silences treat it like the site's own —; when the condition stops the
 * alarm resumes. Samples older than the stale limit count as none (no data is its own rule).
 */

// ---- inputs --------------------------------------------------------------------------------

const ZRuleFields = z.object({
  name: z.string().trim().min(1, "required").max(200, "at most 200 characters"),
  kind: z.enum(RULE_KINDS),
  threshold: z.number().min(0, "0 or more").max(1_000_000, "at most 1000000").default(0),
  counter: z.enum(COUNTERS).nullish(),
  forMinutes: z
    .number()
    .int()
    .min(0, "0 or more")
    .max(7 * 1440, "at most 7 days")
    .default(0),
  isEnabled: z.boolean().default(true),
});

function checkRule(r: { kind: RuleKind; threshold: number; counter?: string | null }, ctx: z.RefinementCtx) {
  if (r.kind === "counter_zero" && !r.counter)
    ctx.addIssue({ code: "custom", message: "required", path: ["counter"] });
  if ((r.kind === "cpu_idle_below" || r.kind === "disk_used_above") && r.threshold > 100) {
    ctx.addIssue({ code: "custom", message: "a percentage (0–100)", path: ["threshold"] });
  }
  if (r.kind === "no_data" && r.threshold < 1) {
    ctx.addIssue({ code: "custom", message: "at least 1 minute", path: ["threshold"] });
  }
}

export const ZCreateRuleInput = ZRuleFields.extend({ siteId: z.number().int().positive() }).superRefine(
  checkRule,
);
export const ZUpdateRuleInput = ZRuleFields.extend({ id: z.number().int().positive() }).superRefine(
  checkRule,
);
export type CreateRuleInput = z.input<typeof ZCreateRuleInput>;
export type UpdateRuleInput = z.input<typeof ZUpdateRuleInput>;

const COUNTER_COLUMN: Record<(typeof COUNTERS)[number], string> = {
  subUsers: "sub_users",
  unsubUsers: "unsub_users",
  totalUsers: "total_users",
  callTimes: "call_times",
  showTimes: "show_times",
  moTimes: "mo_times",
  mtTimes: "mt_times",
};

// ---- management ----------------------------------------------------------------------------

export type RuleView = typeof alertRules.$inferSelect & { pending: number; firing: number };

export async function listRules(db: DbOrTx, viewer: SiteViewer, siteId: number): Promise<RuleView[]> {
  await visibleSite(db, viewer, siteId);
  const rows = await db
    .select({
      rule: alertRules,
      pending: sql<number>`(select count(*)::int from alert_rule_states s where s.rule_id = ${alertRules.id} and s.status = 'pending')`,
      firing: sql<number>`(select count(*)::int from alert_rule_states s where s.rule_id = ${alertRules.id} and s.status = 'firing')`,
    })
    .from(alertRules)
    .where(eq(alertRules.siteId, siteId))
    .orderBy(asc(alertRules.name), asc(alertRules.id));
  return rows.map((r) => ({ ...r.rule, pending: r.pending, firing: r.firing }));
}

async function visibleRule(db: DbOrTx, viewer: SiteViewer, id: number) {
  const [r] = await db.select().from(alertRules).where(eq(alertRules.id, id));
  if (!r) throw notFound("rule", id);
  await visibleSite(db, viewer, r.siteId).catch(() => {
    throw notFound("rule", id);
  });
  return r;
}

export async function createRule(db: Db, actor: Actor & SiteViewer, input: CreateRuleInput) {
  const i = ZCreateRuleInput.parse(input);
  return db.transaction(async (tx) => {
    await visibleSite(tx, actor, i.siteId);
    const [r] = await tx
      .insert(alertRules)
      .values({ ...i, counter: i.kind === "counter_zero" ? (i.counter ?? null) : null })
      .returning();
    if (!r) throw new Error("insert returned nothing");
    await audit(tx, actor, "rules.create", "site", i.siteId, { after: r });
    return r;
  });
}

/** A rule's firing alarms resume when it changes or goes: what they said may no longer hold. */
async function endAlerts(tx: DbOrTx, ruleId: number, now: Date) {
  const rows = await tx.execute<{ site_id: number }>(sql`
    update alarms a set resumed_at = ${now.toISOString()}::timestamptz, last_record_at = ${now.toISOString()}::timestamptz
    from alert_rule_states s where s.rule_id = ${ruleId} and s.alarm_id = a.id and a.resumed_at is null
    returning a.site_id`);
  await tx.execute(sql`delete from alert_rule_states where rule_id = ${ruleId}`);
  return rows.length;
}

export async function updateRule(
  db: Db,
  actor: Actor & SiteViewer,
  input: UpdateRuleInput,
  now = new Date(),
) {
  const i = ZUpdateRuleInput.parse(input);
  const { id, ...fields } = i;
  const out = await db.transaction(async (tx) => {
    const old = await visibleRule(tx, actor, id);
    const ended = await endAlerts(tx, id, now);
    const [r] = await tx
      .update(alertRules)
      .set({ ...fields, counter: i.kind === "counter_zero" ? (i.counter ?? null) : null })
      .where(eq(alertRules.id, id))
      .returning();
    await audit(tx, actor, "rules.update", "site", old.siteId, { before: old, after: r });
    return { rule: r, ended, siteId: old.siteId };
  });
  if (out.ended) await noteSiteAlarms(db, { id: out.siteId }, 0, now);
  return out.rule;
}

export async function deleteRule(db: Db, actor: Actor & SiteViewer, id: number, now = new Date()) {
  const out = await db.transaction(async (tx) => {
    const old = await visibleRule(tx, actor, id);
    const ended = await endAlerts(tx, id, now);
    await tx.delete(alertRules).where(eq(alertRules.id, id));
    await audit(tx, actor, "rules.delete", "site", old.siteId, { before: old });
    return { ended, siteId: old.siteId };
  });
  if (out.ended) await noteSiteAlarms(db, { id: out.siteId }, 0, now);
}

// ---- evaluation ----------------------------------------------------------------------------

type Rule = typeof alertRules.$inferSelect;
type Hit = { key: string; value: number };

/** The keys where a rule's condition holds now, with the value that breached. */
async function breaches(tx: DbOrTx, r: Rule, now: Date): Promise<Hit[]> {
  const at = sql`${now.toISOString()}::timestamptz`;
  const fresh = sql`${new Date(now.getTime() - STALE_AFTER_MS).toISOString()}::timestamptz`;
  switch (r.kind) {
    case "cpu_idle_below": {
      const rows = await tx.execute<{ key: string; value: number }>(sql`
        select sv.name as key, s.v4 as value from servers sv
        cross join lateral (select v4 from samples where server_id = sv.id and kind = 'cpu' and mount = ''
          and at <= ${at} and at > ${fresh} order by at desc limit 1) s
        where sv.site_id = ${r.siteId} and s.v4 < ${r.threshold}`);
      return rows;
    }
    case "disk_used_above": {
      const rows = await tx.execute<{ key: string; value: number }>(sql`
        select sv.name || ' ' || d.mount as key, d.pct as value from servers sv
        cross join lateral (select distinct on (mount) mount, v1 / nullif(v2, 0) * 100 as pct from samples
          where server_id = sv.id and kind = 'disk' and at <= ${at} and at > ${fresh}
          order by mount, at desc) d
        where sv.site_id = ${r.siteId} and d.pct > ${r.threshold}`);
      return rows;
    }
    case "counter_zero": {
      const col = COUNTER_COLUMN[(r.counter ?? "callTimes") as keyof typeof COUNTER_COLUMN];
      const rows = await tx.execute<{ value: number }>(sql`
        select ${sql.raw(col)}::float8 as value from service_counters
        where site_id = ${r.siteId} and at <= ${at} order by at desc limit 1`);
      return rows.filter((x) => x.value === 0).map(() => ({ key: "", value: 0 }));
    }
    case "no_data": {
      const rows = await tx.execute<{ key: string; value: number }>(sql`
        select name as key, extract(epoch from (${at} - coalesce(last_sample_at, created_at))) / 60 as value
        from servers where site_id = ${r.siteId}
          and coalesce(last_sample_at, created_at) < ${at} - make_interval(mins => ${r.threshold})`);
      return rows.map((x) => ({ ...x, value: Math.floor(x.value) }));
    }
  }
}

type StateRow = { key: string; status: "pending" | "firing"; since: Date; alarm_id: number | null };

/** One rule, in a transaction of its own: how many of its alerts fired and resolved. */
async function evaluateRule(db: Db, r: Rule, siteCode: string, now: Date) {
  return retryingTransaction(db, "evaluate an alert rule", async (tx) => {
    const at = sql`${now.toISOString()}::timestamptz`;
    const states = await tx.execute<StateRow>(
      sql`select key, status, since, alarm_id from alert_rule_states where rule_id = ${r.id} for update`,
    );
    const hits = r.isEnabled ? await breaches(tx, r, now) : [];
    const byKey = new Map(hits.map((h) => [h.key, h]));
    let fired = 0;
    let resolved = 0;
    for (const s of states) {
      if (byKey.has(s.key)) continue;
      if (s.alarm_id) {
        await tx.execute(
          sql`update alarms set resumed_at = ${at}, last_record_at = ${at} where id = ${s.alarm_id} and resumed_at is null`,
        );
        resolved++;
      }
      await tx.execute(sql`delete from alert_rule_states where rule_id = ${r.id} and key = ${s.key}`);
    }
    const known = new Map(states.map((s) => [s.key, s]));
    for (const h of hits) {
      const s = known.get(h.key);
      // Data, not text: each reader gets it in their own words (server/alerts/detail.ts).
      const detail = JSON.stringify({
        kind: r.kind,
        value: h.value,
        threshold: r.threshold,
        counter: r.kind === "counter_zero" ? r.counter : null,
      } satisfies AlarmDetail);
      const since = s ? new Date(s.since) : now;
      if (s?.status === "firing") {
        await tx.execute(
          sql`update alarms set last_record_at = ${at}, detail = ${detail}::jsonb where id = ${s.alarm_id}`,
        );
        await tx.execute(
          sql`update alert_rule_states set value = ${h.value}, updated_at = ${at} where rule_id = ${r.id} and key = ${h.key}`,
        );
        continue;
      }
      const due = now.getTime() - since.getTime() >= r.forMinutes * 60_000;
      let alarmId: number | null = null;
      if (due) {
        const [a] = await tx.execute<{ id: number }>(sql`
          insert into alarms (site_id, name, node, raised_at, detail, last_record_at)
          values (${r.siteId}, ${r.name}, ${h.key || siteCode}, ${at}, ${detail}::jsonb, ${at})
          on conflict (site_id, name, node, raised_at) do update set resumed_at = null
          returning id`);
        alarmId = a ? Number(a.id) : null;
        fired++;
      }
      await tx.execute(sql`
        insert into alert_rule_states (rule_id, key, status, since, value, alarm_id, updated_at)
        values (${r.id}, ${h.key}, ${due ? "firing" : "pending"}, ${since.toISOString()}::timestamptz, ${h.value}, ${alarmId}, ${at})
        on conflict (rule_id, key) do update set status = excluded.status, value = excluded.value,
          alarm_id = excluded.alarm_id, updated_at = excluded.updated_at`);
    }
    return { fired, resolved };
  });
}

/**
 * Every enabled rule once (and disabled ones' leftovers end). Sites whose alerts changed are
 * handed to the notification layer; so are sites with alarms that notify again because a
 * silence or a maintenance window ended while no incident was open.
 */
export async function evaluateRules(db: Db, now = new Date()) {
  const rules = await db.execute<Rule & { site_code: string }>(sql`
    select r.id, r.site_id as "siteId", r.name, r.kind, r.threshold, r.counter, r.for_minutes as "forMinutes",
      r.is_enabled as "isEnabled", s.code as site_code
    from alert_rules r join sites s on s.id = r.site_id
    where r.is_enabled or exists (select 1 from alert_rule_states x where x.rule_id = r.id)
    order by r.id`);
  const changed = new Map<number, number>();
  let fired = 0;
  let resolved = 0;
  for (const row of rules) {
    // bigint columns come back as strings from raw SQL.
    const r = { ...row, id: Number(row.id), siteId: Number(row.siteId) } as Rule;
    const out = await evaluateRule(db, r, row.site_code, now);
    fired += out.fired;
    resolved += out.resolved;
    if (out.fired || out.resolved) changed.set(r.siteId, (changed.get(r.siteId) ?? 0) + out.fired);
  }
  const waking = await db.execute<{ site_id: number }>(sql`
    select distinct a.site_id from alarms a
    where ${notifiableSql(now)}
      and not exists (select 1 from notify_state n
        where n.subject_kind = 'site' and n.subject_id = a.site_id and n.status = 'failing')`);
  for (const w of waking) {
    const id = Number(w.site_id);
    if (!changed.has(id)) changed.set(id, 1);
  }
  for (const [siteId, n] of changed) await noteSiteAlarms(db, { id: siteId }, n, now);
  if (fired || resolved)
    log("alerts").info({ rules: rules.length, fired, resolved }, "alert rules evaluated");
  return { rules: rules.length, fired, resolved, sites: changed.size };
}
