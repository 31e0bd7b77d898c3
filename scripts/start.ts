/**
 * `npm start`: everything on one machine. Uses DATABASE_URL, or starts the embedded Postgres
 * in the data folder; migrates; builds the web app when sources changed; then runs one web
 * process and one worker (restarting either if it crashes), and stops them (and Postgres)
 * cleanly on Ctrl-C / SIGTERM.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { EnvError, env } from "../server/lib/env";
import { log } from "../server/lib/log";
import { processLogSink } from "../server/lib/log-sink";
import { needsBuild, runBuild } from "./lib/build";
import { spawnTs, supervise } from "./lib/children";
import { prepareDatabase } from "./lib/database";

process.env.KAIROS_PROCESS ??= "kairos";

function fail(message: string, code = 1): never {
  console.error(message);
  process.exit(code);
}

let e: ReturnType<typeof env>;
try {
  e = env();
} catch (err) {
  fail(err instanceof EnvError ? err.message : String(err), 78);
}
const l = log("start");
if (process.stdout.isTTY) process.env.LOG_PRETTY ??= "1";

// One launcher per data folder: a second would fight the first over the embedded Postgres.
mkdirSync(e.dataDir, { recursive: true });
const pidFile = path.join(e.dataDir, "kairos.pid");
if (existsSync(pidFile)) {
  const pid = Number(readFileSync(pidFile, "utf8"));
  let alive = false;
  try {
    process.kill(pid, 0);
    alive = pid !== process.pid;
  } catch {}
  if (alive) fail(`Kairos is already running from ${e.dataDir} (pid ${pid}). Stop it first.`);
}
writeFileSync(pidFile, String(process.pid));

const started = Date.now();
const { url, embedded, authSecret } = await prepareDatabase().catch((err) => {
  rmSync(pidFile, { force: true });
  l.fatal({ err }, "could not prepare the database");
  process.exit(1);
});
// The launcher's own lines (kept until now) go to the logs table from here on.
processLogSink()?.setUrl(url);

if (needsBuild()) {
  l.info("building the web app (first start, or sources changed)…");
  await runBuild().catch(async (err) => {
    await embedded?.stop();
    rmSync(pidFile, { force: true });
    l.fatal({ err }, "build failed");
    process.exit(1);
  });
}

const childEnv = {
  ...process.env,
  DATABASE_URL: url,
  AUTH_SECRET: authSecret,
  AUTH_TRUST_HOST: "true",
  NODE_ENV: "production" as const,
};
let stopping = false;
// A crashed web or worker is restarted (with back-off); the others keep running meanwhile.
const supervisor = { log: l, onGiveUp: (reason: string) => void shutdown(reason, 1) };
const children = [
  supervise("web", () => spawnTs("scripts/web.ts", { ...childEnv, KAIROS_PROCESS: "web" }), supervisor),
  supervise("worker", () => spawnTs("worker/main.ts", { ...childEnv, KAIROS_PROCESS: "worker" }), supervisor),
];

async function shutdown(reason: string, code: number) {
  if (stopping) return;
  stopping = true;
  l.info({ reason }, "stopping Kairos");
  // Web first (no new work arrives), then the worker (finishes what it holds), then Postgres.
  for (const child of children) await child.stop();
  await processLogSink()?.close();
  await embedded?.stop();
  rmSync(pidFile, { force: true });
  process.exit(code);
}
process.on("SIGINT", () => void shutdown("SIGINT", 0));
process.on("SIGTERM", () => void shutdown("SIGTERM", 0));

// Announce the address once the web process answers.
const local = `http://localhost:${e.PORT}`;
for (let i = 0; i < 600 && !stopping; i++) {
  const res = await fetch(`http://127.0.0.1:${e.PORT}/api/health`).catch(() => undefined);
  if (res) {
    const body = (await res.json().catch(() => ({}))) as { status?: string };
    l.info({ ms: Date.now() - started, health: body.status }, "Kairos is ready");
    console.log(
      `\n  Kairos is running at ${e.PUBLIC_URL ?? local}\n  Data: ${e.dataDir}${embedded ? ` (embedded Postgres on port ${embedded.port})` : ""}\n  Stop with Ctrl-C.\n`,
    );
    break;
  }
  await new Promise((r) => setTimeout(r, 200));
}
