import { EventEmitter } from "node:events";
import { sql } from "drizzle-orm";
import type { Sql } from "postgres";
import type { Db } from "../db/client";
import { isSchedulerPaused, JOBS_CHANNEL } from "../jobs/jobs";
import { log } from "../lib/log";
import { type FireResult, fireDueJobs } from "./fire";

/** The steps of claims run side by side, as one (`full`: one of them was a full batch). */
function mergeResults(rs: FireResult[], batchSize: number): FireResult & { full: boolean } {
  const ahead = new Map<number, number>();
  for (const r of rs) for (const [slot, n] of r.ahead) ahead.set(slot, (ahead.get(slot) ?? 0) + n);
  const due = rs.map((r) => r.nextDueAt).filter((d): d is Date => d !== null);
  return {
    claimed: rs.reduce((n, r) => n + r.claimed, 0),
    created: rs.reduce((n, r) => n + r.created, 0),
    latenessMs: rs.flatMap((r) => r.latenessMs),
    catchUp: rs.reduce((n, r) => n + r.catchUp, 0),
    nextDueAt: due.length ? new Date(Math.min(...due.map((d) => d.getTime()))) : null,
    ahead,
    full: rs.some((r) => r.claimed >= batchSize),
  };
}

/** How far the database's clock is ahead of this process's (ms), from one round trip's midpoint. */
async function measureDbClock(db: Db): Promise<number> {
  const t0 = Date.now();
  const [row] = await db.execute<{ ms: number }>(
    sql`select (extract(epoch from clock_timestamp()) * 1000)::float8 as ms`,
  );
  const t1 = Date.now();
  return Number(row?.ms) - (t0 + t1) / 2;
}

export type SchedulerOptions = {
  batchSize?: number;
  /** A slot found later than this is a misfire (see the job's misfire policy). */
  graceMs?: number;
  /** Never sleep longer than this (timers drift, machines suspend, setTimeout overflows at 2^31 ms). */
  maxSleepMs?: number;
  /** Claim fires this early and queue them to start at their slot (0 = claim at the slot). */
  lookaheadMs?: number;
  /** Claim transactions in flight at once while full batches keep coming (each on its own connection). */
  parallelClaims?: number;
};

export type SchedulerStats = {
  fires: number;
  ticks: number;
  lastTickAt: string | null;
  /** Claim lateness (claim time − slot) over the recent on-schedule fires, ms (catch-up fires excluded). */
  lagP50: number | null;
  lagP99: number | null;
  /** Missed slots fired late on purpose (misfire policy) since the worker started. */
  catchUpFires: number;
  paused: boolean;
};

/** Each step of the loop, for whoever waits on the schedule (tests await these, never sleep). */
export type SchedulerEvents = {
  tick: [{ at: Date; result: FireResult }];
  paused: [{ at: Date }];
};

/**
 * The scheduler loop one worker runs. It sleeps exactly until the earliest next fire (capped),
 * wakes early when a job changes (LISTEN kairos_jobs), and fires what is due. Several workers
 * run it at once; the row locks in fireDueJobs share the work between them.
 */
export function startScheduler(db: Db, listener: Sql, o: SchedulerOptions = {}) {
  // 500 jobs a transaction. Larger batches claim faster (measured on 2 busy cores, issue 9:
  // 1,000 due jobs in 740 ms by 500s, 350 ms in one), but past what the workers can run, a
  // faster claim only queues more runs behind a backlog: at 5,000 every-second http jobs,
  // batches of 2,000 delivered no fire of the window within 5 s, batches of 500 a few thousand.
  const batchSize = o.batchSize ?? 500;
  const graceMs = o.graceMs ?? 5_000;
  const maxSleepMs = o.maxSleepMs ?? 60_000;
  // Claimed 2.5 s ahead: a claim that takes over a second (thousands of jobs on a busy machine)
  // still queues its runs before their slot, and for every-second jobs the claim falls half-way
  // between two slots, not on the instant a second's runs fire in the same process. Runs still
  // reach a worker PREDISPATCH_MS before their slot, not earlier.
  const lookaheadMs = o.lookaheadMs ?? 2_500;
  // A claim spends most of its time waiting on round trips and commits, not working (issue 9:
  // on 2 loaded cores a 500-job claim took 3× its CPU time in wall time), so while batches come
  // back full, two run side by side; SKIP LOCKED gives them disjoint jobs. One otherwise, so an
  // idle tick costs one claim.
  const parallelClaims = Math.max(1, o.parallelClaims ?? 2);
  let full = false;
  const nudges = new Map<number, NodeJS.Timeout>();
  let dbClockAheadMs = 0;
  let clockCheckedAt = 0;
  const l = log("scheduler");
  const lags: number[] = [];
  const stats: SchedulerStats = {
    fires: 0,
    ticks: 0,
    lastTickAt: null,
    lagP50: null,
    lagP99: null,
    catchUpFires: 0,
    paused: false,
  };
  const events = new EventEmitter<SchedulerEvents>();
  let stopped = false;
  let wake: (() => void) | undefined;
  // A job change announced while a tick runs (no sleep to cut short) must not be lost: the
  // next sleep then returns at once and the loop looks again.
  let changed = false;
  let timer: NodeJS.Timeout | undefined;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      // stop() may come while a tick is running (no sleep to cut short yet): never start one then.
      if (stopped || changed) {
        changed = false;
        return resolve();
      }
      wake = () => {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      };
      timer = setTimeout(() => wake?.(), Math.max(0, Math.min(ms, maxSleepMs)));
    });

  /**
   * Runs queued ahead wait in graphile-worker's queue until their run_at (shortly before their
   * slot); graphile-worker looks for due work when NOTIFYed on "jobs:insert" (its own channel,
   * used by its add_job SQL) or at its poll interval. So at that instant — on the database's
   * clock, which decides run_at — every worker pool is nudged; a second nudge 25 ms later
   * covers clock jitter.
   */
  const scheduleNudge = (slot: number, count: number) => {
    if (nudges.has(slot)) return;
    const fire = (again: boolean) =>
      db
        .execute(sql`select pg_notify('jobs:insert', ${JSON.stringify({ r: Math.random(), count })})`)
        .catch((err: unknown) => l.warn({ err }, "could not nudge the queue"))
        .finally(() => {
          if (again && !stopped)
            nudges.set(
              slot,
              setTimeout(() => void fire(false), 25),
            );
          else nudges.delete(slot);
        });
    const at = slot - dbClockAheadMs + 1;
    nudges.set(
      slot,
      setTimeout(() => void fire(true), Math.max(0, at - Date.now())),
    );
  };

  const listening = listener
    .listen(JOBS_CHANNEL, () => {
      if (wake) wake();
      else changed = true;
    })
    .catch((err) => {
      l.error({ err }, "cannot LISTEN for job changes; falling back to timed wake-ups");
      return undefined;
    });

  const done = (async () => {
    await listening;
    while (!stopped) {
      try {
        stats.paused = await isSchedulerPaused(db);
        if (stats.paused) {
          events.emit("paused", { at: new Date() });
          await sleep(maxSleepMs);
          continue;
        }
        if (Date.now() - clockCheckedAt > 60_000) {
          dbClockAheadMs = await measureDbClock(db).catch(() => dbClockAheadMs);
          clockCheckedAt = Date.now();
        }
        const at = new Date();
        const r = mergeResults(
          await Promise.all(
            Array.from({ length: full ? parallelClaims : 1 }, () =>
              fireDueJobs(db, at, { batchSize, graceMs, lookaheadMs }),
            ),
          ),
          batchSize,
        );
        full = r.full;
        for (const [slot, count] of r.ahead) scheduleNudge(slot, count);
        stats.ticks++;
        stats.fires += r.created;
        stats.catchUpFires += r.catchUp;
        stats.lastTickAt = new Date().toISOString();
        if (r.latenessMs.length) {
          lags.push(...r.latenessMs);
          if (lags.length > 5_000) lags.splice(0, lags.length - 5_000);
          const sorted = [...lags].sort((a, b) => a - b);
          stats.lagP50 = sorted[Math.floor(sorted.length * 0.5)] ?? null;
          stats.lagP99 = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] ?? null;
        }
        events.emit("tick", { at, result: r });
        if (r.full) continue;
        const wait = r.nextDueAt ? r.nextDueAt.getTime() - Date.now() : maxSleepMs;
        // Due but claimed by another scheduler (row locked): look again very soon.
        await sleep(wait <= 0 ? (r.claimed === 0 ? 2 : 0) : wait);
      } catch (err) {
        if (stopped) break;
        l.error({ err }, "scheduler tick failed; retrying in 1 s");
        await sleep(1_000);
      }
    }
  })();

  return {
    stats,
    events,
    stop: async () => {
      stopped = true;
      for (const t of nudges.values()) clearTimeout(t);
      wake?.();
      await done;
      await (await listening)?.unlisten().catch(() => {});
    },
  };
}
