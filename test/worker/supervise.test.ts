import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type Supervised, supervise } from "../../scripts/lib/children";
import { waitFor } from "../helpers/wait";

// Issue 7, item 5: the launcher restarts a crashed web or worker (with back-off) instead of
// stopping everything, and says why.
const dir = mkdtempSync(path.join(os.tmpdir(), "kairos-supervise-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A real process that counts its starts in a file and crashes (exit 3) the first `crashes` times. */
function flaky(name: string, crashes: number, crashCode = 3) {
  const counter = path.join(dir, name);
  writeFileSync(counter, "0");
  const script = `
    const fs = require("fs");
    const n = Number(fs.readFileSync(${JSON.stringify(counter)}, "utf8")) + 1;
    fs.writeFileSync(${JSON.stringify(counter)}, String(n));
    if (n <= ${crashes}) process.exit(${crashCode});
    process.on("SIGTERM", () => process.exit(0));
    setInterval(() => {}, 1000);`;
  return {
    start: () => spawn(process.execPath, ["-e", script], { stdio: "ignore" }),
    starts: () => Number(readFileSync(counter, "utf8")),
  };
}

function logSink() {
  const lines: { level: string; obj: Record<string, unknown>; msg: string; at: number }[] = [];
  const at = (level: string) => (obj: object, msg: string) =>
    lines.push({ level, obj: obj as Record<string, unknown>, msg, at: Date.now() });
  return { lines, log: { info: at("info"), error: at("error") } };
}

let running: Supervised[] = [];
afterAll(async () => {
  for (const s of running) await s.stop();
});

describe("supervise (the launcher's children)", () => {
  it("restarts a crashing child with growing back-off and logs each crash with its exit code", async () => {
    const child = flaky("web", 3);
    const sink = logSink();
    let gaveUp = "";
    const s = supervise("web", child.start, {
      log: sink.log,
      onGiveUp: (r) => (gaveUp = r),
      baseDelayMs: 100,
      maxDelayMs: 1_000,
    });
    running.push(s);
    await waitFor("the 4th start to stay up", () => child.starts() === 4 && s.restarts() === 3, 10_000);
    expect(gaveUp).toBe("");
    const crashes = sink.lines.filter((l) => l.level === "error");
    expect(crashes).toHaveLength(3);
    expect(crashes.map((c) => c.obj.code)).toEqual([3, 3, 3]);
    expect(crashes.map((c) => c.obj.restartInMs)).toEqual([100, 200, 400]);
    expect(crashes[0]?.msg).toContain("web exited unexpectedly (exit code 3)");
    expect(sink.lines.filter((l) => l.msg === "web restarted")).toHaveLength(3);
    // The survivor is alive and is the one `current()` hands out.
    const pid = s.current().pid as number;
    expect(() => process.kill(pid, 0)).not.toThrow();
    await s.stop();
    expect(s.current().exitCode ?? s.current().signalCode).not.toBeNull();
    running = running.filter((r) => r !== s);
  });

  it("does not restart a child that exits with a configuration error (78): gives up instead", async () => {
    const child = flaky("worker", 100, 78);
    const sink = logSink();
    const gaveUp = new Promise<string>((resolve) => {
      running.push(supervise("worker", child.start, { log: sink.log, onGiveUp: resolve, baseDelayMs: 50 }));
    });
    expect(await gaveUp).toContain("configuration");
    expect(child.starts()).toBe(1);
  });

  it("restarts a child killed by a signal", async () => {
    const child = flaky("sig", 0);
    const sink = logSink();
    const s = supervise("worker", child.start, { log: sink.log, onGiveUp: () => {}, baseDelayMs: 50 });
    running.push(s);
    await waitFor("first start", () => child.starts() === 1);
    s.current().kill("SIGKILL");
    await waitFor("the restart", () => child.starts() === 2 && s.restarts() === 1);
    expect(sink.lines.find((l) => l.level === "error")?.obj.signal).toBe("SIGKILL");
  });
});
