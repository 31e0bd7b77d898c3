import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/postgres-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSql, type Db, getDb } from "../../server/db/client";
import * as schema from "../../server/db/schema";
import { deleteJob, restartJob, runJobNow, stopJob } from "../../server/jobs/jobs";
import { conflictRetries } from "../../server/lib/serialization";
import { cancelActiveRuns } from "../../server/runs/cancel";
import { type KairosWorker, startWorker } from "../../worker/index";
import { ADMIN, type HitServer, makeJob, startHitServer } from "../helpers/jobs";
import { waitFor } from "../helpers/wait";

// Bug: Stop while a job's fires were being created or finished failed with 40P01 (deadlock).
// Here two workers fire every-second jobs of every policy while several connections press
// Stop, Restart, Run now and cancel on them as fast as they can.

const HAMMER_MS = 8_000;
const CLIENTS = 4;

let peer: HitServer;
const workers: KairosWorker[] = [];
const pools: ReturnType<typeof createSql>[] = [];

beforeAll(async () => {
  peer = await startHitServer();
  for (let i = 0; i < 2; i++)
    workers.push(await startWorker({ databaseUrl: process.env.DATABASE_URL as string, concurrency: 20 }));
});
afterAll(async () => {
  for (const w of workers) await w.stop();
  for (const p of pools) await p.end({ timeout: 5 });
  await peer?.close();
});

/** A client on its own connections, as another web process or API caller would be. */
function client(): Db {
  const pool = createSql(process.env.DATABASE_URL as string, 2);
  pools.push(pool);
  return drizzle(pool, { schema }) as unknown as Db;
}

const count = async (q: ReturnType<typeof sql>) => Number((await getDb().execute<{ n: number }>(q))[0]?.n);

describe("stop, restart and run-now while two workers fire the jobs", () => {
  it("never deadlocks and leaves a consistent run table", async () => {
    const retriesBefore = conflictRetries();
    const policies = ["parallel", "serial", "skip", "replace"] as const;
    const jobIds: number[] = [];
    for (let i = 0; i < 12; i++) {
      const job = await makeJob({
        mode: "http",
        cron: "* * * * * *",
        // Some answer at once, some take a while (runs still going when they are stopped).
        command: `【url】${peer.url}/slow?ms=${i % 3 === 0 ? 700 : 5}`,
        policy: policies[i % policies.length],
      });
      jobIds.push(job.id);
    }
    await waitFor(
      "the first fires",
      async () => (await count(sql`select count(*)::int as n from runs`)) > 12,
      20_000,
    );

    const errors: string[] = [];
    const actions = { stop: 0, restart: 0, run: 0, cancel: 0 };
    const until = Date.now() + HAMMER_MS;
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, c) => {
        const db = client();
        for (let n = 0; Date.now() < until; n++) {
          const id = jobIds[(n * 7 + c * 5) % jobIds.length] as number;
          try {
            switch ((n + c) % 4) {
              case 0:
                await stopJob(db, ADMIN, id);
                actions.stop++;
                break;
              case 1:
                await restartJob(db, ADMIN, id);
                actions.restart++;
                break;
              case 2:
                await runJobNow(db, ADMIN, id, "api");
                actions.run++;
                break;
              default:
                // Stop every active run of two jobs at once (the run page's Stop, in bulk).
                await db.transaction((tx) =>
                  cancelActiveRuns(tx, {
                    jobIds: [id, jobIds[(n + 1) % jobIds.length] as number],
                    reason: "test",
                  }),
                );
                actions.cancel++;
            }
          } catch (e) {
            errors.push(String((e as { cause?: unknown }).cause ?? e));
          }
        }
      }),
    );
    expect(errors).toEqual([]);
    // However busy the machine, every kind of action happened, several times.
    for (const [action, n] of Object.entries(actions)) expect(n, action).toBeGreaterThan(3);
    const [{ n: made } = { n: 0 }] = await getDb().execute<{ n: number }>(
      sql`select count(*)::int as n from runs`,
    );
    expect(made).toBeGreaterThan(12);

    // Stop everything; every run then ends, and nothing is left in the queue.
    for (const id of jobIds) await stopJob(getDb(), ADMIN, id);
    await waitFor(
      "every run to end",
      async () =>
        (await count(sql`select count(*)::int as n from runs where status in ('queued', 'running')`)) === 0,
      30_000,
      100,
    );
    await waitFor(
      "the queue to empty",
      async () =>
        (await count(
          sql`select count(*)::int as n from graphile_worker.jobs where task_identifier = 'run_execute'`,
        )) === 0,
      30_000,
      100,
    );
    // A consistent table: ended runs have an end, started ones a worker; one run per slot.
    expect(
      await count(sql`
        select count(*)::int as n from runs
        where finished_at is null
           or (started_at is not null and worker_id is null)
           or (status = 'succeeded' and started_at is null)
           or finished_at < enqueued_at`),
    ).toBe(0);
    expect(
      await count(sql`
        select count(*)::int as n from (
          select job_id, scheduled_at from runs where trigger in ('schedule', 'catch_up')
          group by 1, 2 having count(*) > 1) d`),
    ).toBe(0);
    // Each job's last run is the newest run that ended by running (not one cancelled in the queue).
    expect(
      await count(sql`
        select count(*)::int as n from jobs j
        where j.id = any(${sql.param(jobIds)}::bigint[]) and j.last_run_id is not null
          and not exists (select 1 from runs r where r.id = j.last_run_id and r.job_id = j.id)`),
    ).toBe(0);
    // Not once did Postgres have to break a deadlock (every retry is counted).
    expect(conflictRetries() - retriesBefore).toBe(0);
    for (const id of jobIds) await deleteJob(getDb(), ADMIN, id);
    expect(await count(sql`select count(*)::int as n from runs`)).toBe(0);
  }, 90_000);
});
