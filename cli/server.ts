/** Running Kairos on this machine: start (foreground, background, daemon), stop, status, restart. */
import { spawn } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { resetEnvCache } from "../server/lib/env";
import { resetLogger } from "../server/lib/log";
import { alive, config, files, readPid } from "./local";
import { CliError, EXIT, printJson, table } from "./output";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Set when LOG_LEVEL=silent is the CLI's own choice, not the user's. */
export const CLI_QUIET_MARK = "KAIROS_CLI_QUIET";

/** The environment Kairos runs with: the user's, without the CLI's own LOG_LEVEL=silent. */
function kairosEnv(): NodeJS.ProcessEnv {
  const out = { ...process.env };
  if (out[CLI_QUIET_MARK]) {
    delete out.LOG_LEVEL;
    delete out[CLI_QUIET_MARK];
  }
  return out;
}

function nodeTs(entry: string, extra: string[] = []): string[] {
  return ["--import", path.join(ROOT, "scripts/lib/node-hooks.mjs"), path.join(ROOT, entry), ...extra];
}

async function health(port: number): Promise<{ status: string; workers?: { live: number } } | null> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/api/health`, { signal: AbortSignal.timeout(3000) });
    return (await res.json()) as { status: string };
  } catch {
    return null;
  }
}

function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, "utf8").split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  }
}

export function running() {
  const f = files();
  const daemon = readPid(f.daemonPid);
  const app = readPid(f.appPid);
  return {
    daemon: alive(daemon) ? daemon : null,
    app: alive(app) ? app : null,
  };
}

/** Foreground: this process becomes the launcher (what systemd runs). */
export async function startForeground() {
  const r = running();
  if (r.app || r.daemon)
    throw new CliError(`Kairos is already running (pid ${r.daemon ?? r.app})`, EXIT.FAILED);
  // This process becomes Kairos: its logs are Kairos' logs (systemd's journal), not the CLI's.
  if (process.env[CLI_QUIET_MARK]) {
    delete process.env.LOG_LEVEL;
    delete process.env[CLI_QUIET_MARK];
    resetEnvCache();
    resetLogger();
  }
  await import("../scripts/start");
}

/** Background (-d), or daemon (-d -f: a supervisor that restarts Kairos if it dies). */
export async function startBackground(supervise: boolean, o: { json?: boolean; waitSeconds?: number } = {}) {
  const e = config();
  const f = files();
  const r = running();
  if (r.app || r.daemon)
    throw new CliError(`Kairos is already running (pid ${r.daemon ?? r.app})`, EXIT.FAILED);
  mkdirSync(f.dir, { recursive: true });
  const out = openSync(f.log, "a");
  const child = spawn(process.execPath, supervise ? nodeTs("cli/daemon.ts") : nodeTs("scripts/start.ts"), {
    cwd: process.cwd(),
    detached: true,
    stdio: ["ignore", out, out],
    env: { ...kairosEnv(), LOG_PRETTY: process.env.LOG_PRETTY ?? "0" },
  });
  closeSync(out);
  let exited: number | null = null;
  child.once("exit", (code) => {
    exited = code ?? 1;
  });
  child.unref();
  // The first start may build the web app: allow a few minutes.
  const until = Date.now() + (o.waitSeconds ?? 300) * 1000;
  while (Date.now() < until) {
    if (exited !== null && !supervise) break;
    const h = await health(e.PORT);
    if (h) {
      const pids = running();
      const info = {
        started: true,
        mode: supervise ? "daemon" : "background",
        pid: pids.app,
        daemonPid: pids.daemon,
        url: e.PUBLIC_URL ?? `http://localhost:${e.PORT}`,
        health: h.status,
        log: f.log,
      };
      if (o.json) printJson(info);
      else
        console.log(
          `Kairos is running at ${info.url} (${info.mode}, pid ${info.pid}${info.daemonPid ? `, supervisor ${info.daemonPid}` : ""})\nLog: ${f.log}`,
        );
      return;
    }
    await new Promise((res) => setTimeout(res, 300));
  }
  throw new CliError(
    `Kairos did not come up${exited !== null ? ` (exited with ${exited})` : ""}. The end of ${f.log}:\n${tail(f.log)}`,
    EXIT.FAILED,
  );
}

async function waitGone(pid: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (!alive(pid)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return !alive(pid);
}

/** Stops the supervisor (if any) and Kairos; -f kills what does not stop in time. */
export async function stop(
  o: { force?: boolean; json?: boolean; quiet?: boolean; timeoutSeconds?: number } = {},
) {
  const f = files();
  const r = running();
  if (!r.app && !r.daemon) {
    rmSync(f.appPid, { force: true });
    rmSync(f.daemonPid, { force: true });
    throw new CliError("Kairos is not running", EXIT.NOT_RUNNING);
  }
  const timeout = (o.timeoutSeconds ?? 60) * 1000;
  // The supervisor first, so it does not start Kairos again; it stops Kairos itself.
  for (const pid of [r.daemon, r.app]) {
    if (!pid || !alive(pid)) continue;
    process.kill(pid, "SIGTERM");
    if (!(await waitGone(pid, timeout))) {
      if (!o.force)
        throw new CliError(`pid ${pid} did not stop within ${timeout / 1000} s (use stop -f)`, EXIT.FAILED);
      process.kill(pid, "SIGKILL");
      await waitGone(pid, 5000);
    }
  }
  if (r.app && alive(r.app)) await waitGone(r.app, timeout);
  rmSync(f.daemonPid, { force: true });
  if (o.quiet) return;
  if (o.json) printJson({ stopped: true, pid: r.app, daemonPid: r.daemon });
  else console.log(`Kairos stopped${r.app ? ` (pid ${r.app})` : ""}`);
}

export async function status(o: { json?: boolean } = {}) {
  const e = config();
  const r = running();
  const h = r.app ? await health(e.PORT) : null;
  const info = {
    running: !!r.app,
    mode: r.daemon ? "daemon" : r.app ? "background or foreground" : null,
    pid: r.app,
    daemonPid: r.daemon,
    url: `http://127.0.0.1:${e.PORT}`,
    health: h,
    dataDir: e.dataDir,
  };
  if (o.json) printJson(info);
  else
    console.log(
      table(
        ["", ""],
        [
          ["running", info.running ? "yes" : "no"],
          ["pid", info.pid],
          ["supervisor pid", info.daemonPid],
          ["url", info.url],
          [
            "health",
            h
              ? `${h.status}${h.workers ? ` (${h.workers.live} live worker${h.workers.live === 1 ? "" : "s"})` : ""}`
              : "-",
          ],
          ["data", info.dataDir],
        ],
      )
        .split("\n")
        .slice(1)
        .join("\n"),
    );
  if (!r.app) return EXIT.NOT_RUNNING;
  return h?.status === "ok" ? EXIT.OK : EXIT.FAILED;
}

export async function restart(o: { json?: boolean } = {}) {
  const r = running();
  const supervise = !!r.daemon;
  if (r.app || r.daemon) await stop({ force: true, quiet: true });
  await startBackground(supervise, o);
}

export function logFileExists() {
  return existsSync(files().log);
}
