// The process that starts command runs for a worker (see spawner.ts). Plain JavaScript with no
// imports of ours, started without the TypeScript loader: it stays small, and so does the cost of
// each fork it makes.
import { spawn } from "node:child_process";

const children = new Map();
const send = (message, stream) => {
  // A slow channel (a run printing a lot) pauses that stream until its data has gone out.
  if (!process.send(message, undefined, {}, () => stream?.resume()) && stream) stream.pause();
};
const errorInfo = (e) => ({
  message: e.message,
  code: e.code,
  errno: e.errno,
  syscall: e.syscall,
  path: e.path,
});

// A burst of requests (every-second jobs fire together) is forked one per turn of the event loop,
// so the processes that already ended are reported in between, not after the whole burst.
const queue = [];
const pump = () => {
  const next = queue.shift();
  if (next) start(next[0], next[1]);
  if (queue.length) setImmediate(pump);
};

process.on("message", (m) => {
  const [op, id] = m;
  if (op === "spawn") {
    queue.push([id, m[2]]);
    if (queue.length === 1) setImmediate(pump);
  } else if (op === "drop") {
    const child = children.get(id);
    child?.stdout.destroy();
    child?.stderr.destroy();
  }
});

function start(id, o) {
  let child;
  try {
    child = spawn(o.file, o.args, {
      cwd: o.cwd,
      env: o.env,
      uid: o.uid,
      gid: o.gid,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
  } catch (e) {
    send(["error", id, errorInfo(e)]);
    send(["close", id]);
    return;
  }
  children.set(id, child);
  child.once("spawn", () => send(["spawn", id, child.pid]));
  child.on("error", (e) => send(["error", id, errorInfo(e)]));
  for (const [fd, stream] of [
    [1, child.stdout],
    [2, child.stderr],
  ]) {
    stream.on("data", (chunk) => send(["data", id, fd, chunk], stream));
  }
  // Most processes close their pipes as they exit: then one message says both (the worker ends
  // the streams on "close"). Three messages a process instead of six: for a quick command the
  // channel is much of this helper's work and of the worker's (issue 9).
  let exit;
  child.once("exit", (code, signal) => {
    exit = [code, signal];
    setImmediate(() => {
      if (!exit) return;
      send(["exit", id, code, signal]);
      exit = undefined;
    });
  });
  child.once("close", () => {
    children.delete(id);
    if (exit) send(["close", id, exit[0], exit[1]]);
    else send(["close", id]);
    exit = undefined;
  });
}

// The worker is gone: so is the reason to be here.
process.on("disconnect", () => process.exit(0));
