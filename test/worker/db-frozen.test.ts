/**
 * Issue 7, item 6: a hung database (a throwaway cluster frozen with SIGSTOP) must not hang
 * requests: /api/health answers 503 within its deadline, the IP gate serves its last known
 * rules quickly, and a worker never declares itself dead and sweeps its own runs.
 */
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as healthRoute } from "../../app/api/health/route";
import { getDb } from "../../server/db/client";
import { runs, workers } from "../../server/db/schema";
import { HEALTH_DEADLINE_MS } from "../../server/health";
import { IP_RULES_QUERY_TIMEOUT_MS, ipGate, resetIpGate } from "../../server/ipcontrol/gate";
import { addIpRule } from "../../server/ipcontrol/rules";
import { runJobNow, stopJob } from "../../server/jobs/jobs";
import { sweepDeadWorkers } from "../../server/workers/sweep";
import { type KairosWorker, startWorker } from "../../worker/index";
import { type FaultCluster, type LoggedProcess, spawnLogged, startFaultCluster } from "../helpers/cluster";
import { ADMIN, makeJob, runsOf, waitForFinishedRuns } from "../helpers/jobs";
import { waitFor } from "../helpers/wait";

let cluster: FaultCluster;
beforeAll(async () => {
  cluster = await startFaultCluster();
}, 120_000);
afterAll(async () => cluster?.destroy());

async function timed<T>(p: Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const v = await p;
  return [v, performance.now() - t];
}

describe("a frozen database", () => {
  it("health answers 503 within its deadline; the IP gate keeps enforcing its last rules, quickly", async () => {
    resetIpGate();
    await addIpRule(getDb(), ADMIN, { list: "deny", value: "10.9.9.9", note: "", confirm: true });
    expect((await ipGate("10.9.9.9", { isHealth: false })).allowed).toBe(false);
    cluster.freeze();
    try {
      const [res, healthMs] = await timed(healthRoute());
      expect(res.status).toBe(503);
      expect(healthMs).toBeLessThan(HEALTH_DEADLINE_MS + 1_000);
      const body = (await res.json()) as { db: { ok: boolean; error: string } };
      expect(body.db).toMatchObject({ ok: false });
      const [denied, deniedMs] = await timed(ipGate("10.9.9.9", { isHealth: false }));
      expect(denied.allowed).toBe(false);
      expect(deniedMs).toBeLessThan(IP_RULES_QUERY_TIMEOUT_MS + 1_000);
      // Later requests do not wait on the database again for a while.
      const [allowed, allowedMs] = await timed(ipGate("10.1.1.1", { isHealth: false }));
      expect(allowed.allowed).toBe(true);
      expect(allowedMs).toBeLessThan(100);
    } finally {
      cluster.thaw();
    }
  }, 30_000);

  it("with no rules ever read, the IP gate lets only health through while the database hangs", async () => {
    resetIpGate();
    cluster.freeze();
    try {
      const [page, ms] = await timed(ipGate("10.1.1.1", { isHealth: false }));
      expect(page).toMatchObject({ allowed: false, unavailable: true });
      expect(ms).toBeLessThan(IP_RULES_QUERY_TIMEOUT_MS + 1_000);
      expect((await ipGate("10.1.1.1", { isHealth: true })).allowed).toBe(true);
    } finally {
      cluster.thaw();
    }
    await waitFor("the gate to read the rules again", async () => {
      resetIpGate();
      return (await ipGate("10.1.1.1", { isHealth: false })).allowed;
    });
  });

  it("a worker whose own heartbeat went stale never sweeps itself (its runs go on)", async () => {
    const w: KairosWorker = await startWorker({
      databaseUrl: process.env.DATABASE_URL as string,
      concurrency: 2,
      scheduler: false,
    });
    try {
      const job = await makeJob({ mode: "command", command: "【command】sleep 1; echo done" });
      const run = await runJobNow(getDb(), ADMIN, job.id);
      await waitFor("the run to be running", async () => {
        const [r] = await getDb().select().from(runs).where(eq(runs.id, run.id));
        return r?.status === "running";
      });
      // What the worker sees after losing the database for a while: its own heartbeat is old.
      await getDb().execute(
        sql`update workers set last_seen_at = now() - interval '1 hour' where id = ${w.id}`,
      );
      expect(await sweepDeadWorkers(getDb(), { self: w.id })).toEqual([]);
      const [row] = await getDb().select().from(workers).where(eq(workers.id, w.id));
      expect(row?.stoppedAt).toBeNull();
      const [r] = await waitForFinishedRuns(job.id, 1);
      expect(r?.status).toBe("succeeded");
      expect(r?.attempt).toBe(1);
    } finally {
      await w.stop();
    }
  });
});

describe("a worker process through a frozen database", () => {
  let worker: LoggedProcess;
  afterAll(async () => worker?.stop());

  it("stays up, does not sweep itself, and its run ends once, recorded", async () => {
    worker = spawnLogged("worker/main.ts", {
      DATABASE_URL: cluster.url,
      KAIROS_PROCESS: "worker",
      WORKER_HEARTBEAT_SECONDS: "1",
      WORKER_DEAD_AFTER_SECONDS: "5",
    });
    await waitFor("the worker to start", () => worker.lines.some((l) => l.msg === "worker started"), 30_000);
    const job = await makeJob({
      mode: "command",
      command: "【command】sleep 12; echo finished\n【timeout】60",
    });
    const run = await runJobNow(getDb(), ADMIN, job.id);
    await waitFor("the run to be running", async () => {
      const [r] = await getDb().select().from(runs).where(eq(runs.id, run.id));
      return r?.status === "running";
    });
    // A job firing every second runs through the freeze too.
    const ticker = await makeJob({ mode: "command", command: "【command】echo tick", cron: "* * * * * *" });
    await waitForFinishedRuns(ticker.id, 2, 20_000);
    cluster.freeze();
    // The fault itself: frozen longer than WORKER_DEAD_AFTER_SECONDS (FAULT_FREEZE_SECONDS=30 for the table).
    const frozenMs = Number(process.env.FAULT_FREEZE_SECONDS ?? 7) * 1000;
    const frozenAt = new Date();
    await new Promise((r) => setTimeout(r, frozenMs));
    cluster.thaw();
    const thawedAt = new Date();
    const [r] = await waitForFinishedRuns(job.id, 1, 40_000);
    // Fires resume after the thaw; no slot ran twice; nothing is left running.
    await waitFor("fires after the thaw", async () =>
      (await runsOf(ticker.id)).some((x) => x.scheduledAt > thawedAt && x.status === "succeeded"),
    );
    await stopJob(getDb(), ADMIN, ticker.id);
    const ticks = await waitFor("the ticker's runs to settle", async () => {
      const rs = await runsOf(ticker.id);
      return rs.every((x) => x.status !== "running" && x.status !== "queued") ? rs : null;
    });
    const slots = ticks.filter((x) => x.trigger !== "manual").map((x) => x.scheduledAt.getTime());
    expect(new Set(slots).size).toBe(slots.length);
    const statuses: Record<string, number> = {};
    for (const x of ticks) statuses[x.status] = (statuses[x.status] ?? 0) + 1;
    console.info(
      `frozen ${frozenMs / 1000} s from ${frozenAt.toISOString()}: ticker runs by status ${JSON.stringify(statuses)}, ` +
        `${slots.length} distinct slots, long run ${r?.status} attempt ${r?.attempt}`,
    );
    expect(statuses.lost ?? 0).toBe(0);
    expect(worker.child.exitCode).toBeNull();
    expect(r?.status).toBe("succeeded");
    expect(r?.attempt).toBe(1);
    expect(worker.lines.filter((l) => l.msg === "released the jobs of dead workers")).toEqual([]);
    expect(worker.lines.filter((l) => /unhandled/i.test(String(l.msg)) || l.level === 60)).toEqual([]);
  }, 150_000);
});
