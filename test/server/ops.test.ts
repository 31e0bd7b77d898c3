/**
 * Issue 13's operations pages, server side: the system page lists a running command with its
 * processes and kills it through the stop path; its top 5 agree with ps(1) reading /proc; the
 * audit page shows a job edit's before/after; the database keeps Kairos' own log lines.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";
import { asc, eq } from "drizzle-orm";
import pino from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { getDb } from "../../server/db/client";
import { auditLog, logs, runLogs } from "../../server/db/schema";
import { messagesFor } from "../../server/i18n/messages";
import { AUDIT_ACTIONS, AUDIT_AREAS } from "../../server/lib/enums";
import { LogSink } from "../../server/lib/log-sink";
import { diffRecords } from "../../server/ops/diff";
import { exportLogs, pruneLogs } from "../../server/ops/logs";
import { topProcesses } from "../../server/ops/system";
import { createRuns } from "../../server/runs/create";
import { processesOfRun } from "../../server/runs/orphans";
import { getRun } from "../../server/runs/runs";
import { type KairosWorker, startWorker } from "../../worker/index";
import { makeJob } from "../helpers/jobs";
import { callerFor, makeUser } from "../helpers/users";
import { waitFor } from "../helpers/wait";

let worker: KairosWorker | undefined;
afterAll(async () => {
  await worker?.stop();
});

describe("system page", () => {
  it("lists a running command with its process ids and kills its whole tree from the page", async () => {
    worker = await startWorker({
      databaseUrl: process.env.DATABASE_URL as string,
      concurrency: 2,
      scheduler: false,
    });
    const admin = await makeUser("admin");
    const caller = callerFor(admin);
    // A shell with a child of its own: the kill must reach both.
    const job = await makeJob({ mode: "command", command: "【command】sh -c 'sleep 120 & sleep 120; wait'" });
    const [run] = await createRuns(getDb(), [
      { jobId: job.id, policy: "parallel", trigger: "manual", scheduledAt: new Date() },
    ]);
    if (!run) throw new Error("no run");
    const listed = await waitFor("the run on the system page with its processes", async () => {
      const s = await caller.ops.system();
      const all = [...s.workers.flatMap((w) => w.runs), ...s.orphans];
      const r = all.find((x) => x.id === run.id);
      return r?.pids && r.pids.length >= 3 ? r : null;
    });
    expect(listed.pgid).toBeGreaterThan(0);
    expect(listed.pids).toContain(listed.pgid);
    expect(listed.jobName).toBe(job.name);
    const pids = listed.pids ?? [];

    await caller.ops.killRun({ id: run.id });
    await waitFor("the run cancelled", async () => (await getRun(getDb(), run.id)).status === "cancelled");
    // Every process of the tree ends (a zombie waiting for its parent to reap it counts as ended).
    const running = (pid: number) => {
      try {
        return !readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.startsWith("Z");
      } catch {
        return false;
      }
    };
    await waitFor("the process tree gone", async () => pids.every((pid) => !running(pid)));
    expect(await processesOfRun(listed.pgid ?? 0, run.id)).toEqual([]);
    const ended = await getRun(getDb(), run.id);
    expect(ended.error).toContain(`killed from the system page by ${admin.username}`);
    const out = (
      await getDb().select().from(runLogs).where(eq(runLogs.runId, run.id)).orderBy(asc(runLogs.seq))
    )
      .map((c) => c.data)
      .join("");
    expect(out).toContain("[stopped on request]");
    const [row] = await getDb().select().from(auditLog).where(eq(auditLog.action, "run.kill"));
    expect(row).toMatchObject({ actorName: admin.username, entityId: String(run.id) });
    // Killing it again says it is not running.
    await expect(caller.ops.killRun({ id: run.id })).rejects.toThrow(/is not running/);
  });

  it("shows the same top 5 processes by memory as ps(1)", async () => {
    const ps = () =>
      new Map(
        execFileSync("ps", ["-eo", "pid=,rss=,comm="], { encoding: "utf8" })
          .trim()
          .split("\n")
          .map((l) => l.trim().split(/\s+/))
          .map(([pid, rss, ...name]) => [Number(pid), { rssKb: Number(rss), name: name.join(" ") }] as const),
      );
    // Other processes start and end meanwhile (builds on a shared machine): ps before and after
    // ours, and only processes alive in both are compared, within their range ±10 %.
    const before = ps();
    const ours = await topProcesses(5);
    const after = ps();
    expect(ours).toHaveLength(5);
    let compared = 0;
    for (const p of ours) {
      const a = before.get(p.pid);
      const b = after.get(p.pid);
      if (!a?.rssKb || !b?.rssKb) continue;
      compared++;
      const kb = p.rssBytes / 1024;
      expect(kb).toBeGreaterThanOrEqual(Math.min(a.rssKb, b.rssKb) * 0.9 - 1024);
      expect(kb).toBeLessThanOrEqual(Math.max(a.rssKb, b.rssKb) * 1.1 + 1024);
      expect(a.name.startsWith(p.name.slice(0, 15))).toBe(true);
    }
    expect(compared).toBeGreaterThanOrEqual(3);
    // Whatever ps sees clearly above our fifth, in both readings, is in our top 5.
    const fifth = (ours[4]?.rssBytes ?? 0) / 1024;
    for (const [pid, a] of before) {
      const b = after.get(pid);
      if (b && Math.min(a.rssKb, b.rssKb) > fifth * 1.1 + 1024) expect(ours.map((o) => o.pid)).toContain(pid);
    }
  });

  it("reports host memory, disk, load and the database", async () => {
    const admin = await makeUser("admin");
    const s = await callerFor(admin).ops.system();
    expect(s.host.memory.total).toBe(os.totalmem());
    expect(s.host.memory.used + s.host.memory.free + s.host.memory.buffersCache).toBe(s.host.memory.total);
    expect(s.host.disk?.total).toBeGreaterThan(0);
    expect(s.database.version).toMatch(/^\d+/);
    expect(s.database.tables.length).toBeGreaterThan(0);
    expect(s.database.connections.reduce((n, c) => n + c.count, 0)).toBeGreaterThan(0);
    const viewer = await makeUser("viewer");
    await expect(callerFor(viewer).ops.system()).rejects.toThrow();
  });
});

describe("audit page", () => {
  it("shows a job edit with its before and after, filtered by actor, area and action", async () => {
    const admin = await makeUser("admin", "password123", { username: "auditor-x" });
    const caller = callerFor(admin);
    const job = await makeJob({ mode: "http", command: "【url】http://127.0.0.1:9/a" });
    const current = await caller.jobs.get({ id: job.id });
    await caller.jobs.update({
      id: job.id,
      job: {
        name: `${job.name} renamed`,
        mode: "http",
        command: "【url】http://127.0.0.1:9/b",
        cron: current.cron,
        timezone: "UTC",
      },
    });
    const page = await caller.ops.audit({ actor: "auditor", area: "job", action: "job.update" });
    expect(page.total).toBe(1);
    const [row] = page.items;
    expect(row).toMatchObject({ actorName: "auditor-x", ip: "127.0.0.1", entityId: String(job.id) });
    const diff = diffRecords(row?.before, row?.after);
    expect(diff).toContainEqual({
      path: "name",
      kind: "changed",
      before: job.name,
      after: `${job.name} renamed`,
    });
    expect((await caller.ops.audit({ action: "job.delete" })).total).toBe(0);
    expect((await caller.ops.audit({ from: new Date(Date.now() + 60_000).toISOString() })).total).toBe(0);
    await expect(caller.ops.audit({ action: "job.fly" as never })).rejects.toThrow(/action/);
  });

  it("names every action and area of the typed list in both languages", () => {
    for (const locale of ["en", "zh-CN"] as const) {
      const audit = messagesFor(locale).audit as {
        actions: Record<string, string>;
        areas: Record<string, string>;
      };
      const missing = [
        ...AUDIT_ACTIONS.filter((a) => !audit.actions[a.replace(/[.+]/g, "_")]),
        ...AUDIT_AREAS.filter((a) => !audit.areas[a]),
      ];
      expect(missing, locale).toEqual([]);
    }
  });

  it("keeps its retention setting and audits the change", async () => {
    const caller = callerFor(await makeUser("admin"));
    await caller.ops.setRetention({ kind: "audit", days: 90 });
    expect((await caller.ops.retention()).audit).toBe(90);
    const changes = await caller.ops.audit({ action: "settings.update" });
    expect(changes.items[0]).toMatchObject({ before: { days: 365 }, after: { days: 90 } });
    await expect(caller.ops.setRetention({ kind: "logs", days: 0 })).rejects.toThrow(/days/);
  });
});

describe("logs kept in Postgres", () => {
  it("stores pino lines in batches and finds them by level, component, text, request and run", async () => {
    const sink = new LogSink(process.env.DATABASE_URL, "web");
    const l = pino(
      { level: "debug", base: { pid: process.pid, svc: "web" }, timestamp: pino.stdTimeFunctions.isoTime },
      sink,
    );
    l.child({ component: "web" }).info(
      { reqId: "req-1", method: "GET", url: "/jobs", status: 200 },
      "request",
    );
    l.child({ component: "runs" }).warn({ runId: 42, jobId: 7 }, "could not record a run's process");
    l.child({ component: "auth" }).debug("quiet");
    for (let i = 0; i < 1500; i++) l.child({ component: "bulk" }).info({ i }, "bulk line");
    await sink.close();
    const caller = callerFor(await makeUser("admin"));
    const byReq = await caller.ops.logs({ reqId: "req-1" });
    expect(byReq.items).toHaveLength(1);
    expect(byReq.items[0]).toMatchObject({
      svc: "web",
      component: "web",
      msg: "request",
      level: 30,
      detail: "GET /jobs 200",
    });
    const full = await caller.ops.log({ id: byReq.items[0]?.id ?? 0 });
    expect(full.record).toMatchObject({ url: "/jobs", status: 200, reqId: "req-1" });
    const warn = await caller.ops.logs({ level: "warn" });
    expect(warn.items.map((r) => r.msg)).toEqual(["could not record a run's process"]);
    expect(warn.items[0]).toMatchObject({ runId: 42, jobId: 7 });
    expect((await caller.ops.logs({ component: "auth" })).total).toBe(1);
    expect((await caller.ops.logs({ component: "bulk", size: 10, page: 2 })).items).toHaveLength(10);
    expect((await caller.ops.logs({ component: "bulk" })).total).toBe(1500);
    expect((await caller.ops.logs({ text: "RECORD A RUN" })).total).toBe(1);
    const newest = (await caller.ops.logs({ size: 1 })).items[0]?.id ?? 0;
    expect(await caller.ops.logTail({ afterId: newest })).toEqual([]);
    expect((await caller.ops.logTail({ afterId: newest - 3 })).map((r) => r.id)).toEqual([
      newest - 2,
      newest - 1,
      newest,
    ]);
    let ndjson = "";
    for await (const chunk of exportLogs(getDb(), { level: "warn", component: "runs" })) ndjson += chunk;
    const lines = ndjson
      .trim()
      .split("\n")
      .map((x) => JSON.parse(x));
    expect(lines).toEqual([expect.objectContaining({ msg: "could not record a run's process", runId: 42 })]);
    await expect(caller.ops.logs({ level: "loud" as never })).rejects.toThrow(/level/);
  });

  it("prunes lines older than the retention", async () => {
    await getDb()
      .insert(logs)
      .values({ at: new Date(Date.now() - 20 * 86400_000), level: 30, svc: "web", msg: "old", record: {} });
    expect(await pruneLogs(getDb(), 14)).toBeGreaterThanOrEqual(1);
    expect(await getDb().select().from(logs).where(eq(logs.msg, "old"))).toEqual([]);
  });
});
