import { eq, sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { getDb } from "../../server/db/client";
import { workers } from "../../server/db/schema";
import { checkHealth } from "../../server/health";
import { runJobNow, stopJob } from "../../server/jobs/jobs";
import { enqueue } from "../../server/queue/enqueue";
import { listWorkers } from "../../server/workers/heartbeat";
import { sweepDeadWorkers } from "../../server/workers/sweep";
import { type KairosWorker, startWorker } from "../../worker/index";
import { ADMIN, makeJob } from "../helpers/jobs";
import { waitFor } from "../helpers/wait";

let worker: KairosWorker | undefined;
afterAll(async () => worker?.stop());

describe("worker heartbeat", () => {
  it("is degraded with no worker, healthy once one heartbeats, and marks it stopped on exit", async () => {
    expect((await checkHealth()).status).toBe("degraded");
    worker = await startWorker({ databaseUrl: process.env.DATABASE_URL as string, concurrency: 2 });
    const health = await checkHealth();
    expect(health).toMatchObject({ status: "ok", db: { ok: true }, migrations: { current: true } });
    expect(health.workers?.live).toBe(1);
    expect(health.workers?.newestHeartbeatAgeMs).toBeLessThan(5_000);
    const listed = await listWorkers(getDb());
    expect(listed.find((w) => w.id === worker?.id)).toMatchObject({ isLive: true, concurrency: 2 });
    // The id graphile-worker locks this process's jobs by (its pool's) is recorded, so a crash
    // can be cleaned up — and only that: not one id per task slot (1,000 by default).
    const [row] = await getDb().select().from(workers).where(eq(workers.id, worker.id));
    expect(row?.queueWorkerIds).toEqual([expect.stringMatching(/^pool-/)]);
    // A run in progress holds its queue job under that id.
    const job = await makeJob({ mode: "command", command: "【command】sleep 30\n【timeout】60" });
    const run = await runJobNow(getDb(), ADMIN, job.id);
    const lockedBy = await waitFor("the run's queue job to be locked", async () => {
      const [r] = await getDb().execute<{ locked_by: string | null }>(sql`
        select locked_by from graphile_worker._private_jobs where key = ${`run:${run.id}`}`);
      return r?.locked_by ?? undefined;
    });
    expect(row?.queueWorkerIds).toContain(lockedBy);
    await stopJob(getDb(), ADMIN, job.id);
    await worker.stop();
    const after = (await listWorkers(getDb())).find((w) => w.id === worker?.id);
    expect(after?.stoppedAt).not.toBeNull();
    expect(after?.isLive).toBe(false);
    expect((await checkHealth()).status).toBe("degraded");
    worker = undefined;
  });

  it("releases the queue jobs of a worker that stopped heartbeating", async () => {
    const db = getDb();
    // A worker that died mid-job: its heartbeat is old, and it still holds a locked job.
    await db.insert(workers).values({
      id: "dead-host-1",
      host: "dead-host",
      pid: 1,
      version: "x",
      concurrency: 1,
      queueWorkerIds: ["pool-dead-1"],
      lastSeenAt: new Date(Date.now() - 120_000),
    });
    const jobId = await enqueue(db, "mail_deliver", { id: 1 });
    await db.execute(sql`
      update graphile_worker._private_jobs set locked_at = now(), locked_by = 'pool-dead-1' where id = ${jobId}::bigint`);
    const swept = await sweepDeadWorkers(db);
    expect(swept).toEqual(["dead-host-1"]);
    const rows = await db.execute<{ locked_by: string | null }>(
      sql`select locked_by from graphile_worker._private_jobs where id = ${jobId}::bigint`,
    );
    expect(rows[0]?.locked_by).toBeNull();
    expect(await sweepDeadWorkers(db)).toEqual([]);
  });
});
