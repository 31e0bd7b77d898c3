/**
 * One scheduler step (fireDueJobs) at fixed instants: time moves by passing `now`, never by
 * sleeping. Real Postgres; no worker runs, so the queued runs stay queued and can be read back.
 */
import { eq, sql } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { getDb, getSql } from "../../server/db/client";
import { jobs } from "../../server/db/schema";
import { runJobNow } from "../../server/jobs/jobs";
import type { JobInput } from "../../server/jobs/schema";
import { PREDISPATCH_MS } from "../../server/runs/create";
import { fireDueJobs } from "../../server/schedule/fire";
import { ADMIN, jobRow, makeJob, runsOf } from "../helpers/jobs";

const db = getDb();
/** A Monday, on the minute, well after any slot the jobs' real creation time computes. */
const T = new Date("2030-01-07T10:00:00.000Z");
const at = (ms: number) => new Date(T.getTime() + ms);
const SEC = 1000;
const MIN = 60 * SEC;
const OPTS = { batchSize: 100, graceMs: 5 * SEC, lookaheadMs: 0 };

/** A waiting job whose next fire is `slot` (the schedule computed at creation is overwritten). */
async function dueJob(slot: Date, input: Partial<JobInput> = {}) {
  const job = await makeJob({
    mode: "http",
    command: "【url】http://127.0.0.1:9/never",
    cron: "* * * * *",
    ...input,
  });
  await db.update(jobs).set({ state: "waiting", nextFireAt: slot }).where(eq(jobs.id, job.id));
  return job.id;
}

/** The queue entry of a run (when graphile-worker will hand it to a worker). */
async function queued(runId: number) {
  const [row] = await db.execute<{ run_at: Date; queue_name: string | null }>(sql`
    select run_at, queue_name from graphile_worker.jobs where key = ${`run:${runId}`}`);
  return row ? { runAt: new Date(row.run_at), queue: row.queue_name } : undefined;
}

beforeEach(async () => {
  // Each test owns the schedule: jobs from earlier tests must not be due at these instants.
  await db.update(jobs).set({ state: "stopped", nextFireAt: null });
});

describe("fireDueJobs at fixed instants", () => {
  it("fires a due slot once, advances from the slot, and reports lateness and the next due time", async () => {
    const id = await dueJob(T);
    expect((await fireDueJobs(db, at(-1), OPTS)).claimed).toBe(0);

    const r = await fireDueJobs(db, at(120), OPTS);
    expect(r).toMatchObject({ claimed: 1, created: 1, latenessMs: [120] });
    expect(r.nextDueAt).toEqual(at(MIN));
    const rs = await runsOf(id);
    expect(rs.map((x) => [x.trigger, x.status, x.scheduledAt])).toEqual([["schedule", "queued", T]]);
    expect(await jobRow(id)).toMatchObject({ nextFireAt: at(MIN), lastFireAt: T, runCount: 1 });

    // The same instant again: nothing is due any more.
    expect(await fireDueJobs(db, at(120), OPTS)).toMatchObject({ claimed: 0, created: 0 });
    expect(await runsOf(id)).toHaveLength(1);
  });

  it("computes the next slot from the slot fired, not from now, so a late step does not drift", async () => {
    const id = await dueJob(T, { cron: "* * * * * *" });
    // 3 s late (inside the 5 s grace): every missed second still fires, one per step.
    for (let i = 0; i < 4; i++) await fireDueJobs(db, at(3 * SEC + 10), OPTS);
    expect((await runsOf(id)).map((x) => x.scheduledAt)).toEqual([at(0), at(SEC), at(2 * SEC), at(3 * SEC)]);
    expect((await jobRow(id))?.nextFireAt).toEqual(at(4 * SEC));
    expect((await fireDueJobs(db, at(3 * SEC + 10), OPTS)).claimed).toBe(0);
  });

  describe("misfires (a slot found later than the grace)", () => {
    const late = at(10 * MIN + 30 * SEC);

    it("skip: no run, and the schedule resumes from now", async () => {
      const id = await dueJob(T, { misfirePolicy: "skip" });
      const r = await fireDueJobs(db, late, OPTS);
      expect(r).toMatchObject({ claimed: 1, created: 0, latenessMs: [] });
      expect(await runsOf(id)).toEqual([]);
      expect(await jobRow(id)).toMatchObject({ nextFireAt: at(11 * MIN), runCount: 0 });
    });

    it("run_once: one catch-up run for the first missed slot, not counted as scheduler lag", async () => {
      const id = await dueJob(T, { misfirePolicy: "run_once" });
      const r = await fireDueJobs(db, late, OPTS);
      // Late by design (after a pause or downtime): reported as catch-up, not as lag.
      expect(r).toMatchObject({ claimed: 1, created: 1, latenessMs: [], catchUp: 1 });
      expect((await runsOf(id)).map((x) => [x.trigger, x.scheduledAt])).toEqual([["catch_up", T]]);
      expect(await jobRow(id)).toMatchObject({ nextFireAt: at(11 * MIN), lastFireAt: T, runCount: 1 });
    });

    it("catch_up: the most recent catch_up_limit missed slots, oldest first", async () => {
      const id = await dueJob(T, { misfirePolicy: "catch_up", catchUpLimit: 3 });
      const r = await fireDueJobs(db, late, OPTS);
      expect(r).toMatchObject({ claimed: 1, created: 3, latenessMs: [], catchUp: 3 });
      expect((await runsOf(id)).map((x) => [x.trigger, x.scheduledAt])).toEqual([
        ["catch_up", at(8 * MIN)],
        ["catch_up", at(9 * MIN)],
        ["catch_up", at(10 * MIN)],
      ]);
      expect(await jobRow(id)).toMatchObject({
        nextFireAt: at(11 * MIN),
        lastFireAt: at(10 * MIN),
        runCount: 3,
      });
    });

    it("a slot exactly at the grace still fires on schedule; one millisecond more is a misfire", async () => {
      const onTime = await dueJob(T, { misfirePolicy: "skip" });
      await fireDueJobs(db, at(OPTS.graceMs), OPTS);
      expect((await runsOf(onTime)).map((x) => x.trigger)).toEqual(["schedule"]);
      await db.update(jobs).set({ state: "stopped" }).where(eq(jobs.id, onTime));

      const missed = await dueJob(T, { misfirePolicy: "skip" });
      await fireDueJobs(db, at(OPTS.graceMs + 1), OPTS);
      expect(await runsOf(missed)).toEqual([]);
    });
  });

  describe("max_run_count", () => {
    it("stops the job on its last run: state stopped, no next fire, nothing more fires", async () => {
      const id = await dueJob(T, { maxRunCount: 2 });
      await fireDueJobs(db, at(10), OPTS);
      expect(await jobRow(id)).toMatchObject({ state: "waiting", runCount: 1, nextFireAt: at(MIN) });
      await fireDueJobs(db, at(MIN + 10), OPTS);
      expect(await jobRow(id)).toMatchObject({ state: "stopped", runCount: 2, nextFireAt: null });
      expect(await fireDueJobs(db, at(2 * MIN + 10), OPTS)).toMatchObject({ claimed: 0, nextDueAt: null });
      expect(await runsOf(id)).toHaveLength(2);
    });

    it("caps a catch-up to the runs left", async () => {
      const id = await dueJob(T, { maxRunCount: 2, misfirePolicy: "catch_up", catchUpLimit: 5 });
      const r = await fireDueJobs(db, at(10 * MIN + 1), OPTS);
      expect(r.created).toBe(2);
      expect((await runsOf(id)).map((x) => x.scheduledAt)).toEqual([at(6 * MIN), at(7 * MIN)]);
      expect(await jobRow(id)).toMatchObject({ state: "stopped", runCount: 2, nextFireAt: null });
    });
  });

  describe("lookahead", () => {
    const LOOK = { ...OPTS, lookaheadMs: SEC };

    it("claims a fire early and queues it to become available just before its slot", async () => {
      const id = await dueJob(T, { policy: "serial" });
      expect((await fireDueJobs(db, at(-SEC - 1), LOOK)).claimed).toBe(0);
      const r = await fireDueJobs(db, at(-600), LOOK);
      expect(r).toMatchObject({ claimed: 1, created: 1, latenessMs: [] });
      expect([...r.ahead]).toEqual([[T.getTime() - PREDISPATCH_MS, 1]]);
      // Next claimable: the next slot minus the lookahead.
      expect(r.nextDueAt).toEqual(at(MIN - SEC));
      const [run] = await runsOf(id);
      expect(run?.scheduledAt).toEqual(T);
      expect(await queued(run?.id ?? 0)).toEqual({ runAt: at(-PREDISPATCH_MS), queue: `job:${id}` });
    });

    it("within the pre-dispatch window the run is queued at once (no nudge needed)", async () => {
      const id = await dueJob(T);
      const r = await fireDueJobs(db, at(-100), LOOK);
      expect(r).toMatchObject({ claimed: 1, created: 1 });
      expect(r.ahead.size).toBe(0);
      expect((await runsOf(id))[0]?.scheduledAt).toEqual(T);
    });

    it("does not claim skip and replace jobs before their slot", async () => {
      const skip = await dueJob(T, { policy: "skip" });
      const replace = await dueJob(T, { policy: "replace" });
      const r = await fireDueJobs(db, at(-600), LOOK);
      expect(r.claimed).toBe(0);
      expect(r.nextDueAt).toEqual(T);
      expect(await fireDueJobs(db, T, LOOK)).toMatchObject({ claimed: 2, created: 2 });
      expect(await runsOf(skip)).toHaveLength(1);
      expect(await runsOf(replace)).toHaveLength(1);
    });
  });

  describe("concurrency policies at the slot", () => {
    it("skip: a fire while a run is active is recorded as skipped, with the reason", async () => {
      const id = await dueJob(T, { policy: "skip" });
      const manual = await runJobNow(db, ADMIN, id);
      const r = await fireDueJobs(db, at(10), OPTS);
      expect(r).toMatchObject({ claimed: 1, created: 1 });
      const rs = await runsOf(id);
      expect(rs.map((x) => [x.id === manual.id ? "manual" : x.trigger, x.status])).toEqual([
        ["manual", "queued"],
        ["schedule", "skipped"],
      ]);
      expect(rs[1]?.error).toMatch(/still active/);
      expect(rs[1]?.finishedAt).not.toBeNull();
      // A skipped run is never handed to a worker.
      expect(await queued(rs[1]?.id ?? 0)).toBeUndefined();
    });

    it("replace: the active run is cancelled and the new fire queued", async () => {
      const id = await dueJob(T, { policy: "replace" });
      const manual = await runJobNow(db, ADMIN, id);
      await fireDueJobs(db, at(10), OPTS);
      const rs = await runsOf(id);
      expect(rs.map((x) => [x.id === manual.id ? "manual" : x.trigger, x.status])).toEqual([
        ["manual", "cancelled"],
        ["schedule", "queued"],
      ]);
    });
  });

  describe("two schedulers racing", () => {
    it("share the due jobs: each slot fires exactly once", async () => {
      const ids = await Promise.all(Array.from({ length: 40 }, () => dueJob(T)));
      const [a, b] = await Promise.all([
        fireDueJobs(db, at(10), { ...OPTS, batchSize: 25 }),
        fireDueJobs(db, at(10), { ...OPTS, batchSize: 25 }),
      ]);
      // Row locks split the work; whatever one could not take, the next step takes.
      const rest = await fireDueJobs(db, at(10), OPTS);
      expect((a?.claimed ?? 0) + (b?.claimed ?? 0) + rest.claimed).toBe(40);
      const [n] = await db.execute<{ runs: number; jobs: number }>(sql`
        select count(*)::int as runs, count(distinct job_id)::int as jobs from runs
        where job_id = any(${sql.param(ids)}::bigint[])`);
      expect(n).toEqual({ runs: 40, jobs: 40 });
    });

    it("skips a job another scheduler holds, and says it is due again at once", async () => {
      const id = await dueJob(T);
      const holder = getSql().reserve();
      const conn = await holder;
      try {
        await conn`begin`;
        await conn`select id from jobs where id = ${id} for update`;
        const r = await fireDueJobs(db, at(10), OPTS);
        expect(r.claimed).toBe(0);
        expect(r.nextDueAt?.getTime()).toBeLessThanOrEqual(at(10).getTime());
        await conn`rollback`;
      } finally {
        conn.release();
      }
      expect((await fireDueJobs(db, at(10), OPTS)).created).toBe(1);
    });

    it("a slot fired twice (a scheduler with a stale view) yields one run", async () => {
      const id = await dueJob(T);
      await fireDueJobs(db, at(10), OPTS);
      // As if a second scheduler had read the job before the first one's update.
      await db.update(jobs).set({ nextFireAt: T }).where(eq(jobs.id, id));
      expect(await fireDueJobs(db, at(10), OPTS)).toMatchObject({ claimed: 1, created: 0 });
      expect(await runsOf(id)).toHaveLength(1);
    });
  });
});
