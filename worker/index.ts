import { randomBytes } from "node:crypto";
import { EventEmitter } from "node:events";
import os from "node:os";
import { type Runner, run, type WorkerEvents } from "graphile-worker";
import { getDb, getSql } from "../server/db/client";
import { FUNCTIONS_CHANNEL, publishFunctionCatalog } from "../server/functions/catalog";
import { listFunctions, reloadFunctions, startFunctionWatcher } from "../server/functions/registry";
import { appVersion } from "../server/lib/app-info";
import { env } from "../server/lib/env";
import { log } from "../server/lib/log";
import { queueLogger } from "../server/lib/queue-logger";
import { RunEngine } from "../server/runs/engine";
import { startScheduler } from "../server/schedule/loop";
import { beat, markStopped, registerWorker } from "../server/workers/heartbeat";
import { sweepDeadWorkers } from "../server/workers/sweep";
import { buildTaskList, HOUSEKEEPING_CRONTAB } from "./tasks";

export type KairosWorker = {
  id: string;
  runner: Runner;
  engine: RunEngine;
  scheduler: ReturnType<typeof startScheduler> | undefined;
  stop: () => Promise<void>;
};

/**
 * One worker process: a graphile-worker runner, a heartbeat row every few seconds, and a
 * sweeper that frees the jobs of workers that died. Any number of these may share a database.
 */
export async function startWorker(opts: {
  databaseUrl: string;
  concurrency?: number;
  /** Tests that drive the scheduler themselves turn the loop off. */
  scheduler?: boolean;
}): Promise<KairosWorker> {
  const e = env();
  const l = log("worker");
  const db = getDb();
  const id = `${os.hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`;
  const concurrency = opts.concurrency ?? e.WORKER_CONCURRENCY;
  await registerWorker(db, { id, host: os.hostname(), pid: process.pid, version: appVersion(), concurrency });

  const engine = new RunEngine(db, getSql(), id, e.RUN_OUTPUT_MAX_BYTES, e.WORKER_PROCESS_CONCURRENCY);
  await engine.start();
  const taskList = buildTaskList(engine);
  const stopWatchingFunctions = await startFunctionWatcher().catch((err: unknown) => {
    l.warn({ err }, "cannot watch the functions folder; reload on demand only");
    return () => {};
  });
  // Publish what this worker loaded (the web app lists it), and reload when asked to.
  let publishedAt = "";
  const publishFunctions = async () => {
    const c = listFunctions();
    if (c.loadedAt.toISOString() === publishedAt) return;
    publishedAt = c.loadedAt.toISOString();
    await publishFunctionCatalog(db, { ...c, loadedAt: publishedAt, workerId: id }).catch((err) =>
      l.warn({ err }, "cannot publish the function catalog"),
    );
  };
  await publishFunctions();
  const reloadSub = await getSql()
    .listen(FUNCTIONS_CHANNEL, () => {
      void reloadFunctions()
        .then(publishFunctions)
        .catch((err) => l.warn({ err }, "function reload failed"));
    })
    .catch((err: unknown) => {
      l.warn({ err }, "cannot LISTEN for function reloads");
      return undefined;
    });

  // What the dead-worker sweep unlocks: graphile-worker 0.18 locks every job (and serial
  // queue) it fetches by its pool's id, with or without the local queue — never by the id of
  // one of the pool's (up to 1,000) workers, so the heartbeat row carries the pool ids only.
  const queuePoolIds = new Set<string>();
  const events: WorkerEvents = new EventEmitter();
  events.on("pool:create", ({ workerPool }) => queuePoolIds.add(workerPool.id));

  const runner = await run({
    connectionString: opts.databaseUrl,
    concurrency,
    // A worker holds a connection only to fetch or complete a job, never while a task runs:
    // a few dozen serve hundreds of slots without exhausting Postgres's max_connections.
    maxPoolSize: Math.min(concurrency + 2, 24),
    // User schedules are ours (seconds, zones); graphile-worker's crontab only does housekeeping.
    crontab: HOUSEKEEPING_CRONTAB,
    noHandleSignals: true,
    taskList,
    logger: queueLogger,
    events,
    pollInterval: 2000,
    preset: {
      worker: {
        ...(e.WORKER_LOCAL_QUEUE_SIZE > 1 ? { localQueue: { size: e.WORKER_LOCAL_QUEUE_SIZE } } : {}),
        // Completions in the same turn of the event loop share one statement.
        completeJobBatchDelay: 0,
        failJobBatchDelay: 0,
      },
    },
  });

  let stopping: Promise<void> | undefined;
  let beating = false;
  let lastBeatOkAt = 0;
  const heartbeat = async () => {
    if (beating) return;
    beating = true;
    try {
      await publishFunctions();
      await beat(db, id, [...queuePoolIds], {
        activeRuns: engine.activeCount,
        scheduler: scheduler?.stats ?? null,
      });
      lastBeatOkAt = Date.now();
    } catch (err) {
      l.warn({ err }, "heartbeat failed (will retry)");
    } finally {
      beating = false;
    }
  };
  const scheduler =
    opts.scheduler === false
      ? undefined
      : startScheduler(db, getSql(), { graceMs: e.SCHEDULER_MISFIRE_GRACE_SECONDS * 1000 });
  await heartbeat();
  const beatTimer = setInterval(heartbeat, e.WORKER_HEARTBEAT_SECONDS * 1000);
  // Jittered so many workers do not sweep in lockstep.
  const sweepEvery = () => 4_000 + Math.random() * 2_000;
  let sweepTimer = setTimeout(async function sweep() {
    // Only a worker whose own heartbeat is current judges others: one that has just been cut
    // off from the database would see every heartbeat (its own included) as old.
    const currentFor = Math.max(e.WORKER_DEAD_AFTER_SECONDS / 2, e.WORKER_HEARTBEAT_SECONDS * 1.5) * 1000;
    if (Date.now() - lastBeatOkAt < currentFor) {
      await sweepDeadWorkers(db, { self: id }).catch((err) => l.warn({ err }, "sweep failed"));
    }
    // stop() may have come while this sweep ran: it cleared the old timer, so set no new one.
    if (!stopping) sweepTimer = setTimeout(sweep, sweepEvery());
  }, sweepEvery());

  l.info({ id, concurrency, tasks: Object.keys(taskList), scheduler: !!scheduler }, "worker started");
  return {
    id,
    runner,
    engine,
    scheduler,
    stop: () => {
      stopping ??= (async () => {
        clearInterval(beatTimer);
        clearTimeout(sweepTimer);
        await scheduler?.stop();
        stopWatchingFunctions();
        await reloadSub?.unlisten().catch(() => {});
        // Runs still executing are stopped and end as "lost", so their retry policy applies.
        await engine.stop();
        await runner.stop();
        await markStopped(db, id).catch((err) => l.warn({ err }, "could not mark worker stopped"));
        l.info({ id }, "worker stopped");
      })();
      return stopping;
    },
  };
}
