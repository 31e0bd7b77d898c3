/**
 * Issue 12: alarms of threshold rules and of the site's files reach a real SMTP peer through the
 * notification layer — one mail on raise, a repeat on a short interval, one on resolve — and
 * none while a silence matches, a maintenance window is open, or the alarm is acknowledged.
 * Alarms arriving within the group wait go out in one message.
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createRule, evaluateRules } from "../../server/alerts/rules";
import { acknowledgeAlarm, createSilence, createWindow, expireSilence } from "../../server/alerts/suppress";
import { getDb } from "../../server/db/client";
import { resetEnvCache } from "../../server/lib/env";
import { alertState, muteSubject, sendReminder } from "../../server/notify/state";
import { ingestBytes } from "../../server/sites/ingest";
import { assignSiteUsers, createSite } from "../../server/sites/sites";
import { type KairosWorker, startWorker } from "../../worker/index";
import { ADMIN } from "../helpers/jobs";
import { type SmtpPeer, startSmtpPeer } from "../helpers/smtp";
import { makeUser } from "../helpers/users";
import { waitFor } from "../helpers/wait";

let smtp: SmtpPeer;
let worker: KairosWorker;
let opsId: number;

beforeAll(async () => {
  smtp = await startSmtpPeer();
  Object.assign(process.env, {
    SMTP_URL: smtp.url,
    MAIL_FROM: "Kairos <kairos@test.local>",
    PUBLIC_URL: "http://kairos.test",
    SITE_ALARM_REMIND_SECONDS: "2",
    SITE_ALARM_GROUP_WAIT_SECONDS: "0",
  });
  resetEnvCache();
  opsId = (await makeUser("operator", "password123", { username: "mail-ops" })).id;
  worker = await startWorker({ databaseUrl: process.env.DATABASE_URL as string, concurrency: 4 });
});
afterAll(async () => {
  await worker?.stop();
  await smtp?.close();
});

async function newSite(code: string) {
  const site = await createSite(getDb(), ADMIN, { code, name: code, timezone: "UTC" });
  await assignSiteUsers(getDb(), ADMIN, site.id, [opsId]);
  return site;
}
const subjects = (code: string) =>
  smtp.messages.map((m) => m.subject ?? "").filter((s) => s.startsWith(`[Kairos] ${code} (${code})`));
/** Mails about one site in the outbox (other tests' sites keep being reminded meanwhile). */
const outboxCount = async (code: string) =>
  (
    await getDb().execute<{ n: number }>(
      sql`select count(*)::int as n from outbox where subject like ${`[Kairos] ${code} (${code})%`}`,
    )
  )[0]?.n ?? 0;
const alarmLine = (code: string, name: string, resumed = "") =>
  `${code}|${name}|db1|${name} on db1|2025-03-02 09:00:00|${resumed}|${resumed || "2025-03-02 09:00:00"}`;
const push = (site: { id: number; code: string; timezone: string }, lines: string[]) =>
  ingestBytes(getDb(), site, "alarm", "system_alarm_20250302.txt", Buffer.from(`${lines.join("\n")}\n`));

it("a rule's alarm: one mail on raise, repeats while it holds, one mail on resolve", async () => {
  const site = await newSite("RM");
  const [srv] = await getDb().execute<{ id: number }>(
    sql`insert into servers (site_id, name, last_sample_at) values (${site.id}, 'app1', now()) returning id`,
  );
  const disk = (used: number) =>
    getDb().execute(sql`insert into samples (server_id, kind, mount, at, v1, v2)
      values (${srv?.id}, 'disk', '/', now(), ${used}, 100) on conflict do nothing`);
  await createRule(getDb(), ADMIN, {
    siteId: site.id,
    name: "Disk almost full",
    kind: "disk_used_above",
    threshold: 90,
  });
  await disk(97);
  await evaluateRules(getDb());
  await waitFor("the raise mail", () => subjects("RM").length >= 1);
  const raised = smtp.messages.find((m) => m.subject === "[Kairos] RM (RM): 1 alarm not resumed");
  expect(raised?.text).toContain("Disk almost full · app1 /");
  expect(raised?.text).toContain("Disk used above 90\u00a0% (now 97\u00a0%)");
  await waitFor(
    "a repeat",
    () => subjects("RM").includes("[Kairos] RM (RM): still 1 alarm not resumed"),
    20_000,
  );
  await disk(40);
  await evaluateRules(getDb());
  await waitFor("the resolve mail", () => subjects("RM").includes("[Kairos] RM (RM): every alarm resumed"));
  expect(
    subjects("RM").filter((s) => s.endsWith("1 alarm not resumed") && !s.includes("still")),
  ).toHaveLength(1);
}, 60_000);

it("a silence keeps a matching alarm quiet until it ends", async () => {
  const site = await newSite("SL");
  const silence = await createSilence(
    getDb(),
    { ...ADMIN },
    {
      siteId: site.id,
      matchers: [{ label: "alarm", op: "=~", value: "Link.*" }],
      hours: 1,
    },
  );
  const before = await outboxCount("SL");
  await push(site, [alarmLine("SL", "Link down")]);
  await evaluateRules(getDb());
  expect(await outboxCount("SL")).toBe(before);
  // An alarm the matchers do not cover is mailed.
  await push(site, [alarmLine("SL", "Link down"), alarmLine("SL", "Fan failure")]);
  await waitFor("the unsilenced alarm's mail", () => subjects("SL").length >= 1);
  const first = smtp.messages.find((m) => m.subject?.startsWith("[Kairos] SL (SL)"));
  expect(first?.subject).toBe("[Kairos] SL (SL): 1 alarm not resumed");
  expect(first?.text).toContain("Fan failure");
  expect(first?.text).not.toContain("Link down");
  await expireSilence(getDb(), { ...ADMIN }, silence.id);
  // The reminder now lists both.
  await waitFor(
    "a reminder with both",
    () => smtp.messages.some((m) => m.subject === "[Kairos] SL (SL): still 2 alarms not resumed"),
    20_000,
  );
}, 60_000);

it("a maintenance window suppresses everything; once it ends the open alarm is mailed", async () => {
  const site = await newSite("MW");
  const w = await createWindow(
    getDb(),
    { ...ADMIN },
    {
      siteId: site.id,
      startsAt: new Date(Date.now() - 60_000),
      endsAt: new Date(Date.now() + 3600_000),
    },
  );
  const before = await outboxCount("MW");
  await push(site, [alarmLine("MW", "Power")]);
  await evaluateRules(getDb());
  expect(await outboxCount("MW")).toBe(before);
  expect(subjects("MW")).toEqual([]);
  await getDb().execute(sql`update maintenance_windows set ends_at = now() where id = ${w.id}`);
  await evaluateRules(getDb());
  await waitFor("the mail after the window", () =>
    subjects("MW").includes("[Kairos] MW (MW): 1 alarm not resumed"),
  );
}, 60_000);

it("an acknowledged alarm is left out of repeats", async () => {
  const site = await newSite("AK");
  await push(site, [alarmLine("AK", "Cooling")]);
  await waitFor("the raise mail", () => subjects("AK").length >= 1);
  const [a] = await getDb().execute<{ id: number }>(sql`select id from alarms where site_id = ${site.id}`);
  await acknowledgeAlarm(getDb(), { ...ADMIN }, Number(a?.id), true);
  const before = await outboxCount("AK");
  const later = new Date(Date.now() + 3600_000);
  expect(await sendReminder(getDb(), { kind: "site", id: site.id }, later)).toBe("sent");
  expect(await outboxCount("AK")).toBe(before);
  await acknowledgeAlarm(getDb(), { ...ADMIN }, Number(a?.id), false);
  await sendReminder(getDb(), { kind: "site", id: site.id }, new Date(later.getTime() + 3600_000));
  expect(await outboxCount("AK")).toBe(before + 1);
}, 60_000);

it("alarms arriving within the group wait go out in one message", async () => {
  process.env.SITE_ALARM_GROUP_WAIT_SECONDS = "3600";
  resetEnvCache();
  try {
    const site = await newSite("GW");
    await push(site, [alarmLine("GW", "First")]);
    await push(site, [alarmLine("GW", "First"), alarmLine("GW", "Second")]);
    const jobs = await getDb().execute<{ id: string }>(
      sql`select id::text from graphile_worker.jobs where key = ${`site-alarms:${site.id}`}`,
    );
    expect(jobs).toHaveLength(1);
    expect(subjects("GW")).toEqual([]);
    // The wait is over (brought forward rather than slept through).
    await getDb().execute(
      sql`select graphile_worker.reschedule_jobs(array[${jobs[0]?.id}]::bigint[], run_at := now())`,
    );
    await waitFor("one message for both", () => subjects("GW").length >= 1);
    expect(subjects("GW")).toEqual(["[Kairos] GW (GW): 2 alarms not resumed"]);
  } finally {
    process.env.SITE_ALARM_GROUP_WAIT_SECONDS = "0";
    resetEnvCache();
  }
}, 60_000);

it("an alarm suppressed for its whole life sends neither a raise nor a resolve", async () => {
  const site = await newSite("QS");
  await createSilence(getDb(), { ...ADMIN }, { siteId: site.id, matchers: [], hours: 1 });
  await push(site, [alarmLine("QS", "Quiet")]);
  await evaluateRules(getDb());
  await push(site, [alarmLine("QS", "Quiet", "2025-03-02 09:30:00")]);
  await evaluateRules(getDb());
  // A loud alarm afterwards: its mails are the first of the site, so nothing came before.
  const loud = await newSite("QL");
  await push(loud, [alarmLine("QL", "Loud")]);
  await waitFor("the loud alarm's mail", () => subjects("QL").length >= 1);
  expect(await outboxCount("QS")).toBe(0);
}, 60_000);

it("no resolve for an incident whose raise never reached anyone (muted, then acknowledged)", async () => {
  const site = await newSite("QM");
  const subject = { kind: "site" as const, id: site.id };
  await muteSubject(getDb(), subject, { hours: 1 });
  await push(site, [alarmLine("QM", "Hidden")]);
  expect(await alertState(getDb(), subject)).toMatchObject({ status: "failing" });
  const [a] = await getDb().execute<{ id: number }>(sql`select id from alarms where site_id = ${site.id}`);
  await acknowledgeAlarm(getDb(), { ...ADMIN }, Number(a?.id), true);
  await muteSubject(getDb(), subject, { off: true });
  // Reminders now run but have nothing to say: the one open alarm is acknowledged.
  expect(await sendReminder(getDb(), subject, new Date(Date.now() + 3600_000))).toBe("sent");
  await push(site, [alarmLine("QM", "Hidden", "2025-03-02 09:30:00")]);
  expect(await alertState(getDb(), subject)).toMatchObject({ status: "ok" });
  const loud = await newSite("QN");
  await push(loud, [alarmLine("QN", "Loud")]);
  await waitFor("the loud alarm's mail", () => subjects("QN").length >= 1);
  expect(await outboxCount("QM")).toBe(0);
  expect(subjects("QM")).toEqual([]);
}, 60_000);

it("a resolve follows a raise that was told, even if the alarm was acknowledged since", async () => {
  const site = await newSite("QT");
  await push(site, [alarmLine("QT", "Told")]);
  await waitFor("the raise mail", () => subjects("QT").length >= 1);
  const [a] = await getDb().execute<{ id: number }>(sql`select id from alarms where site_id = ${site.id}`);
  await acknowledgeAlarm(getDb(), { ...ADMIN }, Number(a?.id), true);
  await push(site, [alarmLine("QT", "Told", "2025-03-02 09:30:00")]);
  await waitFor("the resolve mail", () => subjects("QT").includes("[Kairos] QT (QT): every alarm resumed"));
}, 60_000);

it("a site's own group wait and repeat interval override the installation's", async () => {
  // The installation: no wait, a reminder every 2 s (beforeAll); this site: 1 h wait, no reminders.
  const site = await createSite(getDb(), ADMIN, {
    code: "OW",
    name: "OW",
    timezone: "UTC",
    alarmGroupWaitSeconds: 3600,
    alarmRemindSeconds: 0,
  });
  await assignSiteUsers(getDb(), ADMIN, site.id, [opsId]);
  await push(site, [alarmLine("OW", "Own")]);
  const jobs = await getDb().execute<{ id: string }>(
    sql`select id::text from graphile_worker.jobs where key = ${`site-alarms:${site.id}`}`,
  );
  expect(jobs).toHaveLength(1);
  expect(await outboxCount("OW")).toBe(0);
  await getDb().execute(
    sql`select graphile_worker.reschedule_jobs(array[${jobs[0]?.id}]::bigint[], run_at := now())`,
  );
  await waitFor("the raise mail", () => subjects("OW").length >= 1);
  const raise = smtp.messages.find((m) => m.subject === "[Kairos] OW (OW): 1 alarm not resumed");
  expect(raise?.text).toContain("You will get one mail when all have resumed.");
  expect(raise?.text).not.toContain("reminder every");
  expect(await alertState(getDb(), { kind: "site", id: site.id })).toMatchObject({
    status: "failing",
    nextReminderAt: null,
  });
}, 60_000);
