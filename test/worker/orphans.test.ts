import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import os from "node:os";
import { asc, eq, sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { getDb } from "../../server/db/client";
import { runLogs, runs } from "../../server/db/schema";
import { createRuns } from "../../server/runs/create";
import { processesOfRun } from "../../server/runs/orphans";
import { recoverRunsOf } from "../../server/runs/recovery";
import { getRun } from "../../server/runs/runs";
import { type KairosWorker, startWorker } from "../../worker/index";
import { makeJob, runsOf } from "../helpers/jobs";
import { waitFor } from "../helpers/wait";

// A command whose worker was SIGKILLed keeps running. Here the dead worker is simulated (a run
// held by worker "ghost", whose process group the test starts itself), so recovery can be
// watched step by step; test/worker/cluster.test.ts does it with real worker processes.

const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) {
    try {
      process.kill(-(c.pid ?? 0), "SIGKILL");
    } catch {
      // Gone already.
    }
  }
});

/** A process group as the command mode starts one, its processes marked for `runId`. */
function startGroup(runId: number): ChildProcess {
  const child = spawn("sh", ["-c", "sleep 60 & sleep 60; wait"], {
    detached: true,
    stdio: "ignore",
    env: { ...process.env, KAIROS_RUN_ID: String(runId) },
  });
  children.push(child);
  return child;
}

/** A command run in progress on worker "ghost", whose group is `pgid` on `host`. */
async function heldRun(host: string) {
  const job = await makeJob({
    mode: "command",
    command: "【command】sleep 60",
    retries: 1,
    retryBackoffSeconds: 1,
  });
  const [run] = await createRuns(getDb(), [
    { jobId: job.id, policy: "parallel", trigger: "manual", scheduledAt: new Date() },
  ]);
  if (!run) throw new Error("no run");
  const set = async (pgid: number) =>
    getDb()
      .update(runs)
      .set({ status: "running", startedAt: new Date(), workerId: "ghost", host, pgid })
      .where(eq(runs.id, run.id));
  return { job, run, set };
}

const logOf = async (runId: number) =>
  (await getDb().select().from(runLogs).where(eq(runLogs.runId, runId)).orderBy(asc(runLogs.seq)))
    .map((c) => c.data)
    .join("");

describe("commands left by a dead worker", () => {
  it("records the host and process group of a running command, whose processes carry KAIROS_RUN_ID", async () => {
    const worker: KairosWorker = await startWorker({
      databaseUrl: process.env.DATABASE_URL as string,
      concurrency: 2,
      scheduler: false,
    });
    try {
      const job = await makeJob({
        mode: "command",
        command: "【command】sh -c 'echo id=$KAIROS_RUN_ID; sleep 30'",
      });
      const [run] = await createRuns(getDb(), [
        { jobId: job.id, policy: "parallel", trigger: "manual", scheduledAt: new Date() },
      ]);
      const row = await waitFor("the command's process group on the run", async () => {
        const r = await getRun(getDb(), run?.id ?? 0);
        return r.pgid ? r : null;
      });
      expect(row).toMatchObject({ status: "running", host: os.hostname(), orphanedAt: null });
      expect(await processesOfRun(row.pgid ?? 0, row.id)).toContain(row.pgid);
      expect(await processesOfRun(row.pgid ?? 0, row.id + 1)).toEqual([]);
      await waitFor("its output", async () => (await logOf(row.id)).includes(`id=${row.id}`));
      await getDb().execute(sql`select pg_notify('kairos_cancel', ${String(row.id)})`);
      await waitFor("the stop", async () => (await getRun(getDb(), row.id)).status === "cancelled");
      expect(await processesOfRun(row.pgid ?? 0, row.id)).toEqual([]);
    } finally {
      await worker.stop();
    }
  });

  it("on the same host: ends the group before the retry is queued, and says so in the run", async () => {
    const { job, run, set } = await heldRun(os.hostname());
    const group = startGroup(run.id);
    const exited = once(group, "exit");
    await set(group.pid ?? 0);
    expect(await recoverRunsOf(getDb(), ["ghost"])).toEqual([run.id]);
    await exited;
    expect(await processesOfRun(group.pid ?? 0, run.id)).toEqual([]);
    const lost = await getRun(getDb(), run.id);
    expect(lost.status).toBe("lost");
    expect(lost.error).toMatch(
      new RegExp(
        `stopped heartbeating; its command \\(process group ${group.pid} on .+\\) was still running and was ended before any retry`,
      ),
    );
    expect(lost.orphanedAt).not.toBeNull();
    expect(lost.processEndedAt).not.toBeNull();
    expect(await logOf(run.id)).toContain("was ended before any retry");
    const [, retry] = await runsOf(job.id);
    expect(retry).toMatchObject({ trigger: "retry", parentRunId: run.id, status: "queued" });
    expect(retry?.enqueuedAt.getTime()).toBeGreaterThanOrEqual(lost.processEndedAt?.getTime() ?? Infinity);
  });

  it("leaves alone a group that is not the run's (a reused id: no KAIROS_RUN_ID of that run)", async () => {
    const { run, set } = await heldRun(os.hostname());
    const stranger = startGroup(run.id + 1000);
    await set(stranger.pid ?? 0);
    await recoverRunsOf(getDb(), ["ghost"]);
    expect(() => process.kill(-(stranger.pid ?? 0), 0)).not.toThrow();
    expect((await getRun(getDb(), run.id)).error).toMatch(/had already ended/);
    process.kill(-(stranger.pid ?? 0), "SIGKILL");
  });

  it("on another host: the run says the command may still be running there", async () => {
    const { run, set } = await heldRun("elsewhere.example");
    await set(4242);
    await recoverRunsOf(getDb(), ["ghost"]);
    const lost = await getRun(getDb(), run.id);
    expect(lost.error).toMatch(
      /its command \(process group 4242\) may still be running on elsewhere\.example/,
    );
    expect(lost.orphanedAt).not.toBeNull();
    expect(lost.processEndedAt).toBeNull();
  });
});
