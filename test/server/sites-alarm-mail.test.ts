/**
 * Issue 12 / seed 001 (对于未恢复节点的告警需要发送邮件): a site's alarms that are not resumed
 * reach its people at a real SMTP peer through the notification layer — one mail when they
 * arrive, a reminder on the (short, for the test) interval while any stays open, one mail when
 * all have resumed, and none while the site is muted.
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { getDb } from "../../server/db/client";
import { resetEnvCache } from "../../server/lib/env";
import { muteSubject } from "../../server/notify/state";
import { ingestBytes } from "../../server/sites/ingest";
import { assignSiteUsers, createSite } from "../../server/sites/sites";
import { type KairosWorker, startWorker } from "../../worker/index";
import { ADMIN } from "../helpers/jobs";
import { type SmtpPeer, startSmtpPeer } from "../helpers/smtp";
import { makeUser } from "../helpers/users";
import { waitFor } from "../helpers/wait";

let smtp: SmtpPeer;
let worker: KairosWorker;
let site: { id: number; code: string; timezone: string };

beforeAll(async () => {
  smtp = await startSmtpPeer();
  Object.assign(process.env, {
    SMTP_URL: smtp.url,
    MAIL_FROM: "Kairos <kairos@test.local>",
    PUBLIC_URL: "http://kairos.test",
    SITE_ALARM_REMIND_SECONDS: "2",
    // The group wait has a test of its own (test/server/alerts-rules.test.ts).
    SITE_ALARM_GROUP_WAIT_SECONDS: "0",
  });
  resetEnvCache();
  const ops = await makeUser("operator", "password123", { username: "ops" });
  await makeUser("operator", "password123", { username: "other" });
  site = await createSite(getDb(), ADMIN, { code: "HZ", name: "Hangzhou", timezone: "Asia/Shanghai" });
  await assignSiteUsers(getDb(), { ...ADMIN }, site.id, [ops.id]);
  worker = await startWorker({ databaseUrl: process.env.DATABASE_URL as string, concurrency: 4 });
});
afterAll(async () => {
  await worker?.stop();
  await smtp?.close();
});

const alarmLine = (name: string, raised: string, resumed = "") =>
  `HZ|${name}|db1|${name} on db1|${raised}|${resumed}|${resumed || raised}`;
const push = (lines: string[]) =>
  ingestBytes(getDb(), site, "alarm", "system_alarm_20250302.txt", Buffer.from(`${lines.join("\n")}\n`));
const subjects = () => smtp.messages.map((m) => m.subject ?? "");

it("mails the site's people when alarms arrive not resumed, reminds, and mails once when all resumed", async () => {
  await push([alarmLine("CPU high", "2025-03-02 08:00:00"), alarmLine("Disk full", "2025-03-02 08:01:00")]);
  await waitFor("the first alarm mail", () => smtp.messages.length >= 1);
  const first = smtp.messages[0];
  expect(first?.subject).toBe("[Kairos] Hangzhou (HZ): 2 alarms not resumed");
  expect(first?.to && "text" in first.to ? first.to.text : "").toBe("ops@example.com");
  expect(first?.text).toContain("CPU high · db1");
  expect(first?.text).toContain("Disk full · db1");
  // The same lines again change nothing: no second "started" mail.
  await push([alarmLine("CPU high", "2025-03-02 08:00:00")]);
  await waitFor("a reminder", () => subjects().some((s) => s.includes("still 2 alarms not resumed")), 20_000);
  await push([alarmLine("CPU high", "2025-03-02 08:00:00", "2025-03-02 08:30:00")]);
  // One open alarm left: no mail for a partial resume.
  const [open] = await getDb().execute<{ n: number }>(
    sql`select count(*)::int as n from alarms where site_id = ${site.id} and resumed_at is null`,
  );
  expect(open?.n).toBe(1);
  await push([alarmLine("Disk full", "2025-03-02 08:01:00", "2025-03-02 08:40:00")]);
  await waitFor("the all-resumed mail", () =>
    subjects().includes("[Kairos] Hangzhou (HZ): every alarm resumed"),
  );
  expect(subjects().filter((s) => s === "[Kairos] Hangzhou (HZ): 2 alarms not resumed")).toHaveLength(1);
}, 60_000);

it("sends nothing while the site is muted", async () => {
  await muteSubject(getDb(), { kind: "site", id: site.id }, { hours: 1 });
  const [before] = await getDb().execute<{ n: number }>(sql`select count(*)::int as n from outbox`);
  await push([alarmLine("Link down", "2025-03-02 09:00:00")]);
  const [after] = await getDb().execute<{ n: number }>(sql`select count(*)::int as n from outbox`);
  expect(after?.n).toBe(before?.n);
});
