import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../server/db/client";
import { runLogs } from "../../server/db/schema";
import { deleteJob, runJobNow, stopJob } from "../../server/jobs/jobs";
import { type FaultCluster, type LoggedProcess, spawnLogged, startFaultCluster } from "../helpers/cluster";
import { ADMIN, makeJob, runsOf, waitForFinishedRuns } from "../helpers/jobs";
import { waitFor } from "../helpers/wait";

// Issue 7, item 5: a Postgres restart, or deleting a busy job, must not take the worker down.
let cluster: FaultCluster;
let worker: LoggedProcess;

const crashes = () =>
  worker.lines.filter((l) => /unhandled|uncaught/i.test(String(l.msg ?? l.raw ?? "")) || l.level === 60);

beforeAll(async () => {
  cluster = await startFaultCluster();
  worker = spawnLogged("worker/main.ts", {
    DATABASE_URL: cluster.url,
    KAIROS_PROCESS: "worker",
    WORKER_HEARTBEAT_SECONDS: "1",
    WORKER_DEAD_AFTER_SECONDS: "5",
  });
  await waitFor("the worker to start", () => worker.lines.some((l) => l.msg === "worker started"), 30_000);
}, 120_000);
afterAll(async () => {
  await worker?.stop();
  await cluster?.destroy();
});

const outputOf = async (runId: number) =>
  (await getDb().select().from(runLogs).where(eq(runLogs.runId, runId)).orderBy(runLogs.seq))
    .map((c) => c.data)
    .join("");

describe("the worker and its database", () => {
  it("drops the late output of a run whose job was deleted while it ran, and keeps working", async () => {
    const job = await makeJob({
      mode: "command",
      command: "【command】for i in $(seq 1 40); do echo line $i; sleep 0.05; done",
    });
    const run = await runJobNow(getDb(), ADMIN, job.id);
    await waitFor("output to appear", async () => (await outputOf(run.id)).includes("line 2"));
    await deleteJob(getDb(), ADMIN, job.id);
    await waitFor(
      "the dropped-output log line",
      () => worker.lines.some((l) => String(l.msg).includes("no longer exists")),
      10_000,
    );
    expect(worker.child.exitCode).toBeNull();
    expect(crashes()).toEqual([]);
    // Still serving runs.
    const next = await makeJob({ mode: "command", command: "【command】echo still here" });
    await runJobNow(getDb(), ADMIN, next.id);
    const [r] = await waitForFinishedRuns(next.id, 1);
    expect(r?.status).toBe("succeeded");
  });

  it("rides out a Postgres restart while a run writes output: no crash, the run ends recorded", async () => {
    const job = await makeJob({
      mode: "command",
      command: "【command】for i in $(seq 1 60); do echo tick $i; sleep 0.1; done\n【timeout】60",
    });
    const run = await runJobNow(getDb(), ADMIN, job.id);
    await waitFor("output to appear", async () => (await outputOf(run.id)).includes("tick 3"));
    await cluster.stop();
    // The run keeps printing while the database is away; the worker notices.
    await waitFor(
      "the worker to notice",
      () => worker.lines.some((l) => l.level === 40 && l.component !== "queue"),
      15_000,
    );
    await cluster.start();
    const [r] = await waitForFinishedRuns(job.id, 1, 60_000);
    expect(worker.child.exitCode).toBeNull();
    expect(crashes()).toEqual([]);
    expect(r?.status).toBe("succeeded");
    // Output written while Postgres was down was kept and stored once it came back.
    const out = await outputOf(run.id);
    for (let i = 1; i <= 60; i++) expect(out).toContain(`tick ${i}\n`);
    // Schedules keep firing after the restart (the scheduler's LISTEN and queue reconnect).
    const ticker = await makeJob({ mode: "command", command: "【command】echo tick", cron: "* * * * * *" });
    await waitForFinishedRuns(ticker.id, 2, 20_000);
    await stopJob(getDb(), ADMIN, ticker.id);
    // And the worker still runs new work after the restart.
    const next = await makeJob({ mode: "command", command: "【command】echo after restart" });
    await runJobNow(getDb(), ADMIN, next.id);
    const [n] = await waitForFinishedRuns(next.id, 1, 30_000);
    expect(n?.status).toBe("succeeded");
    expect((await runsOf(job.id)).length).toBe(1);
  }, 120_000);
});
