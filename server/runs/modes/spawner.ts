import "server-only";
import { type ChildProcess, fork } from "node:child_process";
import { EventEmitter } from "node:events";
import os from "node:os";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";

/**
 * What command runs need of a started process: its pid, its output, and the ChildProcess events
 * "spawn", "error", "exit" and "close".
 */
export type StartedProcess = EventEmitter & { pid: number | undefined; stdout: Readable; stderr: Readable };

export type StartOptions = {
  cwd?: string;
  env: Record<string, string | undefined>;
  uid?: number;
  gid?: number;
};

type ErrorInfo = { message: string; code?: string; errno?: number; syscall?: string; path?: string };
type FromHelper =
  | ["spawn", number, number]
  | ["error", number, ErrorInfo]
  | ["data", number, 1 | 2, Uint8Array]
  | ["exit", number, number | null, NodeJS.Signals | null]
  /** With the exit status when the process exited in the same turn (no "exit" message then). */
  | ["close", number, (number | null)?, (NodeJS.Signals | null)?];

type Entry = { proc: StartedProcess; exited: boolean };

const HELPER = fileURLToPath(new URL("./spawn-helper.mjs", import.meta.url));

/**
 * Starts processes from a small helper process rather than from the worker. A fork copies the
 * forking process's page tables: from a worker of ~200 MB that took 3–6 ms of its only thread per
 * command (measured, issue 9: 100 every-second `true` jobs were ~0.5 s late), from the helper
 * ~1.5 ms, on another core. Each process is started detached (its own process group), so the
 * worker stops a run with kill(-pid) as before.
 */
class Spawner {
  private helper: ChildProcess | undefined;
  private next = 1;
  private readonly entries = new Map<number, Entry>();

  start(file: string, args: string[], o: StartOptions): StartedProcess {
    const id = this.next++;
    const proc = Object.assign(new EventEmitter(), {
      pid: undefined as number | undefined,
      stdout: this.stream(id),
      stderr: this.stream(id),
    });
    this.entries.set(id, { proc, exited: false });
    const helper = this.ensureHelper();
    // The channel keeps this process alive while one of its processes runs, and only then.
    if (this.entries.size === 1) helper.channel?.ref();
    helper.send(["spawn", id, { file, args, ...o }]);
    return proc;
  }

  private stream(id: number): Readable {
    return new Readable({
      read() {},
      destroy: (err, cb) => {
        this.helper?.send(["drop", id]);
        cb(err);
      },
    });
  }

  private ensureHelper(): ChildProcess {
    if (this.helper) return this.helper;
    const helper = fork(HELPER, [], {
      execArgv: [],
      serialization: "advanced",
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    helper.on("message", (m) => this.receive(m as FromHelper));
    helper.once("exit", () => this.lost(helper));
    helper.on("error", () => this.lost(helper));
    // The worker decides when it ends, not this child (it leaves when the channel closes).
    helper.unref();
    this.helper = helper;
    return helper;
  }

  private receive(m: FromHelper) {
    const entry = this.entries.get(m[1]);
    if (!entry) return;
    const { proc } = entry;
    switch (m[0]) {
      case "spawn":
        proc.pid = m[2];
        proc.emit("spawn");
        break;
      case "error":
        proc.emit("error", Object.assign(new Error(m[2].message), m[2]));
        break;
      case "data": {
        const u8 = m[3];
        (m[2] === 1 ? proc.stdout : proc.stderr).push(Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength));
        break;
      }
      case "exit":
        entry.exited = true;
        proc.emit("exit", m[2], m[3]);
        break;
      case "close":
        if (m.length > 2 && !entry.exited) {
          entry.exited = true;
          proc.emit("exit", m[2] ?? null, m[3] ?? null);
        }
        this.entries.delete(m[1]);
        if (!this.entries.size) this.helper?.channel?.unref();
        for (const s of [proc.stdout, proc.stderr]) if (!s.readableEnded) s.push(null);
        proc.emit("close");
        break;
    }
  }

  /** The helper died (killed by hand, out of memory): its runs end, the next start forks a new one. */
  private lost(helper: ChildProcess) {
    if (this.helper !== helper) return;
    this.helper = undefined;
    for (const [id, entry] of this.entries) {
      if (entry.proc.pid === undefined) entry.proc.emit("error", new Error("the process starter exited"));
      else if (!entry.exited) entry.proc.emit("exit", null, null);
      this.receive(["close", id]);
    }
  }
}

// One helper per core: a burst of fires (every-second jobs start together) forks in parallel.
const spawners = Array.from(
  { length: Math.max(1, Math.min(4, os.availableParallelism())) },
  () => new Spawner(),
);
let turn = 0;

/** Starts a process in its own process group with piped stdout and stderr. */
export function startProcess(file: string, args: string[], o: StartOptions): StartedProcess {
  turn = (turn + 1) % spawners.length;
  return (spawners[turn] as Spawner).start(file, args, o);
}
