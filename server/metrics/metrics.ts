import "server-only";
import { sql } from "drizzle-orm";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { Db } from "../db/client";
import { env } from "../lib/env";
import { log } from "../lib/log";

/**
 * Prometheus metrics for GET /metrics. Two sources:
 *  - the database, read at scrape time with a few aggregate queries (runs, queue, workers,
 *    outbox): every process's work lands there, so one scrape of any web process sees the
 *    whole installation, workers included;
 *  - this web process's own observations (request durations, Node process metrics), kept in
 *    a registry that lives as long as the process.
 */

/** Fire lateness (scheduled_at → started_at) buckets, in seconds. */
export const LATENESS_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300];
/** The lateness histogram covers runs started within this window… */
export const LATENESS_WINDOW_SECONDS = 300;
/** …among at most this many most recent runs, so a scrape stays a short primary-key range scan. */
export const LATENESS_MAX_RUNS = 10_000;

const REQUEST_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

type ProcessMetrics = { registry: Registry; requests: Histogram<"route" | "method" | "status"> };

// Held on globalThis: Next.js may load this module once per route bundle, and the request
// durations observed by /api/v1 must be the ones /metrics reports.
const KEY = Symbol.for("kairos.metrics.process");

function processMetrics(): ProcessMetrics {
  const g = globalThis as { [KEY]?: ProcessMetrics };
  let m = g[KEY];
  if (!m) {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry, prefix: "kairos_web_" });
    const requests = new Histogram({
      name: "kairos_http_request_duration_seconds",
      help: "API request durations in this web process, by route template, method and status",
      labelNames: ["route", "method", "status"] as const,
      buckets: REQUEST_BUCKETS,
      registers: [registry],
    });
    m = { registry, requests };
    g[KEY] = m;
  }
  return m;
}

/**
 * Records one API request. `route` must be a template (/api/v1/jobs/{id}), never the raw path:
 * ids in labels would make a new series per job.
 */
export function observeRequest(route: string, method: string, status: number, seconds: number) {
  processMetrics().requests.observe({ route, method, status: String(status) }, seconds);
}

type Num = number | string | null;

/** The database's side: a fresh registry per scrape, filled from aggregate queries. */
async function databaseRegistry(db: Db): Promise<Registry> {
  const registry = new Registry();
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[] = []) =>
    new Gauge<L>({ name, help, labelNames, registers: [registry] });

  const runsGauge = gauge("kairos_runs", "Runs in the run history, by status and job mode", [
    "status",
    "mode",
  ] as const);
  const created = new Counter({
    name: "kairos_runs_created_total",
    help: "Runs ever created (the highest run id: never goes down, whatever retention deletes)",
    registers: [registry],
  });
  const lateness = new Histogram({
    name: "kairos_fire_lateness_seconds",
    help: `Scheduled → started of schedule and catch-up runs started in the last ${LATENESS_WINDOW_SECONDS} s (a window, recomputed per scrape: use histogram_quantile without rate())`,
    buckets: LATENESS_BUCKETS,
    registers: [registry],
  });
  const queue = gauge("kairos_queue_jobs", "graphile-worker queue rows, by task and state", [
    "task",
    "state",
  ] as const);
  const workersGauge = gauge("kairos_workers", "Worker processes not stopped, by liveness", [
    "state",
  ] as const);
  const heartbeatAge = gauge(
    "kairos_worker_heartbeat_age_seconds",
    "Seconds since each running worker's last heartbeat",
    ["worker", "host"] as const,
  );
  const activeRuns = gauge(
    "kairos_worker_active_runs",
    "Runs each worker is executing (its last heartbeat)",
    ["worker", "host"] as const,
  );
  const concurrency = gauge("kairos_worker_concurrency", "Each worker's run concurrency", [
    "worker",
    "host",
  ] as const);
  const outboxGauge = gauge("kairos_outbox_messages", "Mail outbox messages, by state", ["state"] as const);

  const deadAfter = env().WORKER_DEAD_AFTER_SECONDS;
  const [runRows, seqRows, lateRows, queueRows, workerRows, outboxRows] = await Promise.all([
    db.execute<{ status: string; mode: string; n: Num }>(sql`
      select r.status::text as status, j.mode::text as mode, count(*) as n
      from runs r join jobs j on j.id = r.job_id
      group by 1, 2`),
    db.execute<{ last: Num }>(sql`select coalesce(max(id), 0) as last from runs`),
    db.execute<{ s: Num }>(sql`
      select extract(epoch from started_at - scheduled_at)::float8 as s
      from runs
      where id > (select coalesce(max(id), 0) from runs) - ${LATENESS_MAX_RUNS}
        and trigger in ('schedule', 'catch_up')
        and started_at > now() - make_interval(secs => ${LATENESS_WINDOW_SECONDS})`),
    db.execute<{ task: string; state: string; n: Num }>(sql`
      select task_identifier as task,
             case when locked_at is not null then 'locked'
                  when attempts >= max_attempts then 'failed'
                  when run_at > now() then 'scheduled'
                  else 'ready' end as state,
             count(*) as n
      from graphile_worker.jobs
      group by 1, 2`),
    db.execute<{ id: string; host: string; age: Num; concurrency: Num; active: Num }>(sql`
      select id, host, extract(epoch from now() - last_seen_at)::float8 as age, concurrency,
             (stats ->> 'activeRuns')::int as active
      from workers where stopped_at is null`),
    db.execute<{ state: string; n: Num }>(sql`
      select status::text as state, count(*) as n from outbox group by 1`),
  ]);

  for (const r of runRows) runsGauge.set({ status: r.status, mode: r.mode }, Number(r.n));
  created.inc(Number(seqRows[0]?.last ?? 0));
  for (const r of lateRows) if (r.s !== null) lateness.observe(Math.max(0, Number(r.s)));
  for (const r of queueRows) queue.set({ task: r.task, state: r.state }, Number(r.n));
  let live = 0;
  for (const w of workerRows) {
    const labels = { worker: w.id, host: w.host };
    const age = Number(w.age);
    if (age <= deadAfter) live++;
    heartbeatAge.set(labels, age);
    concurrency.set(labels, Number(w.concurrency));
    if (w.active !== null) activeRuns.set(labels, Number(w.active));
  }
  workersGauge.set({ state: "live" }, live);
  workersGauge.set({ state: "stale" }, workerRows.length - live);
  for (const r of outboxRows) outboxGauge.set({ state: r.state }, Number(r.n));
  return registry;
}

/**
 * The text a scrape answers (Prometheus exposition format 0.0.4). An unreachable database
 * still answers, with `kairos_database_up 0` and this process's own metrics, so the alert can
 * say which part is down.
 */
export async function scrape(db: Db): Promise<{ contentType: string; body: string }> {
  const proc = processMetrics().registry;
  const fromDb = await databaseRegistry(db).catch((err: unknown) => {
    log("metrics").warn({ err }, "could not read the database for a scrape");
    return new Registry();
  });
  const up = new Gauge({
    name: "kairos_database_up",
    help: "1 when this scrape could read the database",
    registers: [fromDb],
  });
  up.set(fromDb.getMetricsAsArray().length > 0 ? 1 : 0);
  const merged = Registry.merge([proc, fromDb]);
  return { contentType: proc.contentType, body: await merged.metrics() };
}
