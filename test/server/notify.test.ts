import http from "node:http";
import { sql } from "drizzle-orm";
import type { ParsedMail } from "mailparser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../server/db/client";
import { runJobNow } from "../../server/jobs/jobs";
import { resetEnvCache } from "../../server/lib/env";
import { alertState, muteSubject } from "../../server/notify/state";
import { durationWords } from "../../server/notify/words";
import { type KairosWorker, startWorker } from "../../worker/index";
import { nextEvent } from "../helpers/events";
import { ADMIN, makeJob, runsOf } from "../helpers/jobs";
import { type SmtpPeer, startSmtpPeer } from "../helpers/smtp";

let smtp: SmtpPeer;
let worker: KairosWorker;
/** A service whose health the test decides: each path answers the status set for it. */
const health = new Map<string, number>();
let service: http.Server;
let serviceUrl = "";

beforeAll(async () => {
  smtp = await startSmtpPeer();
  for (const k of ["SMTP_URL", "RESEND_API_KEY", "RESEND_BASE_URL"]) delete process.env[k];
  Object.assign(process.env, { SMTP_URL: smtp.url, MAIL_FROM: "Kairos <kairos@test.local>" });
  resetEnvCache();
  service = http.createServer((req, res) => {
    res.writeHead(health.get(req.url ?? "") ?? 200, { "content-type": "text/plain" }).end("service says hi");
  });
  await new Promise<void>((r) => service.listen(0, "127.0.0.1", r));
  serviceUrl = `http://127.0.0.1:${(service.address() as { port: number }).port}`;
  worker = await startWorker({ databaseUrl: process.env.DATABASE_URL as string, concurrency: 8 });
});

afterAll(async () => {
  await worker?.stop();
  await smtp?.close();
  service?.closeAllConnections();
  await new Promise((r) => service?.close(r));
});

const mailTo = (to: string, subject: RegExp, timeoutMs = 30_000) =>
  nextEvent(
    smtp.events,
    "message",
    (m: ParsedMail) => (m.to as { text: string } | undefined)?.text === to && subject.test(m.subject ?? ""),
    timeoutMs,
  ).then(([m]) => m);

const outboxFor = async (to: string) =>
  (
    await getDb().execute<{ kind: string; subject: string }>(
      sql`select kind, subject from outbox where ${to} = any("to") order by id`,
    )
  ).map((r) => [r.kind, r.subject] as const);

/**
 * Runs a job n times at once and waits for each run's own run:finished, which the engine emits
 * after the run's follow-ups (alert state included); the finished runs, oldest first.
 */
async function runTimes(jobId: number, n: number) {
  const seen = new Set<number>();
  const ids: number[] = [];
  let check = () => {};
  const onFinished = (e: { runId: number }) => {
    seen.add(e.runId);
    check();
  };
  worker.engine.events.on("run:finished", onFinished);
  try {
    for (let i = 0; i < n; i++) ids.push((await runJobNow(getDb(), ADMIN, jobId)).id);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`runs ${ids} of job ${jobId} did not finish`)), 30_000);
      check = () => {
        if (!ids.every((id) => seen.has(id))) return;
        clearTimeout(timer);
        resolve();
      };
      check();
    });
  } finally {
    worker.engine.events.off("run:finished", onFinished);
  }
  return (await runsOf(jobId)).filter((r) => ids.includes(r.id));
}

describe("alerts on change, not per failure", () => {
  it("mails once when a job starts failing, reminds while it keeps failing, and once on recovery", async () => {
    const to = "oncall-a@example.com";
    health.set("/a", 500);
    const job = await makeJob({
      mode: "http",
      command: `【url】${serviceUrl}/a`,
      notifyEmails: [to],
      alertRemindSeconds: 4,
    });
    const failing = mailTo(to, /is failing/);
    // Reminders repeat every 4 s while it fails: on a loaded machine the first may be written
    // before the third failure is, so wait for the one that counts all three.
    const reminder = mailTo(to, /still failing \(3 failed runs since /);
    // Three failures in a row, as a job failing every 20 s would have: one mail, not three.
    const rs = await runTimes(job.id, 3);
    expect(rs.map((r) => r.status)).toEqual(["failed", "failed", "failed"]);
    const first = await failing;
    expect(first.subject).toBe(`[Kairos] ${job.name} is failing: HTTP 500 Internal Server Error`);
    // The failure that opened the incident (the three ran at once: any of them).
    expect(rs.some((r) => String(first.html).includes(`/runs/${r.id}"`))).toBe(true);
    expect(first.text).toMatch(/one reminder every 4 seconds/);

    // The reminder comes on its own (a worker task), counting every failure so far.
    const again = await reminder;
    expect(again.subject).toMatch(new RegExp(`${job.name} is still failing \\(3 failed runs since `));
    expect(again.text).toContain("3 failed runs so far");
    const during = await alertState(getDb(), { kind: "job", id: job.id });
    expect(during).toMatchObject({ status: "failing", failures: 3 });
    expect(during.nextReminderAt?.getTime()).toBeGreaterThan(Date.now());

    health.set("/a", 200);
    const recovered = mailTo(to, /recovered/);
    const [ok] = await runTimes(job.id, 1);
    expect(ok?.status).toBe("succeeded");
    expect((await recovered).subject).toBe(`[Kairos] ${job.name} has recovered after 3 failed runs`);

    // Back to ok: no reminder is left queued, and only the three change mails were written.
    expect(await alertState(getDb(), { kind: "job", id: job.id })).toMatchObject({
      status: "ok",
      failures: 0,
      nextReminderAt: null,
    });
    const queued = await getDb().execute(
      sql`select 1 from graphile_worker.jobs where key = ${`notify:job:${job.id}`}`,
    );
    expect(queued).toHaveLength(0);
    const kinds = (await outboxFor(to)).map(([k]) => k);
    expect(kinds.filter((k) => k === "alert-failing")).toHaveLength(1);
    expect(kinds.filter((k) => k === "alert-recovered")).toHaveLength(1);
    expect(kinds.every((k) => k.startsWith("alert-"))).toBe(true);

    // A new failure after the recovery is a new incident, counted from one.
    health.set("/a", 503);
    const reopened = mailTo(to, /is failing: HTTP 503/);
    await runTimes(job.id, 1);
    await reopened;
    expect(await alertState(getDb(), { kind: "job", id: job.id })).toMatchObject({
      status: "failing",
      failures: 1,
    });
  });

  it("a mute until recovery holds back the failing notice but not the recovery", async () => {
    const to = "oncall-b@example.com";
    health.set("/b", 500);
    const job = await makeJob({
      mode: "http",
      command: `【url】${serviceUrl}/b`,
      notifyEmails: [to],
      alertRemindSeconds: 0,
    });
    await muteSubject(getDb(), { kind: "job", id: job.id }, { untilRecovered: true });
    await runTimes(job.id, 2);
    // run:finished comes after the follow-ups, so a notice would be in the outbox by now.
    expect(await outboxFor(to)).toEqual([]);
    expect(await alertState(getDb(), { kind: "job", id: job.id })).toMatchObject({
      status: "failing",
      failures: 2,
      mutedUntilRecovered: true,
    });
    health.set("/b", 200);
    const recovered = mailTo(to, /recovered after 2 failed runs/);
    await runTimes(job.id, 1);
    await recovered;
    expect(await alertState(getDb(), { kind: "job", id: job.id })).toMatchObject({
      status: "ok",
      mutedUntilRecovered: false,
    });
  });

  it("a job without addresses keeps its state and sends nothing", async () => {
    health.set("/c", 500);
    const job = await makeJob({ mode: "http", command: `【url】${serviceUrl}/c` });
    await runTimes(job.id, 1);
    expect(await alertState(getDb(), { kind: "job", id: job.id })).toMatchObject({
      status: "failing",
      failures: 1,
    });
  });
});

describe("durations in words", () => {
  it.each([
    [14400, "en", "4 hours"],
    [14400, "zh-CN", "4小时"],
    [93784, "en", "1 day, 2 hours"],
    [90, "en", "1 minute, 30 seconds"],
    [1, "en", "1 second"],
    [0, "en", "0 seconds"],
    [3600, "zh-CN", "1小时"],
  ] as const)("%d s in %s is %s", (s, locale, words) => {
    expect(durationWords(s, locale)).toBe(words);
  });
});
