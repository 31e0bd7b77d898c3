import type { ChildProcess } from "node:child_process";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../server/db/client";
import { runJobNow } from "../../server/jobs/jobs";
import { processesOfRun } from "../../server/runs/orphans";
import { ADMIN, type HitServer, makeJob, runsOf, startHitServer, waitForFinishedRuns } from "../helpers/jobs";
import { startNpmScript, stopNpmScript } from "../helpers/npm";
import { PROCESS_TEST_MS, STARTUP_MS, waitFor } from "../helpers/wait";

// Real worker processes started by the command README documents (`npm run worker`), sharing
// this file's database.
const workers: ChildProcess[] = [];
function startWorkerProcess() {
  const child = startNpmScript("worker", {
    ...process.env,
    KAIROS_PROCESS: "worker",
    LOG_LEVEL: process.env.WORKER_LOG_LEVEL ?? "warn",
    LOG_PRETTY: "0",
    WORKER_HEARTBEAT_SECONDS: "1",
    WORKER_DEAD_AFTER_SECONDS: "5",
  });
  workers.push(child);
  return child;
}
const liveWorkers = async () =>
  Number(
    (
      await getDb().execute<{ n: number }>(sql`
      select count(*)::int as n from workers where stopped_at is null and last_seen_at > now() - interval '3 seconds'`)
    )[0]?.n,
  );

let peer: HitServer;
beforeAll(async () => {
  peer = await startHitServer();
});
afterAll(async () => {
  await Promise.all(workers.map((w) => stopNpmScript(w, 10_000)));
  await peer?.close();
});

describe("several worker processes on one database", () => {
  it("executes each of 200 every-second fires exactly once, sharing the work", {
    timeout: PROCESS_TEST_MS,
  }, async () => {
    startWorkerProcess();
    startWorkerProcess();
    await waitFor("two live workers", async () => (await liveWorkers()) >= 2, STARTUP_MS);
    const JOBS = 40;
    const FIRES = 5;
    const created = [];
    for (let i = 0; i < JOBS; i++) {
      created.push(
        await makeJob({
          mode: "http",
          cron: "* * * * * *",
          command: `【url】${peer.url}/j${i}`,
          maxRunCount: FIRES,
        }),
      );
    }
    for (const job of created) await waitForFinishedRuns(job.id, FIRES, 30_000);
    const rows = await getDb().execute<{
      n: number;
      distinct_slots: number;
      ok: number;
      workers: number;
    }>(sql`
      select count(*)::int as n, count(distinct (job_id, scheduled_at))::int as distinct_slots,
             count(*) filter (where status = 'succeeded')::int as ok, count(distinct worker_id)::int as workers
      from runs where job_id = any(${sql.param(created.map((j) => j.id))}::bigint[])`);
    expect(rows[0]).toEqual({ n: JOBS * FIRES, distinct_slots: JOBS * FIRES, ok: JOBS * FIRES, workers: 2 });
    // The HTTP peer saw every fire once: 5 requests per job, no more.
    for (let i = 0; i < JOBS; i++)
      expect(peer.hits.filter((h) => h.path === `/j${i}`).length, `job ${i}`).toBe(FIRES);
  });

  it("marks the run of a SIGKILLed worker lost and retries it on another within 30 s", {
    timeout: PROCESS_TEST_MS,
  }, async () => {
    const job = await makeJob({
      mode: "command",
      command: "【command】sh -c 'echo started; sleep 20'\n【timeout】60",
      retries: 1,
      retryBackoffSeconds: 1,
    });
    const run = await runJobNow(getDb(), ADMIN, job.id);
    // Its process group recorded too (the command may start after the run is marked running).
    const holder = await waitFor("the run to start", async () => {
      const [r] = await getDb().execute<{ pid: number; worker_id: string }>(sql`
        select w.pid, r.worker_id from runs r join workers w on w.id = r.worker_id
        where r.id = ${run.id} and r.status = 'running' and r.pgid is not null`);
      return r;
    });
    const killedAt = Date.now();
    // The heartbeat row names the worker's own pid (npm's child), which is the one to kill.
    process.kill(holder.pid, "SIGKILL");
    const [first, retry] = await waitFor(
      "the lost run and its retry",
      async () => {
        const rs = await runsOf(job.id);
        return rs[0]?.status === "lost" && rs[1] && rs[1].status !== "queued" ? rs : null;
      },
      40_000,
      200,
    );
    const elapsed = Date.now() - killedAt;
    expect(first?.error).toMatch(/stopped heartbeating/);
    // Its `sleep 20` outlived the worker; the worker that recovered the run (same host) ended
    // the command's process group before queueing the retry, and said so.
    expect(first?.error).toMatch(/its command \(process group \d+ on .+\) was still running and was ended/);
    const [orphan] = await getDb().execute<{ pgid: number; ended: boolean }>(sql`
      select pgid, process_ended_at <= (select enqueued_at from runs where parent_run_id = ${run.id}) as ended
      from runs where id = ${run.id}`);
    expect(orphan?.ended).toBe(true);
    expect(await processesOfRun(Number(orphan?.pgid), run.id)).toEqual([]);
    expect(retry).toMatchObject({ trigger: "retry", attempt: 2, parentRunId: run.id });
    expect(retry?.workerId).not.toBe(holder.worker_id);
    expect(elapsed).toBeLessThan(30_000);
    await getDb().execute(sql`select pg_notify('kairos_cancel', ${String(retry?.id)})`);
    // Leave one live worker for the next test.
    startWorkerProcess();
  });

  it("keeps working after its database connections are dropped", { timeout: PROCESS_TEST_MS }, async () => {
    await waitFor("a live worker", async () => (await liveWorkers()) >= 1, STARTUP_MS);
    const killed = await getDb().execute<{ n: number }>(sql`
      select count(pg_terminate_backend(pid))::int as n from pg_stat_activity
      where datname = current_database() and pid <> pg_backend_pid() and application_name <> 'test'`);
    expect(Number(killed[0]?.n)).toBeGreaterThan(0);
    const job = await makeJob({ mode: "http", command: `【url】${peer.url}/after-drop` });
    await waitFor(
      "a run after the drop",
      async () => {
        await runJobNow(getDb(), ADMIN, job.id).catch(() => null);
        const rs = await runsOf(job.id);
        return rs.some((r) => r.status === "succeeded");
      },
      30_000,
      1_000,
    );
    expect(peer.hits.some((h) => h.path === "/after-drop")).toBe(true);
    // Runs that were ending while the connections dropped still get their end recorded.
    await waitFor(
      "no run left running",
      async () => {
        const [r] = await getDb().execute<{ n: number }>(
          sql`select count(*)::int as n from runs where status = 'running'`,
        );
        return Number(r?.n) === 0;
      },
      30_000,
      250,
    );
  });

  it("stops cleanly when its process group gets SIGTERM (Ctrl-C, systemd)", async () => {
    await Promise.all(workers.map((w) => stopNpmScript(w, 20_000)));
    // The live workers closed their heartbeat rows on the way out (the sweep closed the
    // SIGKILLed one's).
    const [r] = await getDb().execute<{ open: number; closed: number }>(sql`
      select count(*) filter (where stopped_at is null)::int as open,
             count(*) filter (where stopped_at is not null)::int as closed from workers`);
    expect(r?.open).toBe(0);
    expect(r?.closed).toBeGreaterThanOrEqual(2);
  }, 30_000);
});
