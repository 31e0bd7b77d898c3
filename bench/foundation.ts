/**
 * Foundation figures, each beside a baseline measured in the same run:
 *   - web cold start → first healthy /api/health   vs  a bare node http server → first 200
 *   - worker start → first heartbeat row           vs  a bare graphile-worker runner → connected
 *   - mails/s through the outbox to a local SMTP peer  vs  nodemailer sending directly to it
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import nodemailer from "nodemailer";
import postgres from "postgres";
import { spawnTs, stopChild } from "../scripts/lib/children";
import { freePort } from "../server/db/embedded";
import { startSmtpPeer } from "../test/helpers/smtp";
import { benchDatabase, quietEnv, ratio, report, round, summarize } from "./lib";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const MAILS = Number(process.env.BENCH_MAILS ?? 500);
const db = await benchDatabase();
const sql = postgres(db.url, { max: 4, onnotice: () => {} });
const secret = "bench-secret-bench-secret-bench-secret-0123";

function rssOf(pid: number | undefined): number {
  const status = pid ? readFileSync(`/proc/${pid}/status`, "utf8") : "";
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
}

async function until(check: () => Promise<boolean>, timeoutMs = 120_000) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error("timed out");
}

// --- worker start → first heartbeat ------------------------------------------------------------
const workerMs: number[] = [];
const bareWorkerMs: number[] = [];
for (let i = 0; i < ROUNDS; i++) {
  const t0 = performance.now();
  const before = (await sql`select count(*)::int as n from workers`)[0]?.n as number;
  const w = spawnTs("worker/main.ts", quietEnv({ DATABASE_URL: db.url }));
  await until(async () => ((await sql`select count(*)::int as n from workers`)[0]?.n as number) > before);
  workerMs.push(performance.now() - t0);
  await stopChild(w, "worker");

  const t1 = performance.now();
  const bare = spawn(
    process.execPath,
    [
      "--input-type=module",
      "-e",
      `import { run } from "graphile-worker";
       const r = await run({ connectionString: process.env.DATABASE_URL, concurrency: 16, noHandleSignals: true, crontab: "",
         taskList: { noop: async () => {} }, logger: undefined });
       r.events.on("worker:getJob:empty", () => {});
       console.log("connected"); process.on("SIGTERM", async () => { await r.stop(); process.exit(0); });`,
    ],
    { env: quietEnv({ DATABASE_URL: db.url }), stdio: ["ignore", "pipe", "ignore"] },
  );
  await once(bare.stdout, "data");
  bareWorkerMs.push(performance.now() - t1);
  await stopChild(bare, "bare worker");
}

// --- web cold start → healthy -----------------------------------------------------------------
const worker = spawnTs("worker/main.ts", quietEnv({ DATABASE_URL: db.url }));
const webMs: number[] = [];
const bareWebMs: number[] = [];
for (let i = 0; i < ROUNDS; i++) {
  const port = await freePort();
  const t0 = performance.now();
  const web = spawnTs(
    "scripts/web.ts",
    quietEnv({ DATABASE_URL: db.url, PORT: String(port), AUTH_SECRET: secret }),
  );
  await until(async () => (await fetch(`http://127.0.0.1:${port}/api/health`)).status === 200);
  webMs.push(performance.now() - t0);
  await stopChild(web, "web");

  const bport = await freePort();
  const t1 = performance.now();
  const bare = spawn(
    process.execPath,
    ["-e", `require("http").createServer((q,s)=>s.end("ok")).listen(${bport},"127.0.0.1")`],
    { stdio: "ignore" },
  );
  await until(async () => (await fetch(`http://127.0.0.1:${bport}/`)).status === 200);
  bareWebMs.push(performance.now() - t1);
  bare.kill("SIGKILL");
}
await stopChild(worker, "worker");

// --- outbox throughput ------------------------------------------------------------------------
const smtp = await startSmtpPeer();
const direct = nodemailer.createTransport(smtp.url);
const t0 = performance.now();
const CONC = 16;
let next = 0;
await Promise.all(
  Array.from({ length: CONC }, async () => {
    while (next < MAILS) {
      const i = next++;
      await direct.sendMail({
        from: "k@bench.local",
        to: "ops@bench.local",
        subject: `direct ${i}`,
        text: "x",
        html: "<p>x</p>",
      });
    }
  }),
);
const directSecs = (performance.now() - t0) / 1000;
direct.close();

const mailWorker = spawnTs(
  "worker/main.ts",
  quietEnv({ DATABASE_URL: db.url, SMTP_URL: smtp.url, WORKER_CONCURRENCY: String(CONC) }),
);
await until(
  async () =>
    ((await sql`select count(*)::int as n from workers where stopped_at is null`)[0]?.n as number) > 0,
);
process.env.DATABASE_URL = db.url;
const { sendMail } = await import("../server/mail/outbox");
const { getDb, closeDb } = await import("../server/db/client");
const t1 = performance.now();
for (let i = 0; i < MAILS; i++) {
  await sendMail(getDb(), {
    kind: "bench",
    to: ["ops@bench.local"],
    subject: `outbox ${i}`,
    html: "<p>x</p>",
    text: "x",
  });
}
const enqueueSecs = (performance.now() - t1) / 1000;
await until(
  async () =>
    ((await sql`select count(*)::int as n from outbox where status = 'sent'`)[0]?.n as number) >= MAILS,
  300_000,
);
const outboxSecs = (performance.now() - t1) / 1000;
const rss = rssOf(mailWorker.pid);
await stopChild(mailWorker, "worker");
await smtp.close();
await closeDb();
await sql.end();
await db.close();

const w = summarize(workerMs);
const bw = summarize(bareWorkerMs);
const web = summarize(webMs);
const bweb = summarize(bareWebMs);
const outboxRate = MAILS / outboxSecs;
const directRate = MAILS / directSecs;
report(
  "foundation",
  [
    [
      "worker start → first heartbeat p50 (ms)",
      `${w.p50}  (bare graphile-worker connected: ${bw.p50}; ratio ${ratio(w.p50, bw.p50)})`,
    ],
    [
      "web cold start → healthy p50 (ms)",
      `${web.p50}  (bare node http: ${bweb.p50}; ratio ${ratio(web.p50, bweb.p50)})`,
    ],
    [
      "outbox mails/s to local SMTP",
      `${round(outboxRate, 1)}  (nodemailer direct: ${round(directRate, 1)}; ratio ${ratio(outboxRate, directRate)})`,
    ],
    ["outbox enqueue mails/s (record + queue)", round(MAILS / enqueueSecs, 1)],
    ["mail worker RSS after the run (MiB)", round(rss / 2 ** 20, 1)],
  ],
  {
    workerStartMs: w,
    bareWorkerStartMs: bw,
    webColdStartMs: web,
    bareHttpStartMs: bweb,
    outboxMailsPerSec: round(outboxRate, 1),
    directMailsPerSec: round(directRate, 1),
    outboxVsDirect: ratio(outboxRate, directRate),
    enqueueMailsPerSec: round(MAILS / enqueueSecs, 1),
    workerRssMiB: round(rss / 2 ** 20, 1),
    mails: MAILS,
    rounds: ROUNDS,
  },
);
process.exit(0);
