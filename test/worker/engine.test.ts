import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../server/db/client";
import { jobs, outbox, runLogs, runs } from "../../server/db/schema";
import { runJobNow, setSchedulerPaused, stopJob } from "../../server/jobs/jobs";
import { resetEnvCache } from "../../server/lib/env";
import { cancelActiveRuns } from "../../server/runs/cancel";
import { createRuns } from "../../server/runs/create";
import { pruneRuns } from "../../server/runs/retention";
import { type KairosWorker, startWorker } from "../../worker/index";
import { nextEvent, untilWorker } from "../helpers/events";
import {
  ADMIN,
  type HitServer,
  jobRow,
  makeJob,
  runsOf,
  startHitServer,
  waitForFinishedRuns,
} from "../helpers/jobs";
import { waitFor } from "../helpers/wait";

let worker: KairosWorker;
let peer: HitServer;

beforeAll(async () => {
  process.env.RUN_OUTPUT_MAX_BYTES = "4096";
  resetEnvCache();
  peer = await startHitServer();
  worker = await startWorker({ databaseUrl: process.env.DATABASE_URL as string, concurrency: 20 });
});
afterAll(async () => {
  await worker?.stop();
  await peer?.close();
});

/** Finished runs of a job, looked for on each of the worker's events (no polling). */
const finished = (jobId: number, count: number, timeoutMs?: number) =>
  waitForFinishedRuns(jobId, count, timeoutMs, worker);

const log = async (runId: number) =>
  (await getDb().select().from(runLogs).where(eq(runLogs.runId, runId)).orderBy(runLogs.seq))
    .map((c) => c.data)
    .join("");

describe("the engine, end to end with a real worker", () => {
  it("fires an every-second http job at the second, against a real HTTP server, with history", async () => {
    const job = await makeJob({
      mode: "http",
      cron: "* * * * * *",
      command: `【url】${peer.url}/tick`,
      maxRunCount: 3,
    });
    const rs = await finished(job.id, 3);
    expect(rs.map((r) => r.status)).toEqual(["succeeded", "succeeded", "succeeded"]);
    expect(rs.map((r) => r.trigger)).toEqual(["schedule", "schedule", "schedule"]);
    // Consecutive cron slots, each exactly on a second.
    for (const [i, r] of rs.entries()) {
      expect(r.scheduledAt.getMilliseconds()).toBe(0);
      if (i) expect(r.scheduledAt.getTime() - (rs[i - 1]?.scheduledAt.getTime() ?? 0)).toBe(1000);
      expect(r.startedAt?.getTime()).toBeGreaterThanOrEqual(r.scheduledAt.getTime());
      expect(r.httpStatus).toBe(200);
    }
    expect(peer.hits.filter((h) => h.path === "/tick")).toHaveLength(3);
    expect(await log(rs[0]?.id ?? 0)).toContain("ok /tick");
    // Reaching max_run_count stops the job.
    const row = await jobRow(job.id);
    expect(row).toMatchObject({
      state: "stopped",
      nextFireAt: null,
      runCount: 3,
      lastRunStatus: "succeeded",
    });
  });

  it("records a failing http run with its status, and a command's exit code and output", async () => {
    const bad = await makeJob({ mode: "http", command: `【url】${peer.url}/x?status=503` });
    await runJobNow(getDb(), ADMIN, bad.id);
    const [r] = await finished(bad.id, 1);
    expect(r).toMatchObject({ status: "failed", httpStatus: 503, trigger: "manual" });
    expect(r?.error).toMatch(/503/);

    const cmd = await makeJob({
      mode: "command",
      command: "【command】echo 标准输出; echo oops >&2; exit 3",
    });
    await runJobNow(getDb(), ADMIN, cmd.id);
    const [c] = await finished(cmd.id, 1);
    expect(c).toMatchObject({ status: "failed", exitCode: 3, error: "exit code 3" });
    const out = await log(c?.id ?? 0);
    expect(out).toContain("标准输出");
    expect(out).toContain("oops");
  });

  it("runs a func job and stores its result", async () => {
    const job = await makeJob({ mode: "func", command: "【name】Math\n【arg】*,6,7" });
    await runJobNow(getDb(), ADMIN, job.id);
    const [r] = await finished(job.id, 1);
    expect(r?.status).toBe("succeeded");
    expect(await log(r?.id ?? 0)).toContain("42");
  });

  it("caps stored output with a clear marker, counting what was not stored", async () => {
    const job = await makeJob({
      mode: "command",
      command: "【command】head -c 20000 /dev/zero | tr '\\0' x",
    });
    await runJobNow(getDb(), ADMIN, job.id);
    const [r] = await finished(job.id, 1);
    expect(r).toMatchObject({ status: "succeeded", outputTruncated: true, outputBytes: expect.any(Number) });
    expect(r?.outputBytes).toBeGreaterThanOrEqual(20000);
    const out = await log(r?.id ?? 0);
    expect(out).toMatch(/\[output truncated: \d+ of \d+ bytes kept/);
    expect(Buffer.byteLength(out)).toBeLessThan(4096 + 200);
  });

  it("times a command out, killing it", async () => {
    const job = await makeJob({ mode: "command", command: "【command】sleep 30\n【timeout】1" });
    await runJobNow(getDb(), ADMIN, job.id);
    const [r] = await finished(job.id, 1, 10_000);
    expect(r).toMatchObject({ status: "timed_out", error: "timed out after 1 s" });
    expect((r?.finishedAt?.getTime() ?? 0) - (r?.startedAt?.getTime() ?? 0)).toBeLessThan(5_000);
  });

  it("stops a running command within a second or two, and its process tree is gone", async () => {
    const job = await makeJob({
      mode: "command",
      command: "【command】sh -c 'echo pid:$$; sleep 60 & echo child:$!; wait'",
    });
    const run = await runJobNow(getDb(), ADMIN, job.id);
    const pids = await waitFor("the command to print its pids", async () => {
      const m = /pid:(\d+)[\s\S]*child:(\d+)/.exec(await log(run.id));
      return m ? [Number(m[1]), Number(m[2])] : null;
    });
    const asked = Date.now();
    await getDb().transaction((tx) => cancelActiveRuns(tx, { runIds: [run.id], reason: "stopped by test" }));
    const [r] = await finished(job.id, 1, 10_000);
    expect(r?.status).toBe("cancelled");
    expect((r?.finishedAt?.getTime() ?? 0) - asked).toBeLessThan(3_000);
    for (const pid of pids) {
      await waitFor(
        `process ${pid} to be gone`,
        () => {
          try {
            process.kill(pid, 0);
            const stat = require("node:fs").readFileSync(`/proc/${pid}/stat`, "utf8") as string;
            return stat.split(" ")[2] === "Z";
          } catch {
            return true;
          }
        },
        5_000,
      );
    }
  });

  it("starts a fire handed over early at its exact slot, and not at all if stopped before it", async () => {
    const job = await makeJob({ mode: "http", command: `【url】${peer.url}/early` });
    // Both slots within the engine's 2 s early-wait bound, so it holds them rather than hand them back.
    const slot = new Date(Date.now() + 1000);
    // A worker holds a fire handed over early until its slot (or hands it back when it came too early).
    const secondHeld = nextEvent(
      worker.engine.events,
      "run:held",
      (e) => e.jobId === job.id && e.slot.getTime() === slot.getTime() + 500,
    );
    const [kept, stopped] = await getDb().transaction((tx) =>
      createRuns(tx, [
        { jobId: job.id, policy: "parallel", trigger: "schedule", scheduledAt: slot, runAt: new Date() },
        {
          jobId: job.id,
          policy: "parallel",
          trigger: "schedule",
          scheduledAt: new Date(slot.getTime() + 500),
          runAt: new Date(),
        },
      ]),
    );
    // The second one is held by the worker, waiting for its slot: stop it.
    await secondHeld;
    const dropped = nextEvent(worker.engine.events, "run:finished", (e) => e.runId === stopped?.id);
    await getDb().transaction((tx) =>
      cancelActiveRuns(tx, { runIds: [stopped?.id ?? 0], reason: "stopped early" }),
    );
    const rs = await finished(job.id, 2, 10_000);
    const first = rs.find((r) => r.id === kept?.id);
    const second = rs.find((r) => r.id === stopped?.id);
    expect(first?.status).toBe("succeeded");
    expect(first?.startedAt?.getTime()).toBeGreaterThanOrEqual(slot.getTime());
    expect(second).toMatchObject({ status: "cancelled", startedAt: null });
    // The worker let go of it without starting it.
    expect((await dropped)[0]).toMatchObject({ status: "cancelled", started: false });
    expect(peer.hits.filter((h) => h.path === "/early")).toHaveLength(1);
  });

  it("retries a failing run with backoff, then notifies and chains on the final failure", async () => {
    const onFail = await makeJob({ mode: "func", command: "【name】Hello\n【arg】rescue" });
    const job = await makeJob({
      mode: "http",
      command: `【url】${peer.url}/fail?status=500`,
      retries: 2,
      retryBackoffSeconds: 1,
      notifyEmails: ["oncall@example.com"],
      onFailureStart: [onFail.id],
    });
    await runJobNow(getDb(), ADMIN, job.id);
    const rs = await finished(job.id, 3, 20_000);
    expect(rs.map((r) => [r.attempt, r.trigger, r.status])).toEqual([
      [1, "manual", "failed"],
      [2, "retry", "failed"],
      [3, "retry", "failed"],
    ]);
    expect(rs[1]?.parentRunId).toBe(rs[0]?.id);
    // Backoff 1 s, then 2 s.
    expect((rs[1]?.startedAt?.getTime() ?? 0) - (rs[0]?.finishedAt?.getTime() ?? 0)).toBeGreaterThanOrEqual(
      900,
    );
    expect((rs[2]?.startedAt?.getTime() ?? 0) - (rs[1]?.finishedAt?.getTime() ?? 0)).toBeGreaterThanOrEqual(
      1900,
    );
    const [chained] = await finished(onFail.id, 1);
    expect(chained).toMatchObject({ trigger: "chain", status: "succeeded", parentRunId: rs[2]?.id });
    const mails = await untilWorker(worker, "the failure alert", async () => {
      const m = await getDb().select().from(outbox).where(eq(outbox.kind, "alert-failing"));
      return m.length ? m : null;
    });
    expect(mails).toHaveLength(1);
    expect(mails[0]?.to).toEqual(["oncall@example.com"]);
    expect(mails[0]?.subject).toContain(job.name);
    expect(mails[0]?.html).toContain("HTTP 500");
    // The final failure opens the alert (the retried attempts before it do not).
    expect(mails[0]?.html).toContain(`/runs/${rs[2]?.id}`);
  });

  it("chains a job on success", async () => {
    const next = await makeJob({ mode: "func", command: "【name】Echo\n【arg】after" });
    const first = await makeJob({
      mode: "func",
      command: "【name】Echo\n【arg】before",
      onSuccessStart: [next.id],
    });
    await runJobNow(getDb(), ADMIN, first.id);
    const [r] = await finished(next.id, 1);
    expect(r?.trigger).toBe("chain");
  });
});

describe("concurrency policies, observed with slow runs", () => {
  // Each fire takes ~1.5 s while fires come every second.
  const slow = () => `【url】${peer.url}/slow?ms=1500`;
  const overlaps = (rs: Awaited<ReturnType<typeof runsOf>>) =>
    rs.some((a, i) =>
      rs.some(
        (b, j) =>
          i !== j &&
          a.startedAt &&
          b.startedAt &&
          a.finishedAt &&
          a.startedAt < b.startedAt &&
          b.startedAt < a.finishedAt,
      ),
    );

  it("parallel: runs overlap", async () => {
    const job = await makeJob({
      mode: "http",
      cron: "* * * * * *",
      command: slow(),
      maxRunCount: 3,
      policy: "parallel",
    });
    const rs = await finished(job.id, 3);
    expect(rs.every((r) => r.status === "succeeded")).toBe(true);
    expect(overlaps(rs)).toBe(true);
  });

  it("serial: runs queue and never overlap", async () => {
    const job = await makeJob({
      mode: "http",
      cron: "* * * * * *",
      command: slow(),
      maxRunCount: 3,
      policy: "serial",
    });
    const rs = await finished(job.id, 3, 20_000);
    expect(rs.every((r) => r.status === "succeeded")).toBe(true);
    expect(overlaps(rs)).toBe(false);
  });

  it("skip: a fire while a run is active is recorded as skipped", async () => {
    const job = await makeJob({
      mode: "http",
      cron: "* * * * * *",
      command: slow(),
      maxRunCount: 4,
      policy: "skip",
    });
    const rs = await finished(job.id, 4, 20_000);
    const statuses = rs.map((r) => r.status);
    expect(statuses).toContain("skipped");
    expect(statuses).toContain("succeeded");
    expect(rs.find((r) => r.status === "skipped")?.error).toMatch(/still active/);
    expect(overlaps(rs.filter((r) => r.status === "succeeded"))).toBe(false);
  });

  it("replace: a new fire cancels the active run", async () => {
    const job = await makeJob({
      mode: "http",
      cron: "* * * * * *",
      command: slow(),
      maxRunCount: 3,
      policy: "replace",
    });
    const rs = await finished(job.id, 3, 20_000);
    expect(rs.slice(0, 2).map((r) => r.status)).toEqual(["cancelled", "cancelled"]);
    expect(rs[2]?.status).toBe("succeeded");
  });
});

describe("schedule control", () => {
  it("applies the misfire policy to fires missed while down", async () => {
    const db = getDb();
    const missed = (policy: "skip" | "run_once" | "catch_up") =>
      makeJob({
        mode: "func",
        command: "【name】Test",
        cron: "* * * * * *",
        misfirePolicy: policy,
        catchUpLimit: 3,
        state: "stopped",
      });
    const [skip, once, catchUp] = await Promise.all([missed("skip"), missed("run_once"), missed("catch_up")]);
    // As if the workers had been down for a minute: the next fire is a minute late.
    await db.execute(sql`
      update jobs set state = 'waiting', next_fire_at = date_trunc('second', now()) - interval '60 seconds'
      where id in (${skip.id}, ${once.id}, ${catchUp.id})`);
    await db.execute(sql`select pg_notify('kairos_jobs', '')`);
    await untilWorker(worker, "the misfired jobs to be rescheduled", async () => {
      const rows = await Promise.all([jobRow(skip.id), jobRow(once.id), jobRow(catchUp.id)]);
      return rows.every((r) => r?.nextFireAt && r.nextFireAt.getTime() > Date.now() - 2_000);
    });
    await stopJob(db, ADMIN, skip.id);
    await stopJob(db, ADMIN, once.id);
    await stopJob(db, ADMIN, catchUp.id);
    const caughtUp = async (id: number) => (await runsOf(id)).filter((r) => r.trigger === "catch_up");
    expect(await caughtUp(skip.id)).toHaveLength(0);
    // run_once: one run standing for the missed fires (the first of them).
    const once1 = await caughtUp(once.id);
    expect(once1).toHaveLength(1);
    expect(once1[0]?.scheduledAt.getTime()).toBeLessThan(Date.now() - 30_000);
    // catch_up: the most recent missed slots, at most catchUpLimit, one second apart.
    const caught = await caughtUp(catchUp.id);
    expect(caught).toHaveLength(3);
    expect(caught.map((r) => r.scheduledAt.getTime() - (caught[0]?.scheduledAt.getTime() ?? 0))).toEqual([
      0, 1000, 2000,
    ]);
  });

  it("pauses and resumes every schedule, keeping each job's state", async () => {
    const db = getDb();
    const scheduler = worker.scheduler?.events;
    if (!scheduler) throw new Error("this test needs the worker's scheduler");
    await setSchedulerPaused(db, ADMIN, true);
    const job = await makeJob({ mode: "func", command: "【name】Test", cron: "* * * * * *" });
    // A slot already due (inside the grace), then a wake-up: the paused loop looks and fires nothing.
    await db.execute(sql`update jobs set next_fire_at = now() - interval '1 second' where id = ${job.id}`);
    const looked = nextEvent(scheduler, "paused");
    await db.execute(sql`select pg_notify('kairos_jobs', '')`);
    await looked;
    expect(await runsOf(job.id)).toHaveLength(0);
    expect((await jobRow(job.id))?.state).toBe("waiting");
    await setSchedulerPaused(db, ADMIN, false);
    await finished(job.id, 1, 10_000);
    await stopJob(db, ADMIN, job.id);
  });

  it("prunes history beyond the retention count, keeping the newest", async () => {
    const db = getDb();
    const job = await makeJob({ mode: "func", command: "【name】Test", retentionCount: 2 });
    for (let i = 0; i < 4; i++) await runJobNow(db, ADMIN, job.id);
    const rs = await finished(job.id, 4);
    await pruneRuns(db, { days: 30, count: 1000 });
    const left = await runsOf(job.id);
    expect(left.map((r) => r.id)).toEqual(rs.slice(2).map((r) => r.id));
    expect((await db.select().from(jobs).where(eq(jobs.id, job.id)))[0]?.lastRunId).toBe(rs[3]?.id);
    expect(
      (
        await db
          .select()
          .from(runs)
          .where(eq(runs.id, rs[0]?.id ?? 0))
      ).length,
    ).toBe(0);
  });
});
