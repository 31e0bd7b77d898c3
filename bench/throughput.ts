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
const sql = postgres(db.url, { max: 4, onnotice: () => {}, connection: { application_name: "bench" } });

/** CPU milliseconds a process has used so far (0 when it cannot be read: not on Linux, or gone). */
function cpuMs(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, in ticks of 10 ms
  } catch {
    return 0;
  }
}
/**
 * CPU ms used so far by a worker process and by this database's server processes (except the
 * bench's own connections): sampled at 20 % and 80 % done, so start-up does not count.
 */
async function cpuOf(pid: number | undefined): Promise<{ proc: number; db: number }> {
  const rows = await sql<{ pid: number }[]>`
    select pid from pg_stat_activity where datname = current_database() and application_name <> 'bench'`;
  return { proc: cpuMs(pid), db: rows.reduce((sum, r) => sum + cpuMs(r.pid), 0) };
}

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
async function steadyRate(
  done: () => Promise<number>,
  pid: number | undefined,
  timeoutMs = 600_000,
): Promise<{ rate: number; cpu: { proc: number; db: number } }> {
  const end = Date.now() + timeoutMs;
  let t20: number | undefined;
  let cpu20 = { proc: 0, db: 0 };
  while (Date.now() < end) {
    const d = await done();
    const now = performance.now();
    if (t20 === undefined && d >= N * 0.2) {
      t20 = now;
      cpu20 = await cpuOf(pid);
    }
    if (t20 !== undefined && d >= N * 0.8) {
      const c = await cpuOf(pid);
      const per1000 = (ms: number) => round((ms / (N * 0.6)) * 1000, 1);
      return {
        rate: (N * 0.6) / ((now - t20) / 1000),
        cpu: { proc: per1000(c.proc - cpu20.proc), db: per1000(c.db - cpu20.db) },
      };
    }
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
const { rate: bareRate, cpu: bareCpu } = await steadyRate(
  async () => N - Number((await sql`select count(*)::int as n from graphile_worker._private_jobs`)[0]?.n),
  bare.pid,
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
// What the database did for the runs, independent of how busy the machine is: transactions
// committed and rows written (with how many updates were HOT, i.e. touched no index).
let polls = 0;
const dbCounters = async () => {
  const [r] = await sql<{ commits: string; runs_upd: string; runs_hot: string; jobs_upd: string }[]>`
    select (select xact_commit from pg_stat_database where datname = current_database()) as commits,
      (select n_tup_upd from pg_stat_user_tables where relname = 'runs') as runs_upd,
      (select n_tup_hot_upd from pg_stat_user_tables where relname = 'runs') as runs_hot,
      (select n_tup_upd from pg_stat_user_tables where relname = 'jobs') as jobs_upd`;
  return {
    commits: Number(r?.commits),
    runsUpd: Number(r?.runs_upd),
    runsHot: Number(r?.runs_hot),
    jobsUpd: Number(r?.jobs_upd),
  };
};
// Backends report their counts when idle (at most once a second) or when they exit.
const settledCounters = async () => {
  await new Promise((r) => setTimeout(r, 1_500));
  await sql`select pg_stat_clear_snapshot()`;
  return dbCounters();
};
const before = await settledCounters();
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
const succeeded = async () => {
  polls++;
  return Number((await sql`select count(*)::int as n from runs where status = 'succeeded'`)[0]?.n);
};
const { rate: kairosRate, cpu: kairosCpu } = await steadyRate(succeeded, worker.pid);
while ((await succeeded()) < N) await new Promise((r) => setTimeout(r, 50));
const [check] = await sql`
  select count(*) filter (where status = 'succeeded')::int as ok, count(*)::int as n,
         count(*) filter (where started_at is null or finished_at is null)::int as missing
  from runs`;
const kairosRss = rssMiB(worker.pid);
await stopChild(worker, "worker");
forgetWorker();
const after = await settledCounters();
// The bench's own statements (its polls, the check, the snapshot reads) are not the worker's.
const perRun = (v: number) => round((v / N) * 1000, 1);
const commitsPerRun = perRun(after.commits - before.commits - polls - 4);
const runUpdatesPerRun = perRun(after.runsUpd - before.runsUpd);
const hotShare = ratio(after.runsHot - before.runsHot, Math.max(1, after.runsUpd - before.runsUpd));
const jobUpdatesPerRun = perRun(after.jobsUpd - before.jobsUpd);
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
    [
      "CPU ms per 1,000: bare worker + its Postgres / Kairos worker + its Postgres",
      `${bareCpu.proc} + ${bareCpu.db} / ${kairosCpu.proc} + ${kairosCpu.db}`,
    ],
    ["commits per 1,000 runs (Kairos worker, queue included)", commitsPerRun],
    [
      "run / job row updates per 1,000 runs (HOT share of run updates)",
      `${runUpdatesPerRun} / ${jobUpdatesPerRun} (${hotShare})`,
    ],
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
    bareCpuMsPer1000: bareCpu,
    kairosCpuMsPer1000: kairosCpu,
    commitsPer1000: commitsPerRun,
    runUpdatesPer1000: runUpdatesPerRun,
    runHotShare: hotShare,
    jobUpdatesPer1000: jobUpdatesPerRun,
  },
);
process.exit(0);
