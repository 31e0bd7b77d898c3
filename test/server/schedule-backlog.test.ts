/**
 * The scheduler loop and a worker backlog: while the workers start fires later than the
 * misfire grace, nothing is claimed; once they catch up, the job's misfire policy applies to
 * the slots left. Real Postgres; no worker runs (the backlog is told to the loop).
 */
import { once } from "node:events";
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, expect, it } from "vitest";
import { getDb, getSql } from "../../server/db/client";
import { jobs } from "../../server/db/schema";
import { startScheduler } from "../../server/schedule/loop";
import { makeJob, runsOf } from "../helpers/jobs";

const db = getDb();
let scheduler: ReturnType<typeof startScheduler> | undefined;

beforeEach(async () => {
  await db.update(jobs).set({ state: "stopped", nextFireAt: null });
});
afterEach(async () => {
  await scheduler?.stop();
  scheduler = undefined;
});

it("claims nothing while the workers are behind by more than the grace, then fires again", async () => {
  const job = await makeJob({
    mode: "http",
    command: "【url】http://127.0.0.1:9/never",
    cron: "* * * * * *",
  });
  // Due 10 s ago: a misfire, whose policy (run once) gives one catch-up fire on the next claim.
  await db
    .update(jobs)
    .set({ state: "waiting", nextFireAt: new Date(Date.now() - 10_000) })
    .where(eq(jobs.id, job.id));
  let backlog = 60_000;
  scheduler = startScheduler(db, getSql(), { graceMs: 5_000, backlogMs: () => backlog });
  const [first] = await once(scheduler.events, "held");
  expect(first.backlogMs).toBe(60_000);
  await once(scheduler.events, "held");
  expect(scheduler.stats).toMatchObject({ heldBack: true, fires: 0 });
  expect(await runsOf(job.id)).toEqual([]);

  backlog = 0;
  await expect.poll(async () => (await runsOf(job.id)).length).toBeGreaterThan(0);
  const runs = await runsOf(job.id);
  expect(runs[0]?.trigger).toBe("catch_up");
  expect(scheduler.stats.heldBack).toBe(false);
});
