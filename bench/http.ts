/**
 * http and command jobs on the real path, measured from outside: Kairos started as `npm start`
 * starts it (embedded Postgres in a scratch folder, one web process, one worker, default
 * settings), jobs created through the TimerJobs API (`/jobs/add`, with an API token), each an
 * every-second GET to a keep-alive HTTP server on 127.0.0.1 that records when requests arrive —
 * beside APScheduler 3 + requests (20-thread pool, the seed's engine) doing the same in the
 * same command. Then the same with the command `true` every second (APScheduler: subprocess).
 *
 *   npm run bench -- http [--http=10,100,1000,5000] [--command=10,100,500] [--seconds=10]
 *                         [--no-apscheduler]
 * (`--http=` or `--command=` with nothing after it skips that mode.) Settings in the
 * environment (WORKER_CONCURRENCY…) reach Kairos, to measure a tuned configuration;
 * BENCH_VERBOSE=1 also prints Kairos' runs by status, KAIROS_CPU_PROF=<dir> profiles its processes.
 *
 * Lateness: http — arrival at the target − the second the fire was for; command — end of the
 * run − that second. Not modulo: each side says which slots it started, and a job's arrivals
 * are matched to its started slots in order. "delivered" counts the fires of the window that
 * arrived (http) or ended (command) within 5 s of the window's end.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Worker } from "node:worker_threads";
import postgres from "postgres";
import { needsBuild, runBuild } from "../scripts/lib/build";
import { spawnTs, stopChild } from "../scripts/lib/children";
import { freePort, startEmbeddedPostgres } from "../server/db/embedded";
import { migrateDatabase } from "../server/db/migrate";
import { hashToken, TOKEN_PREFIX } from "../server/tokens/tokens";
import { percentile, ratio, report, round } from "./lib";

const flags = new Map(
  process.argv.slice(3).map((a) => {
    const [k, v] = a.replace(/^--/, "").split("=");
    return [k ?? "", v ?? "true"] as const;
  }),
);
const sizes = (name: string, dflt: string) =>
  (flags.get(name) ?? dflt)
    .split(",")
    .filter(Boolean)
    .map(Number)
    .filter((n) => n > 0);
const HTTP_SIZES = sizes("http", "10,100,1000,5000");
const COMMAND_SIZES = sizes("command", "10,100,500");
const SECONDS = Number(flags.get("seconds") ?? 10);
/** After the resume, every job's first (misfired) fire is caught up at once: let that settle. */
const warmupS = (n: number) => 3 + Math.ceil(n / 1000);
const GRACE_MS = 5_000;
const WITH_APS = !flags.has("no-apscheduler");
const PYTHON = process.env.BENCH_PYTHON ?? "/usr/bin/python3";
type Mode = "http" | "command";

// --- measuring processes through /proc ------------------------------------------------------
const TICK = 100; // USER_HZ on Linux

function children(): Map<number, number[]> {
  const kids = new Map<number, number[]>();
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      kids.set(ppid, [...(kids.get(ppid) ?? []), Number(d)]);
    } catch {}
  }
  return kids;
}

function tree(roots: number[]): number[] {
  const kids = children();
  const out: number[] = [];
  const walk = (p: number) => {
    out.push(p);
    for (const c of kids.get(p) ?? []) walk(c);
  };
  for (const r of roots) walk(r);
  return out;
}

/** CPU seconds of the processes (with their reaped children). */
function cpuSeconds(pids: number[]): number {
  let ticks = 0;
  for (const p of pids) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      // utime, stime, cutime, cstime are fields 14-17 (1-based, counting pid and comm).
      ticks += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
    } catch {}
  }
  return ticks / TICK;
}

/** Proportional set size (MiB): shared pages (Postgres' shared buffers) counted once overall. */
function pssMiB(pids: number[]): number {
  let kb = 0;
  for (const p of pids) {
    try {
      kb += Number(/^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${p}/smaps_rollup`, "utf8"))?.[1] ?? 0);
    } catch {}
  }
  return kb / 1024;
}

/** Samples a process tree's memory while a measurement runs; CPU is the difference end − start. */
function meter(roots: () => number[]) {
  const cpu0 = cpuSeconds(tree(roots()));
  let peak = 0;
  const sample = () => {
    peak = Math.max(peak, pssMiB(tree(roots())));
  };
  sample();
  const timer = setInterval(sample, 500);
  return () => {
    clearInterval(timer);
    sample();
    return { cpuS: round(cpuSeconds(tree(roots())) - cpu0, 2), peakMiB: round(peak, 0) };
  };
}

const loadAvg = () => os.loadavg().map((v) => round(v, 2));

// --- the HTTP target ---------------------------------------------------------------------------
/**
 * The target runs on a thread of its own: the bench's main thread reads /proc for CPU and memory
 * every half second (tens of ms with Postgres' processes in the tree), and an arrival must not
 * wait for that to be timestamped. It keeps, per job index, when requests to /hit/<index>
 * arrived, and per run (Kairos sends X-Kairos-Run) when that run's request did.
 */
const TARGET_THREAD = `
const http = require("node:http");
const { parentPort } = require("node:worker_threads");
const arrivals = new Map();
const byRun = new Map();
const server = http.createServer((req, res) => {
  const at = performance.timeOrigin + performance.now();
  const m = /^\\/hit\\/(\\d+)/.exec(req.url || "");
  if (m) {
    const i = Number(m[1]);
    const list = arrivals.get(i);
    if (list) list.push(at);
    else arrivals.set(i, [at]);
    const run = Number(req.headers["x-kairos-run"]);
    if (run) byRun.set(run, at);
  }
  res.writeHead(200, { "content-type": "text/plain" }).end("ok");
});
server.keepAliveTimeout = 120000;
server.headersTimeout = 121000;
server.listen(0, "127.0.0.1", () => parentPort.postMessage({ port: server.address().port }));
parentPort.on("message", (m) => {
  if (m === "collect") parentPort.postMessage({ arrivals: [...arrivals], byRun: [...byRun] });
  if (m === "close") { server.closeAllConnections(); server.close(() => parentPort.postMessage({ closed: true })); }
});
`;

async function startTarget() {
  const thread = new Worker(TARGET_THREAD, { eval: true });
  const next = <T>() => new Promise<T>((r) => thread.once("message", r));
  const { port } = await next<{ port: number }>();
  return {
    base: `http://127.0.0.1:${port}`,
    /** Arrival times (ms since epoch) per job index, and per Kairos run id. */
    collect: async () => {
      const got = next<{ arrivals: [number, number[]][]; byRun: [number, number][] }>();
      thread.postMessage("collect");
      const { arrivals, byRun } = await got;
      return { arrivals: new Map(arrivals), byRun: new Map(byRun) };
    },
    close: async () => {
      const closed = next();
      thread.postMessage("close");
      await closed;
      await thread.terminate();
    },
  };
}

// --- figures -------------------------------------------------------------------------------------
type Figures = {
  p50: number;
  p99: number;
  max: number;
  delivered: number;
  expected: number;
  cpuS: number;
  peakMiB: number;
  load: number[];
};

/**
 * Each job's started slots (seconds) matched in order to its arrivals (ms): lateness of the
 * fires of the window [from, to) that arrived by `cutoff`.
 */
function lateness(
  started: Map<number, number[]>,
  arrived: Map<number, number[]>,
  from: number,
  to: number,
  cutoff: number,
): number[] {
  const out: number[] = [];
  for (const [job, slots] of started) {
    const s = [...slots].sort((a, b) => a - b);
    const a = [...(arrived.get(job) ?? [])].sort((x, y) => x - y);
    for (let k = 0; k < Math.min(s.length, a.length); k++) {
      const slot = s[k] as number;
      const at = a[k] as number;
      if (slot >= from && slot < to && at <= cutoff) out.push(at - slot);
    }
  }
  return out;
}

function figures(late: number[], expected: number, used: { cpuS: number; peakMiB: number }, load: number[]) {
  const s = [...late].sort((a, b) => a - b);
  return {
    p50: round(percentile(s, 50), 1),
    p99: round(percentile(s, 99), 1),
    max: round(s.at(-1) ?? Number.NaN, 1),
    delivered: s.length,
    expected,
    ...used,
    load,
  } satisfies Figures;
}

const sleepUntil = (t: number) => new Promise((r) => setTimeout(r, Math.max(0, t - Date.now())));

// --- Kairos ------------------------------------------------------------------------------------
async function kairos(
  mode: Mode,
  n: number,
): Promise<
  Figures & {
    createS: number;
    commitsPerRun: number;
    worker: { cpuS: number; peakMiB: number };
    startLate: {
      p50: number;
      p99: number;
      claimP50: number;
      claimP99: number;
      wireP50: number;
      wireP99: number;
    };
  }
> {
  const target = mode === "http" ? await startTarget() : undefined;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "kairos-bench-http-"));
  chmodSync(dataDir, 0o755);
  const pg = await startEmbeddedPostgres({ dataDir, preferredPort: await freePort() });
  const children: [string, ChildProcess][] = [];
  const sql = postgres(pg.url, { max: 2, onnotice: () => {} });
  try {
    await migrateDatabase(pg.url);
    const token = TOKEN_PREFIX + randomBytes(32).toString("base64url");
    await sql`insert into api_tokens (name, kind, role, token_hash, token_prefix)
              values ('bench', 'service', 'admin', ${hashToken(token)}, ${token.slice(0, 13)})`;
    const port = await freePort();
    // What `npm start` gives its children (scripts/start.ts), nothing else.
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: pg.url,
      PORT: String(port),
      AUTH_TRUST_HOST: "true",
      NODE_ENV: "production",
      LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
      LOG_PRETTY: "0",
    };
    children.push(["web", spawnTs("scripts/web.ts", { ...env, KAIROS_PROCESS: "web" })]);
    children.push(["worker", spawnTs("worker/main.ts", { ...env, KAIROS_PROCESS: "worker" })]);
    const api = async (p: string, body: unknown) => {
      const res = await fetch(`http://127.0.0.1:${port}${p}`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      const json = (await res.json()) as { code: number; msg: string };
      if (json.code !== 200) throw new Error(`${p}: ${json.code} ${json.msg}`);
      return json;
    };
    for (let i = 0; ; i++) {
      const up = await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined);
      if (up?.ok && Number((await sql`select count(*)::int as n from workers`)[0]?.n)) break;
      if (i > 600) throw new Error("Kairos did not start in 2 minutes");
      await new Promise((r) => setTimeout(r, 200));
    }
    // Paused while the jobs are created, so they all start together.
    await api("/jobs/stopAll", {});
    const t0 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let i = next++; i < n; i = next++) {
          await api("/jobs/add", {
            name: `bench ${i}`,
            cron_expr: "* * * * * *",
            mode,
            timezone: "UTC",
            params:
              mode === "http" ? { url: `${target?.base}/hit/${i}`, method: "GET" } : { command: "true" },
          });
        }
      }),
    );
    const createS = round((performance.now() - t0) / 1000, 1);
    const pids = () => [
      ...children.map(([, c]) => c.pid ?? 0),
      Number(readFileSync(path.join(pg.dir, "postmaster.pid"), "utf8").split("\n")[0]),
    ];
    await api("/jobs/runAll", {});
    const used = meter(pids);
    const workerUsed = meter(() => [children[1]?.[1].pid ?? 0]);
    // Postgres commits per run (each statement outside a transaction block is one): what a run costs the database.
    const commits = async () =>
      Number(
        (
          await sql`select xact_commit::float8 as n from pg_stat_database where datname = current_database()`
        )[0]?.n,
      );
    const commitsBefore = await commits();
    const runsBefore = Number(
      (await sql`select count(*)::int as n from runs where finished_at is not null`)[0]?.n,
    );
    const from = (Math.ceil(Date.now() / 1000) + warmupS(n)) * 1000;
    const to = from + SECONDS * 1000;
    const cutoff = to + GRACE_MS;
    await sleepUntil(cutoff);
    const load = loadAvg();
    const figuresUsed = used();
    const worker = workerUsed();
    // The stats collector reports a backend's counts when it goes idle (at most once a second).
    await new Promise((r) => setTimeout(r, 1_100));
    const runsEnded =
      Number((await sql`select count(*)::int as n from runs where finished_at is not null`)[0]?.n) -
      runsBefore;
    const commitsPerRun = round(((await commits()) - commitsBefore) / Math.max(1, runsEnded), 2);
    await api("/jobs/stopAll", {});
    const runs = await sql<
      { id: number; job: number; slot: number; claimed: number; began: number; ended: number | null }[]
    >`
      select r.id::int as id, substring(j.name from 7)::int as job, (extract(epoch from r.scheduled_at) * 1000)::float8 as slot,
             (extract(epoch from r.enqueued_at) * 1000)::float8 as claimed,
             (extract(epoch from r.started_at) * 1000)::float8 as began,
             (extract(epoch from r.finished_at) * 1000)::float8 as ended
      from runs r join jobs j on j.id = r.job_id
      where r.started_at is not null`;
    const started = new Map<number, number[]>();
    const ended = new Map<number, number[]>();
    for (const r of runs) {
      started.set(r.job, [...(started.get(r.job) ?? []), Number(r.slot)]);
      // A command run's end, in slot order (its own slot's end, not another's).
      if (r.ended !== null) ended.set(r.job, [...(ended.get(r.job) ?? []), Number(r.ended)]);
    }
    let late: number[];
    // http: each run's own request (X-Kairos-Run) − its slot, so nothing hangs on matching order.
    const got = await target?.collect();
    const arrivedAt = (r: { id: number }) => got?.byRun.get(Number(r.id));
    if (got)
      late = runs
        .filter((r) => r.slot >= from && r.slot < to && (arrivedAt(r) ?? Number.POSITIVE_INFINITY) <= cutoff)
        .map((r) => (arrivedAt(r) as number) - Number(r.slot));
    else
      late = runs
        .filter((r) => r.ended !== null && r.slot >= from && r.slot < to && Number(r.ended) <= cutoff)
        .map((r) => Number(r.ended) - Number(r.slot));
    const statuses = await sql<{ status: string; n: number; error: string | null }[]>`
      select status, count(*)::int as n, min(error) as error from runs group by status order by status`;
    if (process.env.BENCH_VERBOSE) console.log(`  ${mode} ×${n} runs by status:`, statuses);
    // Where the time goes: queue + wait for a place (start − slot) vs the execution itself.
    const inWindow = runs.filter((r) => r.slot >= from && r.slot < to);
    const starts = inWindow.map((r) => Number(r.began) - Number(r.slot)).sort((a, b) => a - b);
    const claims = inWindow.map((r) => Number(r.claimed) - Number(r.slot)).sort((a, b) => a - b);
    // http: the start → arrival leg of each run (the executor and the wire).
    const legs = got
      ? inWindow
          .map((r) => (arrivedAt(r) ?? Number.NaN) - Number(r.began))
          .filter((v) => !Number.isNaN(v))
          .sort((a, b) => a - b)
      : [];
    const startLate = {
      wireP50: round(percentile(legs, 50), 1),
      wireP99: round(percentile(legs, 99), 1),
      p50: round(percentile(starts, 50), 1),
      p99: round(percentile(starts, 99), 1),
      claimP50: round(percentile(claims, 50), 1),
      claimP99: round(percentile(claims, 99), 1),
    };
    return { ...figures(late, n * SECONDS, figuresUsed, load), createS, worker, startLate, commitsPerRun };
  } finally {
    for (const [name, child] of children.reverse()) await stopChild(child, name);
    await sql.end();
    await pg.stop();
    await target?.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

// --- APScheduler ---------------------------------------------------------------------------------
async function apscheduler(mode: Mode, n: number): Promise<Figures & { missed: number; skipped: number }> {
  const target = mode === "http" ? await startTarget() : undefined;
  const child = spawn(PYTHON, ["bench/apscheduler_jobs.py", mode, String(n), target?.base ?? ""], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  try {
    let out = "";
    const started = new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (c) => {
        out += c;
        if (out.includes("started\n")) resolve();
      });
      child.once("exit", (code) =>
        reject(new Error(`APScheduler exited (${code}): is python3-apscheduler installed?`)),
      );
    });
    await started;
    const used = meter(() => [child.pid ?? 0]);
    const from = (Math.ceil(Date.now() / 1000) + warmupS(n)) * 1000;
    const to = from + SECONDS * 1000;
    const cutoff = to + GRACE_MS;
    await sleepUntil(cutoff);
    const load = loadAvg();
    const figuresUsed = used();
    const exited = new Promise<void>((r) => child.once("exit", () => r()));
    child.stdin.end();
    await exited;
    const r = JSON.parse(out.trim().split("\n").at(-1) ?? "{}") as {
      submitted: Record<string, number[]>;
      ended: Record<string, [number, number][]>;
      missed: number;
      skipped: number;
    };
    let late: number[];
    if (target) {
      const submitted = new Map(
        Object.entries(r.submitted).map(([k, v]) => [Number(k), v.map((s) => s * 1000)]),
      );
      late = lateness(submitted, (await target.collect()).arrivals, from, to, cutoff);
    } else {
      late = Object.values(r.ended)
        .flat()
        .map(([slot, end]) => [slot * 1000, end * 1000] as const)
        .filter(([slot, end]) => slot >= from && slot < to && end <= cutoff)
        .map(([slot, end]) => end - slot);
    }
    return { ...figures(late, n * SECONDS, figuresUsed, load), missed: r.missed, skipped: r.skipped };
  } finally {
    if (child.exitCode === null) child.kill("SIGKILL");
    await target?.close();
  }
}

// --- main ---------------------------------------------------------------------------------------
if (!existsSync(".next/BUILD_ID")) {
  console.log("building the web app once (npm start would)…");
  await runBuild();
} else if (needsBuild()) {
  console.log(
    "note: the web build is older than the sources; it only serves /jobs/add here (the worker runs from source)",
  );
}

const results: Record<string, unknown>[] = [];
const rows: [string, string | number][] = [];
const show = (f: Figures) =>
  `p50 ${f.p50} / p99 ${f.p99} ms (max ${f.max}), ${f.delivered} of ${f.expected} fires · CPU ${f.cpuS} s · peak ${f.peakMiB} MiB · load ${f.load.join(" ")}`;
for (const [mode, list] of [
  ["http", HTTP_SIZES],
  ["command", COMMAND_SIZES],
] as const) {
  for (const n of list) {
    const k = await kairos(mode, n);
    rows.push([
      `${mode} ×${n} · Kairos (${k.createS} s to add)`,
      `${show(k)} (worker alone: CPU ${k.worker.cpuS} s, ${k.worker.peakMiB} MiB; Postgres commits per run ${k.commitsPerRun}; runs claimed p50 ${k.startLate.claimP50} / p99 ${k.startLate.claimP99}, started p50 ${k.startLate.p50} / p99 ${k.startLate.p99} ms after their slot${mode === "http" ? `, start → arrival p50 ${k.startLate.wireP50} / p99 ${k.startLate.wireP99} ms` : ""})`,
    ]);
    const a = WITH_APS ? await apscheduler(mode, n) : null;
    if (a) {
      rows.push([`${mode} ×${n} · APScheduler`, `${show(a)} · missed ${a.missed}, skipped ${a.skipped}`]);
      rows.push([
        `${mode} ×${n} · Kairos / APScheduler`,
        `p99 ${ratio(k.p99, a.p99)} · fires ${ratio(k.delivered, a.delivered)} · CPU ${ratio(k.cpuS, a.cpuS)} · memory ${ratio(k.peakMiB, a.peakMiB)}`,
      ]);
    }
    results.push({ mode, jobs: n, kairos: k, apscheduler: a });
  }
}
rows.push([
  "Kairos",
  `npm start defaults${Object.keys(process.env)
    .filter((k) => /^(WORKER_|DB_POOL|RUN_|SCHEDULER_)/.test(k))
    .map((k) => ` ${k}=${process.env[k]}`)
    .join("")}; CPU and memory: worker + web + Postgres (PSS)`,
]);
report("http", rows, { seconds: SECONDS, results });
process.exit(0);
