/**
 * `kairos start -d -f`: a supervisor that runs Kairos (scripts/start.ts) and starts it again
 * when it exits unexpectedly, with a growing pause (1 s … 30 s; back to 1 s after a minute of
 * good running). SIGTERM / SIGINT stop Kairos and then the supervisor.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { files } from "./local";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const f = files();
writeFileSync(f.daemonPid, String(process.pid));

let child: ChildProcess | null = null;
let stopping = false;
let pauseMs = 1000;
const say = (msg: string) =>
  console.log(JSON.stringify({ time: new Date().toISOString(), svc: "supervisor", msg }));

function run() {
  const started = Date.now();
  child = spawn(
    process.execPath,
    ["--import", path.join(ROOT, "scripts/lib/node-hooks.mjs"), path.join(ROOT, "scripts/start.ts")],
    {
      stdio: "inherit",
      env: process.env,
    },
  );
  say(`started Kairos (pid ${child.pid})`);
  child.once("exit", (code, signal) => {
    child = null;
    if (stopping) {
      rmSync(f.daemonPid, { force: true });
      say("stopped");
      process.exit(0);
    }
    if (Date.now() - started > 60_000) pauseMs = 1000;
    say(`Kairos exited (${signal ?? `code ${code}`}); starting it again in ${pauseMs / 1000} s`);
    setTimeout(run, pauseMs);
    pauseMs = Math.min(pauseMs * 2, 30_000);
  });
}

function shutdown(signal: NodeJS.Signals) {
  if (stopping) return;
  stopping = true;
  say(`${signal}: stopping Kairos`);
  if (child) child.kill("SIGTERM");
  else {
    rmSync(f.daemonPid, { force: true });
    process.exit(0);
  }
}
process.on("SIGTERM", () => shutdown("SIGTERM"));
process.on("SIGINT", () => shutdown("SIGINT"));
run();
