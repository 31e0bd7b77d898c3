/**
 * Fire lateness (actual start − scheduled instant) with N every-second schedules, for N in
 * BENCH_SCHEDULES (default 100,1000,5000), over BENCH_SECONDS (default 10) after a 3 s
 * warm-up, on one Kairos worker process — beside the seed's engine, APScheduler 3 (Debian's
 * python3-apscheduler), running the same schedules in the same command.
 */
import { spawn } from "node:child_process";
import postgres from "postgres";
import { spawnTs, stopChild } from "../scripts/lib/children";
import { atBenchExit, benchDatabase, percentile, quietEnv, ratio, report, round } from "./lib";

const SIZES = (process.env.BENCH_SCHEDULES ?? "100,1000,5000").split(",").map(Number);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP = 3;
const PYTHON = process.env.BENCH_PYTHON ?? "/usr/bin/python3";
// Slots and local queue of the Kairos worker: a burst of N simultaneous fires starts together
// only if the worker has about N slots (no-op runs cost little each).
const CONCURRENCY = process.env.BENCH_CONCURRENCY ?? "1000";
const LOCAL_QUEUE = process.env.BENCH_LOCAL_QUEUE ?? "512";

type Figures = { p50: number; p95: number; p99: number; max: number; ran: number; expected: number };

function figures(values: number[], expected: number): Figures {
  const s = [...values].sort((a, b) => a - b);
  return {
    p50: round(percentile(s, 50), 1),
    p95: round(percentile(s, 95), 1),
    p99: round(percentile(s, 99), 1),
    max: round(s.at(-1) ?? Number.NaN, 1),
    ran: s.length,
    expected,
  };
}

async function kairos(n: number): Promise<Figures & { claimP99: number }> {
  const db = await benchDatabase();
  const sql = postgres(db.url, { max: 4, onnotice: () => {} });
  await sql`
    insert into jobs (name, cron, timezone, mode, params, state)
    select 'every second ' || i, '* * * * * *', 'UTC', 'func', '{"name":"Noop","args":[]}'::jsonb, 'stopped'
    from generate_series(1, ${n}) i`;
  const worker = spawnTs(
    "worker/main.ts",
    quietEnv({
      DATABASE_URL: db.url,
      WORKER_CONCURRENCY: CONCURRENCY,
      WORKER_LOCAL_QUEUE_SIZE: LOCAL_QUEUE,
      DB_POOL_MAX: "20",
    }),
  );
  const forgetWorker = atBenchExit(
    () => stopChild(worker, "worker"),
    () => worker.kill("SIGKILL"),
  );
  while (!Number((await sql`select count(*)::int as n from workers`)[0]?.n))
    await new Promise((r) => setTimeout(r, 50));
  const first = Math.ceil(Date.now() / 1000) * 1000 + 1000;
  await sql`update jobs set state = 'waiting', next_fire_at = to_timestamp(${first / 1000})`;
  await sql`select pg_notify('kairos_jobs', '')`;
  const from = first + WARMUP * 1000;
  const to = from + SECONDS * 1000;
  await new Promise((r) => setTimeout(r, to - Date.now() + 3_000));
  // Locked in id order, as the workers lock jobs, so this bulk stop cannot deadlock with them.
  await sql`update jobs set state = 'stopped', next_fire_at = null where id in (select id from jobs order by id for update)`;
  const rows = await sql<{ late: number; claim: number }[]>`
    select extract(epoch from started_at - scheduled_at) * 1000 as late,
           extract(epoch from enqueued_at - scheduled_at) * 1000 as claim
    from runs where trigger = 'schedule' and started_at is not null
      and scheduled_at >= to_timestamp(${from / 1000}) and scheduled_at < to_timestamp(${to / 1000})`;
  await stopChild(worker, "worker");
  forgetWorker();
  await sql.end();
  await db.close();
  const f = figures(
    rows.map((r) => Number(r.late)),
    n * SECONDS,
  );
  const claims = rows.map((r) => Number(r.claim)).sort((a, b) => a - b);
  return { ...f, claimP99: round(percentile(claims, 99), 1) };
}

async function apscheduler(n: number): Promise<(Figures & { missed: number; skipped: number }) | null> {
  return new Promise((resolve) => {
    const child = spawn(
      PYTHON,
      ["bench/apscheduler_lateness.py", String(n), String(SECONDS), String(WARMUP)],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let out = "";
    let err = "";
    child.stdout.on("data", (c) => (out += c));
    child.stderr.on("data", (c) => (err += c));
    child.on("error", () => resolve(null));
    child.on("exit", (code) => {
      if (code !== 0) {
        console.error(`APScheduler run failed (${code}): ${err.slice(-500)}`);
        return resolve(null);
      }
      const r = JSON.parse(out.trim().split("\n").at(-1) ?? "{}") as {
        ran: number;
        expected: number;
        missed: number;
        skipped: number;
        lateness: number[];
      };
      resolve({ ...figures(r.lateness, r.expected), missed: r.missed, skipped: r.skipped });
    });
  });
}

const results: Record<string, unknown>[] = [];
const rows: [string, string | number][] = [];
for (const n of SIZES) {
  const k = await kairos(n);
  const a = await apscheduler(n);
  results.push({ schedules: n, kairos: k, apscheduler: a });
  rows.push([
    `${n} schedules · Kairos lateness p50/p95/p99 (ms)`,
    `${k.p50} / ${k.p95} / ${k.p99}  (max ${k.max}; ran ${k.ran}/${k.expected}; claim p99 ${k.claimP99})`,
  ]);
  rows.push([
    `${n} schedules · APScheduler p50/p95/p99 (ms)`,
    a
      ? `${a.p50} / ${a.p95} / ${a.p99}  (max ${a.max}; ran ${a.ran}/${a.expected}; missed ${a.missed}; skipped ${a.skipped})`
      : "not available (install python3-apscheduler)",
  ]);
  if (a) rows.push([`${n} schedules · p99 ratio Kairos / APScheduler`, ratio(k.p99, a.p99)]);
}
rows.push(["Kairos worker", `WORKER_CONCURRENCY=${CONCURRENCY} WORKER_LOCAL_QUEUE_SIZE=${LOCAL_QUEUE}`]);
report("lateness", rows, {
  seconds: SECONDS,
  concurrency: Number(CONCURRENCY),
  localQueue: Number(LOCAL_QUEUE),
  results,
});
process.exit(0);
