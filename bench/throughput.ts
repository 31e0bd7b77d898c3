/**
 * Run throughput: no-op func runs with full history (run rows started and finished, job's last
 * status), executed by one Kairos worker process, beside bare graphile-worker jobs/s (no-op
 * task, localQueue on) measured in the same command on the same database server.
 *   BENCH_RUNS (default 20000), BENCH_CONCURRENCY (default 256 for Kairos), BENCH_LOCAL_QUEUE (500)
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import postgres from "postgres";
import { spawnTs, stopChild } from "../scripts/lib/children";
import { atBenchExit, benchDatabase, quietEnv, ratio, report, round } from "./lib";

const N = Number(process.env.BENCH_RUNS ?? 20_000);
const CONC = Number(process.env.BENCH_CONCURRENCY ?? 256);
const LQ = Number(process.env.BENCH_LOCAL_QUEUE ?? 500);
const db = await benchDatabase();
const sql = postgres(db.url, { max: 4, onnotice: () => {} });

function rssMiB(pid: number | undefined): number {
  try {
    return round(
      Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) / 1024,
      1,
    );
  } catch {
    return Number.NaN;
  }
}

/**
 * Steady-state rate: the time between 20 % and 80 % done, so process start-up and the last
 * stragglers (which differ between the two) do not count.
 */
async function steadyRate(done: () => Promise<number>, timeoutMs = 600_000): Promise<number> {
  const end = Date.now() + timeoutMs;
  let t20: number | undefined;
  while (Date.now() < end) {
    const d = await done();
    const now = performance.now();
    if (t20 === undefined && d >= N * 0.2) t20 = now;
    if (t20 !== undefined && d >= N * 0.8) return (N * 0.6) / ((now - t20) / 1000);
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error("timed out");
}

// --- bare graphile-worker ------------------------------------------------------------------
await sql`select count(*) from graphile_worker.add_jobs(array(
  select row('noop', '{}'::json, null, now(), 1, null, null, null)::graphile_worker.job_spec from generate_series(1, ${N})))`;
const bare = spawn(
  process.execPath,
  [
    "--input-type=module",
    "-e",
    `import { run } from "graphile-worker";
     const r = await run({ connectionString: process.env.DATABASE_URL, concurrency: 16, noHandleSignals: true, crontab: "",
       taskList: { noop: async () => {} }, logger: undefined, maxPoolSize: 20,
       preset: { worker: { localQueue: { size: ${LQ} }, completeJobBatchDelay: 0 } } });
     console.log("ready");
     process.on("SIGTERM", async () => { await r.stop(); process.exit(0); });`,
  ],
  { env: quietEnv({ DATABASE_URL: db.url }), stdio: ["ignore", "pipe", "inherit"] },
);
const forgetBare = atBenchExit(
  () => stopChild(bare, "bare worker"),
  () => bare.kill("SIGKILL"),
);
const bareRate = await steadyRate(
  async () => N - Number((await sql`select count(*)::int as n from graphile_worker._private_jobs`)[0]?.n),
);
const bareRss = rssMiB(bare.pid);
await stopChild(bare, "bare worker");
forgetBare();

// --- Kairos runs with history --------------------------------------------------------------
process.env.DATABASE_URL = db.url;
const { getDb, closeDb } = await import("../server/db/client");
const { createJob } = await import("../server/jobs/jobs");
const { createRuns } = await import("../server/runs/create");
const job = await createJob(
  getDb(),
  { id: null, name: "bench" },
  {
    name: "noop",
    cron: "0 0 1 1 *",
    timezone: "UTC",
    mode: "func",
    command: "【name】Noop",
    state: "stopped",
  },
);
const tq = performance.now();
for (let i = 0; i < N; i += 2_000) {
  const specs = Array.from({ length: Math.min(2_000, N - i) }, () => ({
    jobId: job.id,
    policy: "parallel" as const,
    trigger: "api" as const,
    scheduledAt: new Date(),
  }));
  await getDb().transaction((tx) => createRuns(tx, specs));
}
const enqueueSecs = (performance.now() - tq) / 1000;
const worker = spawnTs(
  "worker/main.ts",
  quietEnv({
    DATABASE_URL: db.url,
    WORKER_CONCURRENCY: String(CONC),
    WORKER_LOCAL_QUEUE_SIZE: String(LQ),
    DB_POOL_MAX: "20",
  }),
);
const forgetWorker = atBenchExit(
  () => stopChild(worker, "worker"),
  () => worker.kill("SIGKILL"),
);
const succeeded = async () =>
  Number((await sql`select count(*)::int as n from runs where status = 'succeeded'`)[0]?.n);
const kairosRate = await steadyRate(succeeded);
while ((await succeeded()) < N) await new Promise((r) => setTimeout(r, 50));
const [check] = await sql`
  select count(*) filter (where status = 'succeeded')::int as ok, count(*)::int as n,
         count(*) filter (where started_at is null or finished_at is null)::int as missing
  from runs`;
const kairosRss = rssMiB(worker.pid);
await stopChild(worker, "worker");
forgetWorker();
await closeDb();
await sql.end();
await db.close();

report(
  "throughput",
  [
    ["runs", N],
    ["bare graphile-worker jobs/s (localQueue)", round(bareRate, 0)],
    ["Kairos no-op func runs/s, full history", round(kairosRate, 0)],
    ["ratio Kairos / bare", ratio(kairosRate, bareRate)],
    ["enqueue (create run rows + queue) runs/s", round(N / enqueueSecs, 0)],
    ["history check (succeeded / total / missing times)", `${check?.ok} / ${check?.n} / ${check?.missing}`],
    ["peak RSS bare / Kairos worker (MiB)", `${bareRss} / ${kairosRss}`],
  ],
  {
    runs: N,
    concurrency: CONC,
    localQueue: LQ,
    bareJobsPerSec: round(bareRate, 0),
    kairosRunsPerSec: round(kairosRate, 0),
    ratio: ratio(kairosRate, bareRate),
    enqueueRunsPerSec: round(N / enqueueSecs, 0),
    bareRssMiB: bareRss,
    kairosRssMiB: kairosRss,
  },
);
process.exit(0);
