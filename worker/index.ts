import { randomBytes } from "node:crypto";
import { EventEmitter } from "node:events";
import os from "node:os";
import { type Runner, run, type WorkerEvents } from "graphile-worker";
import { getDb } from "../server/db/client";
import { env } from "../server/env";
import { appVersion } from "../server/env-derived";
import { log } from "../server/log";
import { queueLogger } from "../server/queue/logger";
import { beat, markStopped, registerWorker } from "../server/workers/heartbeat";
import { sweepDeadWorkers } from "../server/workers/sweep";
import { taskList } from "./tasks";

export type KairosWorker = { id: string; runner: Runner; stop: () => Promise<void> };

/**
 * One worker process: a graphile-worker runner, a heartbeat row every few seconds, and a
 * sweeper that frees the jobs of workers that died. Any number of these may share a database.
 */
export async function startWorker(opts: {
  databaseUrl: string;
  concurrency?: number;
}): Promise<KairosWorker> {
  const e = env();
  const l = log("worker");
  const db = getDb();
  const id = `${os.hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`;
  const concurrency = opts.concurrency ?? e.WORKER_CONCURRENCY;
  await registerWorker(db, { id, host: os.hostname(), pid: process.pid, version: appVersion(), concurrency });

  const queueWorkerIds = new Set<string>();
  const events: WorkerEvents = new EventEmitter();
  events.on("worker:create", ({ worker }) => queueWorkerIds.add(worker.workerId));
  events.on("worker:release", ({ worker }) => queueWorkerIds.delete(worker.workerId));

  const runner = await run({
    connectionString: opts.databaseUrl,
    concurrency,
    // One connection per concurrent job, plus LISTEN and housekeeping.
    maxPoolSize: concurrency + 2,
    // User schedules are ours (seconds, zones); graphile-worker's minute crontab stays off.
    crontab: "",
    noHandleSignals: true,
    taskList,
    logger: queueLogger,
    events,
    pollInterval: 2000,
  });

  let beating = false;
  const heartbeat = async () => {
    if (beating) return;
    beating = true;
    try {
      await beat(db, id, [...queueWorkerIds]);
    } catch (err) {
      l.warn({ err }, "heartbeat failed (will retry)");
    } finally {
      beating = false;
    }
  };
  await heartbeat();
  const beatTimer = setInterval(heartbeat, e.WORKER_HEARTBEAT_SECONDS * 1000);
  // Jittered so many workers do not sweep in lockstep.
  const sweepEvery = () => 10_000 + Math.random() * 5_000;
  let sweepTimer = setTimeout(async function sweep() {
    await sweepDeadWorkers(db).catch((err) => l.warn({ err }, "sweep failed"));
    sweepTimer = setTimeout(sweep, sweepEvery());
  }, sweepEvery());

  l.info({ id, concurrency, tasks: Object.keys(taskList) }, "worker started");
  let stopping: Promise<void> | undefined;
  return {
    id,
    runner,
    stop: () => {
      stopping ??= (async () => {
        clearInterval(beatTimer);
        clearTimeout(sweepTimer);
        await runner.stop();
        await markStopped(db, id).catch((err) => l.warn({ err }, "could not mark worker stopped"));
        l.info({ id }, "worker stopped");
      })();
      return stopping;
    },
  };
}
