/**
 * Issue 12: threshold rules on a site's data, driven by the evaluation's clock. A condition is
 * pending until it held `forMinutes`, then fires as an alarm of the site (which opens the site's
 * incident: a mail in the outbox), and resolves when it stops; cpu idle, disk used, a business
 * counter at 0 and no data each find what breaches. Scope and validation name the field.
 */
import { sql } from "drizzle-orm";
import { beforeAll, expect, it } from "vitest";
import { alarmDescription } from "../../server/alerts/detail";
import { createRule, evaluateRules } from "../../server/alerts/rules";
import { getDb } from "../../server/db/client";
import type { AlarmDetail } from "../../server/lib/enums";
import { resetEnvCache } from "../../server/lib/env";
import { assignSiteUsers, createSite } from "../../server/sites/sites";
import { ADMIN } from "../helpers/jobs";
import { callerFor, makeUser } from "../helpers/users";

const T = Date.UTC(2025, 5, 1, 8, 0);
const at = (min: number) => new Date(T + min * 60_000);
let site: { id: number; code: string };
let s1: number;

async function server(name: string, lastSampleMin: number | null) {
  const [r] = await getDb().execute<{ id: number }>(sql`
    insert into servers (site_id, name, last_sample_at, created_at)
    values (${site.id}, ${name}, ${lastSampleMin === null ? null : at(lastSampleMin).toISOString()}::timestamptz, ${at(-600).toISOString()}::timestamptz)
    returning id`);
  return Number(r?.id);
}
const cpu = (serverId: number, min: number, idle: number) =>
  getDb().execute(sql`insert into samples (server_id, kind, mount, at, v1, v2, v3, v4)
    values (${serverId}, 'cpu', '', ${at(min).toISOString()}::timestamptz, 1, 1, 1, ${idle})`);
const disk = (serverId: number, min: number, used: number, total: number) =>
  getDb().execute(sql`insert into samples (server_id, kind, mount, at, v1, v2)
    values (${serverId}, 'disk', '/data', ${at(min).toISOString()}::timestamptz, ${used}, ${total})`);
const calls = (min: number, n: number) =>
  getDb().execute(sql`insert into service_counters (site_id, at, sub_users, unsub_users, total_users, call_times, show_times, mo_times, mt_times)
    values (${site.id}, ${at(min).toISOString()}::timestamptz, 1, 1, 1, ${n}, 1, 1, 1)`);
/** A rule's alarms, with what they say in each language (catalog words, not expressions). */
const alarmsOf = async (name: string) =>
  (
    await getDb().execute<{
      node: string;
      resumed_at: Date | null;
      description: string;
      detail: AlarmDetail | null;
    }>(
      sql`select node, resumed_at, description, detail from alarms where site_id = ${site.id} and name = ${name} order by id`,
    )
  ).map((a) => ({ ...a, en: alarmDescription(a, "en"), zh: alarmDescription(a, "zh-CN") }));
const mails = async () =>
  (
    await getDb().execute<{ kind: string }>(
      sql`select kind from outbox where kind like 'site-alarms-%' order by id`,
    )
  ).map((m) => m.kind);

beforeAll(async () => {
  Object.assign(process.env, { SITE_ALARM_GROUP_WAIT_SECONDS: "0", PUBLIC_URL: "http://kairos.test" });
  resetEnvCache();
  site = await createSite(getDb(), ADMIN, { code: "RL", name: "Rules", timezone: "UTC" });
  const ops = await makeUser("operator", "password123", { username: "rules-ops" });
  await assignSiteUsers(getDb(), ADMIN, site.id, [ops.id]);
  s1 = await server("s1", 0);
});

it("cpu idle below X for N minutes: pending, then firing (one mail), then resolved (one mail)", async () => {
  await createRule(getDb(), ADMIN, {
    siteId: site.id,
    name: "CPU busy",
    kind: "cpu_idle_below",
    threshold: 10,
    forMinutes: 5,
  });
  await cpu(s1, 0, 5);
  await evaluateRules(getDb(), at(0));
  const [state] = await getDb().execute<{ status: string }>(sql`select status from alert_rule_states`);
  expect(state?.status).toBe("pending");
  expect(await alarmsOf("CPU busy")).toHaveLength(0);
  await cpu(s1, 4, 4);
  await evaluateRules(getDb(), at(4));
  expect(await alarmsOf("CPU busy")).toHaveLength(0);
  await cpu(s1, 5, 3);
  await evaluateRules(getDb(), at(5));
  const [firing] = await alarmsOf("CPU busy");
  expect(firing).toMatchObject({
    node: "s1",
    resumed_at: null,
    en: "CPU idle below 10\u00a0% (now 3\u00a0%)",
    zh: "CPU 空闲低于 10%（当前 3%）",
  });
  expect(await mails()).toEqual(["site-alarms-failing"]);
  // Still breaching: the same alarm, no new mail.
  await cpu(s1, 6, 2);
  await evaluateRules(getDb(), at(6));
  expect(await alarmsOf("CPU busy")).toHaveLength(1);
  expect(await mails()).toEqual(["site-alarms-failing"]);
  await cpu(s1, 7, 60);
  await evaluateRules(getDb(), at(7));
  expect(new Date((await alarmsOf("CPU busy"))[0]?.resumed_at ?? 0)).toEqual(at(7));
  expect(await mails()).toEqual(["site-alarms-failing", "site-alarms-recovered"]);
  expect(await getDb().execute(sql`select 1 from alert_rule_states`)).toHaveLength(0);
});

it("a condition that stops while pending raises nothing", async () => {
  await cpu(s1, 20, 1);
  await evaluateRules(getDb(), at(20));
  await cpu(s1, 22, 90);
  await evaluateRules(getDb(), at(22));
  expect(await alarmsOf("CPU busy")).toHaveLength(1);
  expect(await getDb().execute(sql`select 1 from alert_rule_states`)).toHaveLength(0);
});

it("disk used above X, a counter falling to 0 and no data from a server fire per key", async () => {
  await createRule(getDb(), ADMIN, {
    siteId: site.id,
    name: "Disk full",
    kind: "disk_used_above",
    threshold: 90,
  });
  await createRule(getDb(), ADMIN, {
    siteId: site.id,
    name: "No calls",
    kind: "counter_zero",
    counter: "callTimes",
  });
  await createRule(getDb(), ADMIN, {
    siteId: site.id,
    name: "Silent server",
    kind: "no_data",
    threshold: 15,
  });
  await server("s2", 10); // last sample at minute 10
  await disk(s1, 30, 95, 100);
  await calls(29, 12);
  await calls(30, 0);
  await cpu(s1, 30, 80);
  await getDb().execute(
    sql`update servers set last_sample_at = ${at(30).toISOString()}::timestamptz where id = ${s1}`,
  );
  await evaluateRules(getDb(), at(30));
  expect(await alarmsOf("Disk full")).toMatchObject([
    {
      node: "s1 /data",
      en: "Disk used above 90\u00a0% (now 95\u00a0%)",
      zh: "磁盘使用率高于 90%（当前 95%）",
    },
  ]);
  expect(await alarmsOf("No calls")).toMatchObject([{ node: "RL", en: "Calls at 0", zh: "呼叫数降为 0" }]);
  expect(await alarmsOf("Silent server")).toMatchObject([
    {
      node: "s2",
      resumed_at: null,
      en: "No data for 15\u00a0min (last 20\u00a0min ago)",
      zh: "超过 15 分钟无数据（已 20 分钟）",
    },
  ]);
  await calls(31, 3);
  await evaluateRules(getDb(), at(31));
  expect(new Date((await alarmsOf("No calls"))[0]?.resumed_at ?? 0)).toEqual(at(31));
  expect((await alarmsOf("Disk full"))[0]?.resumed_at).toBeNull();
});

it("checks inputs by field and keeps rules to the site's people", async () => {
  const other = await createSite(getDb(), ADMIN, { code: "RL2", name: "Other", timezone: "UTC" });
  const op = await makeUser("operator", "password123", { username: "rules-op2" });
  await assignSiteUsers(getDb(), ADMIN, other.id, [op.id]);
  const caller = callerFor(op);
  await expect(caller.alerting.rules({ id: site.id })).rejects.toThrow(/not found/i);
  await expect(
    caller.alerting.createRule({ siteId: site.id, name: "x", kind: "cpu_idle_below", threshold: 5 }),
  ).rejects.toThrow(/not found/i);
  await expect(
    caller.alerting.createRule({ siteId: other.id, name: "x", kind: "counter_zero" }),
  ).rejects.toThrow(/counter/);
  await expect(
    caller.alerting.createRule({ siteId: other.id, name: "x", kind: "disk_used_above", threshold: 120 }),
  ).rejects.toThrow(/threshold/);
  const r = await caller.alerting.createRule({
    siteId: other.id,
    name: "ok",
    kind: "no_data",
    threshold: 15,
  });
  expect((await caller.alerting.rules({ id: other.id })).map((x) => x.id)).toEqual([r.id]);
});
