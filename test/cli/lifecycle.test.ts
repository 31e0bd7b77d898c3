/**
 * `kairos start -d`, `start -d -f`, `status`, `stop`, `restart` with the real binary: the
 * launcher, web and worker as background processes against this file's database, and the
 * supervisor bringing Kairos back after it is killed.
 */
import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../server/db/embedded";
import { PROCESS_TEST_MS, STARTUP_MS, waitFor } from "../helpers/wait";
import { BIN, kairos } from "./helpers";

let env: Record<string, string>;
let dataDir: string;

type Status = {
  running: boolean;
  pid: number | null;
  daemonPid: number | null;
  health: { status: string } | null;
};
const status = async () => {
  const r = await kairos(["status", "--json"], { env });
  return { code: r.code, ...(JSON.parse(r.stdout) as Status) };
};
const alive = (pid: number | null | undefined) => {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), "kairos-life-"));
  chmodSync(dataDir, 0o755);
  env = {
    KAIROS_DATA_DIR: dataDir,
    PORT: String(await freePort()),
    HOST: "127.0.0.1",
    AUTH_SECRET: "kairos-test-secret-kairos-test-secret-0123456789",
    WORKER_HEARTBEAT_SECONDS: "1",
    WORKER_DEAD_AFTER_SECONDS: "5",
    LOG_LEVEL: "info",
  };
});
afterAll(async () => {
  // Whatever a failed test left running.
  for (const f of ["daemon.pid", "kairos.pid"]) {
    const file = path.join(dataDir, f);
    const pid = existsSync(file) ? Number(readFileSync(file, "utf8").trim()) : 0;
    if (alive(pid)) process.kill(pid, "SIGTERM");
  }
  rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

describe("kairos start / status / stop", () => {
  it("says it is not running (exit 3)", async () => {
    const r = await kairos(["status"], { env });
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/running\s+no/);
    expect((await kairos(["stop"], { env })).code).toBe(3);
  });

  it("starts in the background, answers, refuses a second start, and stops", {
    timeout: PROCESS_TEST_MS,
  }, async () => {
    const start = await kairos(["start", "-d"], { env, timeoutMs: 300_000 });
    expect(start.code, start.stderr).toBe(0);
    expect(start.stdout).toContain(`http://localhost:${env.PORT}`);
    const pid = Number(readFileSync(path.join(dataDir, "kairos.pid"), "utf8"));
    expect(alive(pid)).toBe(true);
    const s = await waitFor(
      "healthy",
      async () => {
        const x = await status();
        return x.health?.status === "ok" ? x : null;
      },
      STARTUP_MS,
      500,
    );
    expect(s).toMatchObject({ code: 0, running: true, pid, daemonPid: null });
    const human = await kairos(["status"], { env });
    expect(human.stdout).toMatch(/health\s+ok \(1 live worker\)/);
    const twice = await kairos(["start", "-d"], { env });
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain("already running");
    const stop = await kairos(["stop"], { env });
    expect(stop.code).toBe(0);
    expect(alive(pid)).toBe(false);
    expect(existsSync(path.join(dataDir, "kairos.pid"))).toBe(false);
    expect((await status()).code).toBe(3);
    // It logged to the log file.
    expect(readFileSync(path.join(dataDir, "kairos.log"), "utf8")).toContain("stopping Kairos");
  });

  it("runs in the foreground (what systemd runs) until it is signalled", {
    timeout: PROCESS_TEST_MS,
  }, async () => {
    const child = spawn(process.execPath, [BIN, "start"], {
      env: { ...process.env, NODE_ENV: "production", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
    const s = await waitFor(
      "healthy in the foreground",
      async () => {
        const x = await status();
        return x.health?.status === "ok" ? x : null;
      },
      STARTUP_MS,
      500,
    );
    // The CLI process is the launcher itself.
    expect(s.pid).toBe(child.pid);
    expect(out).toContain("Kairos is running at");
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect((await status()).code).toBe(3);
  });

  it("runs under a supervisor that brings Kairos back when it is killed; restart keeps the supervisor", {
    timeout: PROCESS_TEST_MS,
  }, async () => {
    const start = await kairos(["start", "-d", "-f", "--json"], { env, timeoutMs: 300_000 });
    expect(start.code, start.stderr).toBe(0);
    const info = JSON.parse(start.stdout) as { mode: string; pid: number; daemonPid: number };
    expect(info.mode).toBe("daemon");
    expect(alive(info.daemonPid)).toBe(true);
    process.kill(info.pid, "SIGKILL");
    const back = await waitFor(
      "Kairos back under a new pid",
      async () => {
        const s = await status();
        return s.pid && s.pid !== info.pid && s.health?.status === "ok" ? s : null;
      },
      STARTUP_MS,
      500,
    );
    expect(back.daemonPid).toBe(info.daemonPid);

    const restarted = await kairos(["restart", "--json"], { env, timeoutMs: 300_000 });
    expect(restarted.code, restarted.stderr).toBe(0);
    const again = JSON.parse(restarted.stdout) as { mode: string; pid: number; daemonPid: number };
    expect(again.mode).toBe("daemon");
    expect(again.daemonPid).not.toBe(info.daemonPid);
    expect(alive(info.daemonPid)).toBe(false);

    const stop = await kairos(["stop"], { env, timeoutMs: 120_000 });
    expect(stop.code, stop.stderr).toBe(0);
    expect(alive(again.pid)).toBe(false);
    expect(alive(again.daemonPid)).toBe(false);
    expect((await status()).code).toBe(3);
  });
});
